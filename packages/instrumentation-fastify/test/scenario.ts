/**
 * What every Fastify fixture is put through, and what must come out of it:
 * route templates through prefixes and nested plugins, errors, 404s, a
 * streamed answer, and two episodes sending requests at the same time.
 */
import assert from 'node:assert/strict';
import type { Triplet } from '@rl-otel/semantic-conventions';
import type { OtlpSpan } from '@rl-otel/test-utils';

interface Call {
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly action: string;
  /** The exception event's type, when the app threw. */
  readonly exception?: string;
  readonly failed: boolean;
  readonly body?: string;
}

export const CALLS: readonly Call[] = [
  { method: 'GET', path: '/api/tasks/42', status: 200, action: 'GET /api/tasks/:id', failed: false },
  {
    method: 'GET',
    path: '/api/v1/users/7/posts/9',
    status: 200,
    action: 'GET /api/v1/users/:userId/posts/:postId',
    failed: false,
  },
  {
    method: 'GET',
    path: '/api/boom',
    status: 500,
    action: 'GET /api/boom',
    exception: 'Error',
    failed: true,
  },
  {
    method: 'GET',
    path: '/api/async-boom',
    status: 500,
    action: 'GET /api/async-boom',
    exception: 'TypeError',
    failed: true,
  },
  // A thrown error that Fastify answers with a 4xx is the client's error: recorded, not a failure.
  {
    method: 'GET',
    path: '/api/teapot',
    status: 418,
    action: 'GET /api/teapot',
    exception: 'Error',
    failed: false,
  },
  // The plugin's own error handler answers 503.
  {
    method: 'GET',
    path: '/custom/fail',
    status: 503,
    action: 'GET /custom/fail',
    exception: 'Error',
    failed: true,
  },
  // An onRequest hook answers before the handler: still the route that matched.
  { method: 'GET', path: '/admin/stats', status: 401, action: 'GET /admin/stats', failed: false },
  {
    method: 'GET',
    path: '/admin/stats',
    headers: { 'x-admin': 'yes' },
    status: 200,
    action: 'GET /admin/stats',
    failed: false,
  },
  { method: 'GET', path: '/nope/123', status: 404, action: 'GET (unmatched)', failed: false },
  { method: 'GET', path: '/nope/456', status: 404, action: 'GET (unmatched)', failed: false },
  { method: 'POST', path: '/nope', status: 404, action: 'POST (unmatched)', failed: false },
  {
    method: 'GET',
    path: '/api/stream',
    status: 200,
    action: 'GET /api/stream',
    failed: false,
    body: 'chunk 0\nchunk 1\nchunk 2\nchunk 3\nchunk 4\n',
  },
];

/** Requests per episode in the concurrent part. */
export const PER_EPISODE = 6;

/** Sends every call in order, then two episodes' requests all at once. Returns the number of requests. */
export async function exercise(base: string, tag: string): Promise<number> {
  for (const call of CALLS) {
    const res = await fetch(base + call.path, { method: call.method, headers: call.headers });
    const body = await res.text();
    assert.equal(res.status, call.status, `${call.method} ${call.path}: ${body}`);
    if (call.body !== undefined) assert.equal(body, call.body);
  }
  const concurrent = ['A', 'B'].flatMap((episode) =>
    Array.from({ length: PER_EPISODE }, async (_, i) => {
      const res = await fetch(`${base}/api/tasks/${episode}-${i}?delay=${(i * 7) % 5}`, {
        headers: { baggage: `rl.episode.id=${tag}-${episode}` },
      });
      assert.deepEqual(await res.json(), { id: `${episode}-${i}` });
    }),
  );
  await Promise.all(concurrent);
  return CALLS.length + 2 * PER_EPISODE;
}

/** The server spans and triplet lines of one run of `exercise`. */
export function assertRun(spans: OtlpSpan[], triplets: Triplet[], tag: string): void {
  const servers = spans.filter((s) => s.kind === 2);
  assert.equal(servers.length, CALLS.length + 2 * PER_EPISODE, 'one server span per request, never two');
  assert.equal(triplets.length, servers.length, 'one triplet line per request');
  const inOrder = servers
    .filter((s) => !String(s.attributes['url.path']).match(/^\/api\/tasks\/[AB]-/))
    .sort((a, b) => Number(a.startTimeUnixNano - b.startTimeUnixNano));
  assert.equal(inOrder.length, CALLS.length);
  CALLS.forEach((call, i) => {
    const span = inOrder[i] as OtlpSpan;
    const what = `${call.method} ${call.path}`;
    assert.equal(span.attributes['url.path'], call.path, what);
    assert.equal(span.attributes['http.response.status_code'], call.status, what);
    assert.equal(span.attributes['rl.action.name'], call.action, what);
    assert.equal(span.name, call.action.replace(' (unmatched)', ''), what);
    const route = call.action.endsWith('(unmatched)') ? undefined : call.action.split(' ')[1];
    assert.equal(span.attributes['http.route'], route, what);
    assert.equal(span.status.code, call.failed ? 2 : 0, what);
    assert.equal(span.attributes['error.type'], call.failed ? String(call.status) : undefined, what);
    assert.equal(span.attributes['rl.reward.component.success'], call.failed ? 0 : 1, what);
    const exceptions = span.events.filter((e) => e.name === 'exception');
    if (call.exception === undefined) assert.equal(exceptions.length, 0, what);
    else {
      assert.equal(exceptions.length, 1, `${what}: one exception event`);
      assert.equal(exceptions[0]?.attributes['exception.type'], call.exception, what);
    }
    const line = triplets.find((t) => t.span_id === span.spanId);
    assert.equal(line?.action.name, call.action, what);
    assert.equal(line?.reward.components.success, call.failed ? 0 : 1, what);
  });
  for (const episode of ['A', 'B']) {
    const lines = triplets.filter((t) => t.episode_id === `${tag}-${episode}`);
    assert.equal(lines.length, PER_EPISODE, `episode ${episode} has all its requests`);
    for (const line of lines) {
      assert.equal(line.action.name, 'GET /api/tasks/:id');
      assert.match(
        String(line.action.attributes['url.path']),
        new RegExp(`^/api/tasks/${episode}-\\d$`),
        'a request is in the episode that sent it',
      );
    }
    assert.deepEqual(
      lines.map((l) => l.step).sort((a, b) => a - b),
      Array.from({ length: PER_EPISODE }, (_, i) => i),
      'steps of each episode count up on their own',
    );
  }
}
