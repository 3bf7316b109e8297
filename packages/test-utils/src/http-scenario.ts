/**
 * The one scenario every HTTP framework plugin's fixture apps are put
 * through (Express, Koa, Fastify, Hono): a table of requests, sent one by
 * one, then two episodes' requests at once; and the checks of what came out —
 * the server span and triplet line of each request (route template, status,
 * failure, recorded exception) and episodes that never mix.
 *
 * Every fixture app serves the same routes, each the way its framework does it:
 *
 * | route | what it exercises |
 * |---|---|
 * | `GET /api/tasks/:id` (JSON `{ id }`, async, after `?delay=` ms), `GET`/`POST /api/tasks` | params, a prefix, async handlers, HEAD, other methods |
 * | `GET /api/v1/users/:userId/posts/:postId` | routers (plugins, sub-apps) nested three deep, each with its prefix |
 * | `GET /admin/stats/:kind` | a sub-app mounted at `/admin`, whose middleware answers 401 without `x-admin: yes` |
 * | `GET /boom/:id`, `GET /async-boom/:id` | a `TypeError` thrown, a `RangeError` rejected: 500 |
 * | `GET /teapot` | an HTTP client error thrown (status 418) |
 * | `GET /custom/fail`, `GET /custom/invalid` | errors answered by the app's own error handler: an `Error` with 503, a `TypeError` mapped to 400 |
 * | `GET /down` | a 503 answered by hand, no error |
 * | `GET /health` | middleware answering at its path |
 * | `GET /pass/:x` | a route that passes the request on; nothing else answers (404) |
 * | `GET /stream/:n` | `n` chunks `chunk <i>\n`, streamed |
 *
 * The error policy asserted is the one of `recordHandlerError` in
 * `@rl-otel/core/instrumentation`: an HTTP client error is an exception
 * event only; any other error fails the action with its type as
 * `error.type`, whatever the app's error handler answers; a 5xx without an
 * error fails it with the status code as `error.type`.
 */
import assert from 'node:assert/strict';
import type { Triplet } from '@rl-otel/semantic-conventions';
import type { OtlpSpan } from './protobuf.ts';

export type Framework = 'express' | 'koa' | 'fastify' | 'hono';

export interface ScenarioCase {
  readonly method: string;
  readonly path: string;
  /** Sent as is (a query string, say); `path` is what `url.path` must say. Default `path`. */
  readonly target?: string;
  readonly headers?: Record<string, string>;
  readonly status: number;
  /** The route template the request is named after, or null for `METHOD (unmatched)`. */
  readonly route: string | null;
  /** The action failed (span status ERROR, reward `success` 0) with this `error.type`; unset: it did not fail. */
  readonly errorType?: string;
  /** The `exception.type` of the one exception event on the server span; unset: none. */
  readonly exception?: string;
  /** The whole body, when it matters (streaming). */
  readonly body?: string;
}

/** The requests of the scenario and what each must give, for one framework. */
export function scenarioCases(framework: Framework): ScenarioCase[] {
  const get = (path: string, route: string | null, rest: Partial<ScenarioCase> = {}): ScenarioCase => ({
    method: 'GET',
    path,
    status: 200,
    route,
    ...rest,
  });
  const cases: ScenarioCase[] = [
    get('/api/tasks/42', '/api/tasks/:id', { target: '/api/tasks/42?delay=3' }),
    { method: 'HEAD', path: '/api/tasks/43', status: 200, route: '/api/tasks/:id' },
    get('/api/tasks', '/api/tasks'),
    { method: 'POST', path: '/api/tasks', status: 201, route: '/api/tasks' },
    get('/api/v1/users/7/posts/9', '/api/v1/users/:userId/posts/:postId'),
    get('/admin/stats/cpu', '/admin/stats/:kind', { headers: { 'x-admin': 'yes' } }),
    // Express names a request its sub-app's middleware answered after the mount path;
    // the others know the route the request was meant for.
    get('/admin/stats/mem', framework === 'express' ? '/admin' : '/admin/stats/:kind', { status: 401 }),
    get('/boom/1', '/boom/:id', { status: 500, errorType: 'TypeError', exception: 'TypeError' }),
    get('/async-boom/1', '/async-boom/:id', {
      status: 500,
      errorType: 'RangeError',
      exception: 'RangeError',
    }),
    // An HTTP client error is the app answering a client: recorded, not a failure.
    get('/teapot', '/teapot', { status: 418, exception: framework === 'koa' ? 'ImATeapotError' : 'Error' }),
    // Errors answered by the app's own error handler fail the action whatever it answers.
    get('/custom/fail', '/custom/fail', { status: 503, errorType: 'Error', exception: 'Error' }),
    get('/custom/invalid', '/custom/invalid', {
      status: 400,
      errorType: 'TypeError',
      exception: 'TypeError',
    }),
    get('/down', '/down', { status: 503, errorType: '503' }),
    // Koa names only what @koa/router matched: not a koa-mount middleware.
    get('/health', framework === 'koa' ? null : '/health'),
    // Fastify has no passing on: `reply.callNotFound()` is the matched route answering 404.
    get('/pass/zzz', framework === 'fastify' ? '/pass/:x' : null, { status: 404 }),
    get('/stream/4', '/stream/:n', { body: 'chunk 0\nchunk 1\nchunk 2\nchunk 3\n' }),
    // Unmatched: one name per method, never the raw path.
    get('/nope/123', null, { status: 404 }),
    get('/nope/456', null, { status: 404 }),
    { method: 'POST', path: '/nope', status: 404, route: null },
    { method: 'DELETE', path: '/api/tasks/42', status: 404, route: null },
  ];
  if (framework === 'fastify') {
    // Fastify validates `delay` (an integer): its validation error is a client error.
    cases.push(
      get('/api/tasks/7', '/api/tasks/:id', {
        target: '/api/tasks/7?delay=soon',
        status: 400,
        exception: 'FST_ERR_VALIDATION',
      }),
    );
  }
  return cases;
}

/** Sends every case in order and checks status (and body) as the client sees them. */
export async function requestCases(baseUrl: string, cases: readonly ScenarioCase[]): Promise<void> {
  for (const c of cases) {
    const res = await fetch(baseUrl + (c.target ?? c.path), { method: c.method, headers: c.headers });
    const body = await res.text();
    assert.equal(res.status, c.status, `${c.method} ${c.path}: status (body ${body.slice(0, 200)})`);
    if (c.body !== undefined) assert.equal(body, c.body, `${c.method} ${c.path}: body`);
  }
}

const serverSpans = (spans: readonly OtlpSpan[]) => spans.filter((s) => s.kind === 2);

/** The server span and the triplet line of each case, checked against it. */
export function checkCases(
  spans: readonly OtlpSpan[],
  triplets: readonly Triplet[],
  cases: readonly ScenarioCase[],
): void {
  for (const c of cases) {
    const label = `${c.method} ${c.path}`;
    const matching = serverSpans(spans).filter(
      (s) => s.attributes['url.path'] === c.path && s.attributes['http.request.method'] === c.method,
    );
    assert.equal(matching.length, 1, `${label}: one server span`);
    const span = matching[0] as OtlpSpan;
    const name = c.route === null ? `${c.method} (unmatched)` : `${c.method} ${c.route}`;
    const failed = c.errorType !== undefined;
    assert.equal(span.attributes['http.response.status_code'], c.status, `${label}: status`);
    assert.equal(span.attributes['http.route'], c.route ?? undefined, `${label}: http.route`);
    assert.equal(span.name, c.route === null ? c.method : name, `${label}: span name`);
    assert.equal(span.attributes['rl.action.name'], name, `${label}: rl.action.name`);
    assert.equal(span.status.code, failed ? 2 : 0, `${label}: span status`);
    assert.equal(span.attributes['error.type'], c.errorType, `${label}: error.type`);
    assert.equal(span.attributes['rl.reward.component.success'], failed ? 0 : 1, `${label}: success`);
    const exceptions = span.events.filter((e) => e.name === 'exception');
    if (c.exception === undefined) assert.equal(exceptions.length, 0, `${label}: no exception event`);
    else {
      assert.equal(exceptions.length, 1, `${label}: one exception event`);
      assert.equal(exceptions[0]?.attributes['exception.type'], c.exception, `${label}: exception type`);
    }
    const line = triplets.find((t) => t.span_id === span.spanId);
    assert.ok(line, `${label}: a triplet line`);
    assert.equal(line.action.name, name, `${label}: triplet action name`);
    assert.equal(line.reward.components.success, failed ? 0 : 1, `${label}: triplet success`);
  }
}

export interface EpisodeRequests {
  readonly id: string;
  readonly paths: string[];
}

/** Requests per episode in the concurrent part. */
export const REQUESTS_PER_EPISODE = 6;

/**
 * Two episodes (W3C baggage `rl.episode.id`) send requests to
 * `GET /api/tasks/:id` at once, each to its own ids, interleaved and with
 * different delays (`?delay=`) so that they overlap; each answer must be its
 * own request's. Returns the episode ids and the paths each sent.
 */
export async function concurrentEpisodes(baseUrl: string): Promise<EpisodeRequests[]> {
  const suffix = Math.random().toString(36).slice(2, 8);
  const episodes = [
    { id: `ep-a-${suffix}`, paths: [] as string[] },
    { id: `ep-b-${suffix}`, paths: [] as string[] },
  ];
  const requests: Array<Promise<void>> = [];
  for (let i = 0; i < REQUESTS_PER_EPISODE; i++) {
    for (const [e, episode] of episodes.entries()) {
      // Distinct delays per episode (odd / even), decreasing for one and increasing for the other.
      const ms = e === 0 ? 2 * (REQUESTS_PER_EPISODE - i) + 1 : 2 * i + 2;
      const id = `${e === 0 ? 'A' : 'B'}-${i}`;
      const path = `/api/tasks/${id}`;
      episode.paths.push(path);
      requests.push(
        fetch(`${baseUrl}${path}?delay=${ms}`, { headers: { baggage: `rl.episode.id=${episode.id}` } }).then(
          async (res) => {
            assert.equal(res.status, 200, `${path}: status`);
            assert.deepEqual(await res.json(), { id }, `${path}: each request gets its own answer`);
          },
        ),
      );
    }
  }
  await Promise.all(requests);
  return episodes;
}

/** Each episode's triplets are its own requests only, one step each, numbered 0…n-1, each its own trace. */
export function checkEpisodes(triplets: readonly Triplet[], episodes: readonly EpisodeRequests[]): void {
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
      assert.equal(line.action.name, 'GET /api/tasks/:id');
      assert.equal(line.done, false, 'an episode from baggage is not ended here');
      traceIds.add(line.trace_id);
    }
  }
  const total = episodes.reduce((n, e) => n + e.paths.length, 0);
  assert.equal(traceIds.size, total, 'every request is its own trace');
}

export interface ScenarioRun {
  readonly cases: readonly ScenarioCase[];
  readonly episodes: readonly EpisodeRequests[];
  /** How many requests were sent: one server span and one triplet line each. */
  readonly requests: number;
}

/** Sends the whole scenario of `framework` to a fixture app. */
export async function exerciseScenario(baseUrl: string, framework: Framework): Promise<ScenarioRun> {
  const cases = scenarioCases(framework);
  await requestCases(baseUrl, cases);
  const episodes = await concurrentEpisodes(baseUrl);
  return { cases, episodes, requests: cases.length + episodes.reduce((n, e) => n + e.paths.length, 0) };
}

/** Everything a scenario run must have produced: one server span and one triplet line per request, each as its case says. */
export function checkScenario(
  spans: readonly OtlpSpan[],
  triplets: readonly Triplet[],
  run: ScenarioRun,
): void {
  assert.equal(serverSpans(spans).length, run.requests, 'one server span per request, never two');
  assert.equal(triplets.length, run.requests, 'one triplet line per request');
  checkCases(spans, triplets, run.cases);
  checkEpisodes(triplets, run.episodes);
}

/** The server span of the request `method path` (one only), and the other spans of its trace. */
export function requestTrace(
  spans: readonly OtlpSpan[],
  path: string,
  method = 'GET',
): { server: OtlpSpan; others: OtlpSpan[] } {
  const servers = serverSpans(spans).filter(
    (s) => s.attributes['url.path'] === path && s.attributes['http.request.method'] === method,
  );
  assert.equal(servers.length, 1, `${method} ${path}: one server span`);
  const server = servers[0] as OtlpSpan;
  return { server, others: spans.filter((s) => s.traceId === server.traceId && s !== server) };
}

/** Spans under a server span that are no actions of their own (middleware spans): in its episode, without `rl.action.kind`. */
export function checkNotActions(server: OtlpSpan, others: readonly OtlpSpan[]): void {
  for (const span of others) {
    assert.equal(span.attributes['rl.action.kind'], undefined, `${span.name}: not an action`);
    assert.equal(
      span.attributes['rl.episode.id'],
      server.attributes['rl.episode.id'],
      `${span.name}: its episode`,
    );
    assert.ok(span.endTimeUnixNano >= span.startTimeUnixNano, `${span.name}: ended`);
  }
}
