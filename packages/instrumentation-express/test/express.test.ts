import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Triplet } from '@rl-otel/semantic-conventions';
import {
  checkCases,
  checkEpisodes,
  concurrentEpisodes,
  installPackages,
  type OtlpReceiver,
  type OtlpSpan,
  type RouteCase,
  readJsonl,
  requestCases,
  rlWarnings,
  type SpawnOptions,
  startOtlpReceiver,
  startServer,
} from '@rl-otel/test-utils';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'rl-express-'));

/** The app of fixtures/express-app.cjs, as every fixture serves it. */
const CASES: RouteCase[] = [
  { path: '/api/tasks/42', status: 200, route: '/api/tasks/:id' },
  { path: '/api/tasks', status: 200, route: '/api/tasks' },
  { method: 'POST', path: '/api/tasks', status: 201, route: '/api/tasks' },
  { path: '/api/v1/users/7/tasks/9', status: 200, route: '/api/v1/users/:uid/tasks/:tid' },
  { path: '/admin/stats/cpu', status: 200, route: '/admin/stats/:kind' },
  { path: '/async/3', status: 200, route: '/async/:n' },
  { path: '/boom/1', status: 500, route: '/boom/:id', failed: true, exception: 'TypeError' },
  { path: '/async-boom/1', status: 500, route: '/async-boom/:id', failed: true, exception: 'RangeError' },
  { path: '/teapot', status: 418, route: '/teapot', exception: 'Error' },
  { path: '/api/fail/x', status: 503, route: '/api/fail/:code', failed: true, exception: 'Error' },
  { path: '/nope/123', status: 404, route: null },
  { path: '/pass/zzz', status: 404, route: null },
  { path: '/health', status: 200, route: '/health' },
  { path: '/stream/4', status: 200, route: '/stream/:n', body: 'chunk 0\nchunk 1\nchunk 2\nchunk 3\n' },
];

const VERSIONS: Array<{ dir: string; packages: Record<string, string> }> = [
  { dir: 'express4', packages: { express: 'express4' } },
  { dir: 'express5', packages: { express: 'express5' } },
  // Express 5 with a router from before its tracing channel (2.2): the patched path.
  { dir: 'express5-router22', packages: { express: 'express5', router: 'router22' } },
];

let receiver: OtlpReceiver;

before(async () => {
  for (const v of VERSIONS) installPackages(join(fixtures, v.dir), v.packages, import.meta.url);
  receiver = await startOtlpReceiver();
});
after(() => receiver.close());

/** Starts a fixture, runs `exercise` against it, stops it, and returns its spans, triplets and warnings. */
async function run(
  dir: string,
  app: string,
  exercise: (url: string) => Promise<void>,
  /** `spans`: server spans to wait for before stopping (the rest are flushed when the process stops). */
  options: SpawnOptions & { spans: number } = { spans: 0 },
): Promise<{ spans: OtlpSpan[]; triplets: Triplet[]; warnings: string[]; stderr: string }> {
  const triplets = join(tmp(), 'triplets.jsonl');
  const service = `express-${dir}-${app}-${Math.random().toString(36).slice(2, 8)}`;
  const server = await startServer(app, {
    ...options,
    cwd: join(fixtures, dir),
    env: {
      OTEL_SERVICE_NAME: service,
      OTEL_RESOURCE_ATTRIBUTES: `service.name=${service}`,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '20',
      RL_OTEL_TRIPLETS_FILE: triplets,
      TRIPLETS_FILE: triplets,
      ...options.env,
    },
  });
  let result: Awaited<ReturnType<typeof server.stop>>;
  try {
    await exercise(server.url);
    await receiver.waitForSpans(options.spans, (s) => s.resource['service.name'] === service && s.kind === 2);
  } finally {
    result = await server.stop();
  }
  return {
    spans: receiver.spans().filter((s) => s.resource['service.name'] === service),
    triplets: readJsonl<Triplet>(triplets),
    warnings: rlWarnings(result.stderr),
    stderr: result.stderr,
  };
}

const serverSpans = (spans: OtlpSpan[]) => spans.filter((s) => s.kind === 2);

describe('node --import @rl-otel/auto on Express apps', () => {
  for (const { dir } of VERSIONS) {
    for (const app of ['app.mjs', 'app.cjs']) {
      test(`${dir}/${app}: route templates, errors, 404s, streaming, two concurrent episodes`, async () => {
        let episodes: Awaited<ReturnType<typeof concurrentEpisodes>> = [];
        const { spans, triplets, warnings, stderr } = await run(
          dir,
          app,
          async (url) => {
            await requestCases(url, CASES);
            episodes = await concurrentEpisodes(url, (ms) => `/work/${ms}`);
          },
          { spans: CASES.length + 12 },
        );
        assert.deepEqual(warnings, [], stderr);
        checkCases(spans, triplets, CASES);
        checkEpisodes(triplets, episodes, 'GET /work/:ms');
        assert.equal(serverSpans(spans).length, spans.length, 'no span per middleware by default');
      });
    }
  }

  test('RL_OTEL_ESM_HOOKS=async (the module.register loader) names the routes of an ESM app too', async () => {
    for (const dir of ['express4', 'express5']) {
      const cases = CASES.slice(0, 5);
      const { spans, triplets, warnings } = await run(dir, 'app.mjs', (url) => requestCases(url, cases), {
        spans: cases.length,
        env: { RL_OTEL_ESM_HOOKS: 'async' },
      });
      assert.deepEqual(warnings, []);
      checkCases(spans, triplets, cases);
    }
  });

  test('express loaded before @rl-otel/auto: one clear warning, the app still serves', async () => {
    const cases: RouteCase[] = [
      { path: '/api/tasks/42', status: 200, route: null },
      { path: '/nope/1', status: 404, route: null },
    ];
    const runs = [
      { app: 'app.cjs', nodeArgs: ['--require', './preload-express.cjs', '--import', '@rl-otel/auto'] },
      { app: 'early.mjs', nodeArgs: [] },
    ];
    for (const { app, nodeArgs } of runs) {
      const { spans, triplets, warnings } = await run('express5', app, (url) => requestCases(url, cases), {
        spans: cases.length,
        nodeArgs,
      });
      assert.equal(warnings.length, 1, `${app}: ${warnings.join('\n')}`);
      assert.match(warnings[0] ?? '', /express was loaded before @rl-otel\/auto/);
      // Never a wrong name: without its router entries seen, a request stays unmatched.
      checkCases(spans, triplets, cases);
    }
  });
});

describe('a hand-built SDK (no @rl-otel/auto)', () => {
  const runs = [
    { dir: 'express4', app: 'app.cjs', nodeArgs: ['--require', '../telemetry.cjs'] },
    { dir: 'express5', app: 'app.cjs', nodeArgs: ['--require', '../telemetry.cjs'] },
    { dir: 'express4', app: 'app.mjs', nodeArgs: ['--import', '../telemetry.mjs'] },
    { dir: 'express5', app: 'app.mjs', nodeArgs: ['--import', '../telemetry.mjs'] },
  ];
  for (const { dir, app, nodeArgs } of runs) {
    test(`${dir}/${app}: routes and errors, and middleware spans when asked`, async () => {
      const cases = [CASES[0], CASES[3], CASES[4], CASES[6], CASES[10]] as RouteCase[];
      const { spans, triplets, stderr } = await run(dir, app, (url) => requestCases(url, cases), {
        spans: cases.length,
        nodeArgs,
        env: { MIDDLEWARE_SPANS: '1' },
      });
      assert.doesNotMatch(stderr, /\[rl-otel\]/);
      checkCases(spans, triplets, cases);
      const server = serverSpans(spans).find((s) => s.attributes['url.path'] === '/api/tasks/42');
      assert.ok(server);
      const children = spans.filter((s) => s.traceId === server.traceId && s.kind !== 2);
      const names = children.map((s) => s.name);
      assert.ok(names.includes('request handler - /api/tasks/:id'), names.join(', '));
      assert.ok(names.includes('router - /api'), names.join(', '));
      assert.ok(names.includes('router - /api/tasks'), names.join(', '));
      for (const child of children) {
        assert.equal(child.parentSpanId, server.spanId, `${child.name}: a child of the server span`);
        assert.equal(child.attributes['rl.action.kind'], undefined, `${child.name}: not an action`);
        assert.equal(child.attributes['rl.episode.id'], server.attributes['rl.episode.id']);
        assert.ok(child.endTimeUnixNano >= child.startTimeUnixNano);
      }
      const handler = children.find((s) => s.name === 'request handler - /api/tasks/:id');
      assert.equal(handler?.attributes['http.route'], '/api/tasks/:id');
      assert.equal(handler?.attributes['express.type'], 'request_handler');
      const boom = serverSpans(spans).find((s) => s.attributes['url.path'] === '/boom/1');
      const failedHandler = spans.find(
        (s) => s.traceId === boom?.traceId && s.name.startsWith('request handler'),
      );
      assert.equal(failedHandler?.status.code, 2, 'the failing handler span is failed too');
      assert.equal(triplets.length, cases.length, 'middleware spans make no triplets');
    });
  }
});
