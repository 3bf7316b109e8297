// HTTP throughput: a trivial and a realistic route (one SQLite read + 1 KB JSON)
// per framework, bare vs rl-otel vs upstream vs the SDK floor (the OpenTelemetry SDK
// alone, one server span per request: apps/sdk-floor.mjs), load from autocannon on
// its own core.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonl, startServer } from '@rl-otel/test-utils';
import { loadTest } from '../lib/load.mjs';
import { round, summarize } from '../lib/stats.mjs';
import { FLOOR, nodeArgs, pin, VARIANTS as THREE, variantEnv } from '../lib/variants.mjs';

export const name = 'http';
export const title = 'HTTP throughput (requests per second)';

/** Apps by framework; a framework whose plugin does not exist yet is listed as pending. */
export const APPS = [
  { framework: 'node:http', script: 'apps/http-node.mjs', esm: true },
  { framework: 'express', script: 'apps/express.mjs', esm: true },
  {
    framework: 'fastify',
    script: 'apps/fastify.mjs',
    esm: true,
    upstream: { name: '@fastify/otel', nodeArgs: ['--import', './apps/upstream-fastify.mjs'] },
  },
  { framework: 'koa', script: 'apps/koa.mjs', esm: true },
  { framework: 'hono', script: 'apps/hono.mjs', esm: true },
];

/** The quick mode (under three minutes in all) measures these; `--full` measures every framework. */
const QUICK = new Set(['node:http', 'express']);

/** Every server runs under each of these in every round, in a rotating order. */
const VARIANTS = [...THREE, FLOOR];

const ROUTES = [
  { route: 'trivial', path: '/' },
  { route: 'realistic', path: '/tasks/42' },
];

// SIGTERM flushes the instrumented variants (upstream's register then keeps the process alive, so it is killed after a grace period).
export async function stopServer(server) {
  const timer = setTimeout(() => server.child.kill('SIGKILL'), 1500);
  const result = await server.stop('SIGTERM');
  clearTimeout(timer);
  return result;
}

export async function run({ mode, dir, work, sink, progress, cores }) {
  const rounds = mode === 'full' ? 3 : 2;
  const seconds = mode === 'full' ? 5 : 2;
  const warmup = 1;
  const cases = [];
  for (const app of APPS) {
    if (mode !== 'full' && !QUICK.has(app.framework)) {
      for (const { route } of ROUTES)
        cases.push({ name: `${app.framework} ${route}`, pending: 'measured with --full only' });
      continue;
    }
    if (app.pending) {
      for (const { route } of ROUTES) cases.push({ name: `${app.framework} ${route}`, pending: app.pending });
      continue;
    }
    const rps = Object.fromEntries(
      ROUTES.map((r) => [r.route, Object.fromEntries(VARIANTS.map((v) => [v, []]))]),
    );
    const exported = Object.fromEntries(VARIANTS.map((v) => [v, { spans: 0, triplets: 0, requests: 0 }]));
    const notes = [];
    for (let i = 0; i < rounds; i++) {
      const order = VARIANTS.map((_, k) => VARIANTS[(k + i) % VARIANTS.length]);
      for (const variant of order) {
        const triplets = join(work, `http-${variant}.jsonl`);
        rmSync(triplets, { force: true });
        sink.reset();
        progress(`http · ${app.framework} · ${variant} · round ${i + 1}/${rounds} · starting`);
        const server = await startServer(app.script, {
          cwd: dir,
          nodeArgs:
            variant === 'upstream' && app.upstream
              ? app.upstream.nodeArgs
              : nodeArgs(variant, { esm: app.esm }),
          env: variantEnv(variant, { sinkUrl: sink.url, tripletsFile: triplets }),
          wrapper: pin(0, cores),
        });
        let requests = 0;
        try {
          // One warm-up per server, on the realistic route (it runs the most code).
          await loadTest(server.url + ROUTES[1].path, { seconds: warmup, wrapper: pin(1, cores) });
          for (const { route, path } of ROUTES) {
            progress(`http · ${app.framework} ${route} · ${variant} · round ${i + 1}/${rounds}`);
            const result = await loadTest(server.url + path, { seconds, wrapper: pin(1, cores) });
            if (result.non2xx > 0 || result.errors > 0)
              notes.push(`${variant} ${route}: ${result.non2xx} non-2xx, ${result.errors} errors`);
            rps[route][variant].push(result.requestsPerSecond);
            requests += result.total;
          }
        } finally {
          await stopServer(server);
        }
        exported[variant].requests += requests;
        exported[variant].spans += sink.count(`bench-${variant}`, 2);
        if (variant === 'rl-otel') exported[variant].triplets += readJsonl(triplets).length;
      }
    }
    const invalid = VARIANTS.filter((v) => v !== 'bare' && exported[v].spans === 0);
    if (exported['rl-otel'].triplets === 0) invalid.push('rl-otel (no triplets)');
    for (const { route } of ROUTES) {
      const variants = Object.fromEntries(VARIANTS.map((v) => [v, summarize(rps[route][v])]));
      const loss = (v) => 1 - variants[v].median / variants.bare.median;
      const measured = VARIANTS.filter((v) => v !== 'bare');
      cases.push({
        name: `${app.framework} ${route}`,
        unit: 'req/s',
        upstream: app.upstream?.name ?? '@opentelemetry/auto-instrumentations-node',
        variants,
        ratioToBare: Object.fromEntries(measured.map((v) => [v, round(1 - loss(v))])),
        throughputLoss: Object.fromEntries(measured.map((v) => [v, round(loss(v))])),
        target: {
          rule: 'rl-otel throughput loss < 1/3 of upstream',
          met: loss('rl-otel') < loss('upstream') / 3,
        },
        // What the OpenTelemetry SDK alone loses: a target below it is out of reach of any SDK-based implementation.
        floor: { loss: round(loss(FLOOR)), targetBelowFloor: loss(FLOOR) >= loss('upstream') / 3 },
        exported,
        valid: invalid.length === 0,
        notes: [...notes, ...invalid.map((v) => `${v}: nothing exported`)],
      });
    }
  }
  return { settings: { rounds, seconds, warmup, connections: 32, pinned: cores > 1 }, cases };
}
