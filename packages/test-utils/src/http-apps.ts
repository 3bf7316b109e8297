/**
 * Checks for web-framework fixtures: send a table of requests to a real
 * server, then check what the exported server spans and the triplet file say
 * about each (route template, status, failure, recorded exception), and that
 * concurrent requests of two episodes never mix.
 */
import assert from 'node:assert/strict';
import type { Triplet } from '@rl-otel/semantic-conventions';
import type { OtlpSpan } from './protobuf.ts';

export interface RouteCase {
  method?: string;
  path: string;
  status: number;
  /** The route template the framework matched, or null for a request nothing matched. */
  route: string | null;
  /** The action failed (5xx or an error): span status ERROR, reward component `success` 0. */
  failed?: boolean;
  /** Type of the exception event recorded on the server span. */
  exception?: string;
  /** The whole response body, when it matters (streaming). */
  body?: string;
}

/** Sends every case in order and checks status (and body) as the client sees them. */
export async function requestCases(baseUrl: string, cases: readonly RouteCase[]): Promise<void> {
  for (const c of cases) {
    const res = await fetch(baseUrl + c.path, { method: c.method ?? 'GET' });
    const body = await res.text();
    assert.equal(res.status, c.status, `${c.method ?? 'GET'} ${c.path}: status (body ${body.slice(0, 200)})`);
    if (c.body !== undefined) assert.equal(body, c.body, `${c.path}: body`);
  }
}

/** The server span and the triplet line of each case, checked against it. */
export function checkCases(
  spans: readonly OtlpSpan[],
  triplets: readonly Triplet[],
  cases: readonly RouteCase[],
): void {
  for (const c of cases) {
    const method = c.method ?? 'GET';
    const label = `${method} ${c.path}`;
    const matching = spans.filter(
      (s) =>
        s.kind === 2 && s.attributes['url.path'] === c.path && s.attributes['http.request.method'] === method,
    );
    assert.equal(matching.length, 1, `${label}: one server span`);
    const span = matching[0] as OtlpSpan;
    const name = c.route === null ? `${method} (unmatched)` : `${method} ${c.route}`;
    assert.equal(span.attributes['http.route'], c.route ?? undefined, `${label}: http.route`);
    assert.equal(span.name, c.route === null ? method : name, `${label}: span name`);
    assert.equal(span.attributes['rl.action.name'], name, `${label}: rl.action.name`);
    assert.equal(span.attributes['http.response.status_code'], c.status, `${label}: status`);
    assert.equal(span.status.code, c.failed ? 2 : 0, `${label}: span status`);
    assert.equal(span.attributes['rl.reward.component.success'], c.failed ? 0 : 1, `${label}: success`);
    if (c.failed) assert.equal(typeof span.attributes['error.type'], 'string', `${label}: error.type`);
    else assert.equal(span.attributes['error.type'], undefined, `${label}: no error.type`);
    const exceptions = span.events.filter((e) => e.name === 'exception');
    if (c.exception === undefined) assert.equal(exceptions.length, 0, `${label}: no exception event`);
    else {
      assert.equal(exceptions.length, 1, `${label}: one exception event`);
      assert.equal(exceptions[0]?.attributes['exception.type'], c.exception, `${label}: exception type`);
    }
    const line = triplets.find((t) => t.span_id === span.spanId);
    assert.ok(line, `${label}: a triplet line`);
    assert.equal(line.action.name, name, `${label}: triplet action name`);
    assert.equal(line.reward.components.success, c.failed ? 0 : 1, `${label}: triplet success`);
  }
}

/**
 * Two episodes (W3C baggage `rl.episode.id`) send requests at once, each to
 * its own paths of the route `routeTemplate` (`/work/:ms` with the delay in
 * milliseconds), interleaved and with different delays so that they overlap.
 * Returns the episode ids and the paths each sent.
 */
export async function concurrentEpisodes(
  baseUrl: string,
  pathFor: (ms: number) => string,
  perEpisode = 6,
): Promise<Array<{ id: string; paths: string[] }>> {
  const suffix = Math.random().toString(36).slice(2, 8);
  const episodes = [
    { id: `ep-a-${suffix}`, paths: [] as string[] },
    { id: `ep-b-${suffix}`, paths: [] as string[] },
  ];
  const requests: Array<Promise<void>> = [];
  for (let i = 0; i < perEpisode; i++) {
    for (const [e, episode] of episodes.entries()) {
      // Distinct delays per episode (odd / even), decreasing for one and increasing for the other.
      const ms = e === 0 ? 2 * (perEpisode - i) + 1 : 2 * i + 2;
      const path = pathFor(ms);
      episode.paths.push(path);
      requests.push(
        fetch(baseUrl + path, { headers: { baggage: `rl.episode.id=${episode.id}` } }).then(async (res) => {
          assert.equal(res.status, 200, `${path}: status`);
          assert.equal(await res.text(), path, `${path}: each request gets its own answer`);
        }),
      );
    }
  }
  await Promise.all(requests);
  return episodes;
}

/** Each episode's triplets are its own requests only, with one step each, numbered 0…n-1. */
export function checkEpisodes(
  triplets: readonly Triplet[],
  episodes: ReadonlyArray<{ id: string; paths: string[] }>,
  actionName: string,
): void {
  const traceIds = new Set<string>();
  for (const episode of episodes) {
    const lines = triplets.filter((t) => t.episode_id === episode.id);
    assert.equal(lines.length, episode.paths.length, `${episode.id}: one triplet per request`);
    assert.deepEqual(
      lines.map((l) => l.step).sort((a, b) => a - b),
      episode.paths.map((_, i) => i),
      `${episode.id}: steps 0…n-1, each once`,
    );
    assert.deepEqual(
      lines.map((l) => String(l.action.attributes['url.path'])).sort(),
      [...episode.paths].sort(),
      `${episode.id}: exactly its own requests`,
    );
    for (const line of lines) {
      assert.equal(line.action.name, actionName);
      assert.equal(line.done, false, 'an episode from baggage is not ended here');
      traceIds.add(line.trace_id);
    }
  }
  const total = episodes.reduce((n, e) => n + e.paths.length, 0);
  assert.equal(traceIds.size, total, 'every request is its own trace');
}
