/**
 * A scenario for web-framework plugins: sends a list of calls to a fixture
 * app, then two episodes' requests at once, and checks the server spans and
 * triplet lines that came out — route templates, errors, 404s, streams, and
 * episodes that never mix. The app must serve `GET /api/tasks/:id` (JSON
 * `{ id }`, after `?delay=` milliseconds) for the concurrent part.
 */
import assert from 'node:assert/strict';
import type { Triplet } from '@rl-otel/semantic-conventions';
import type { OtlpSpan } from './protobuf.ts';

export interface RouteCall {
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly status: number;
  /** The expected `rl.action.name`: `GET /api/tasks/:id`, or `GET (unmatched)`. */
  readonly action: string;
  /** The `exception.type` of the one exception event expected on the server span, when the app threw. */
  readonly exception?: string;
  /** Whether the action failed: status ERROR, `error.type` = the status code, reward `success` 0. */
  readonly failed: boolean;
  /** The whole body expected (for streamed answers). */
  readonly body?: string;
}

/** Requests per episode in the concurrent part. */
export const REQUESTS_PER_EPISODE = 6;

/** Sends every call in order, then two episodes' requests all at once. Returns the number of requests. */
export async function exerciseRoutes(
  base: string,
  calls: readonly RouteCall[],
  tag: string,
): Promise<number> {
  for (const call of calls) {
    const res = await fetch(base + call.path, { method: call.method, headers: call.headers });
    const body = await res.text();
    assert.equal(res.status, call.status, `${call.method} ${call.path}: ${body}`);
    if (call.body !== undefined) assert.equal(body, call.body);
  }
  const concurrent = ['A', 'B'].flatMap((episode) =>
    Array.from({ length: REQUESTS_PER_EPISODE }, async (_, i) => {
      const res = await fetch(`${base}/api/tasks/${episode}-${i}?delay=${(i * 7) % 5}`, {
        headers: { baggage: `rl.episode.id=${tag}-${episode}` },
      });
      assert.deepEqual(await res.json(), { id: `${episode}-${i}` });
    }),
  );
  await Promise.all(concurrent);
  return calls.length + 2 * REQUESTS_PER_EPISODE;
}

/** Checks the server spans and triplet lines of one run of `exerciseRoutes`. */
export function assertRouteRun(
  spans: OtlpSpan[],
  triplets: Triplet[],
  calls: readonly RouteCall[],
  tag: string,
): void {
  const servers = spans.filter((s) => s.kind === 2);
  assert.equal(
    servers.length,
    calls.length + 2 * REQUESTS_PER_EPISODE,
    'one server span per request, never two',
  );
  assert.equal(triplets.length, servers.length, 'one triplet line per request');
  const inOrder = servers
    .filter((s) => !String(s.attributes['url.path']).match(/^\/api\/tasks\/[AB]-/))
    .sort((a, b) => Number(a.startTimeUnixNano - b.startTimeUnixNano));
  assert.equal(inOrder.length, calls.length);
  calls.forEach((call, i) => {
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
    assert.equal(lines.length, REQUESTS_PER_EPISODE, `episode ${episode} has all its requests`);
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
      Array.from({ length: REQUESTS_PER_EPISODE }, (_, i) => i),
      'steps of each episode count up on their own',
    );
  }
}
