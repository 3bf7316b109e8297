// Memory after many requests, with the OTLP endpoint up and down:
// heap and RSS of the server (after a GC) once the load has run.
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startServer } from '@rl-otel/test-utils';
import { loadTest } from '../lib/load.mjs';
import { round } from '../lib/stats.mjs';
import { nodeArgs, pin, VARIANTS, variantEnv } from '../lib/variants.mjs';
import { stopServer } from './http.mjs';

export const name = 'memory';
export const title = 'Memory after N requests (MiB, after GC)';

async function closedPort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

export async function run({ mode, dir, work, sink, progress, cores }) {
  const amount = mode === 'full' ? 100_000 : 3_000;
  const deadUrl = `http://127.0.0.1:${await closedPort()}`;
  const cases = [];
  for (const endpoint of ['up', 'down']) {
    const variants = {};
    const notes = [];
    for (const variant of VARIANTS) {
      if (endpoint === 'down' && variant === 'bare') continue;
      progress(`memory · OTLP ${endpoint} · ${variant} · ${amount} requests`);
      sink.reset();
      const env = variantEnv(variant, {
        sinkUrl: endpoint === 'up' ? sink.url : deadUrl,
        tripletsFile: join(work, `mem-${variant}.jsonl`),
      });
      const server = await startServer('apps/http-node.mjs', {
        cwd: dir,
        nodeArgs: ['--expose-gc', ...nodeArgs(variant, { esm: true })],
        env,
        wrapper: pin(0, cores),
      });
      try {
        const before = await (await fetch(`${server.url}/mem`)).json();
        const result = await loadTest(`${server.url}/tasks/42`, { amount, wrapper: pin(1, cores) });
        const after = await (await fetch(`${server.url}/mem`)).json();
        variants[variant] = {
          heapMiB: round(after.heapUsed / 2 ** 20, 1),
          rssMiB: round(after.rss / 2 ** 20, 1),
          heapGrowthMiB: round((after.heapUsed - before.heapUsed) / 2 ** 20, 1),
          requests: result.total,
        };
        if (result.errors > 0) notes.push(`${variant}: ${result.errors} request errors`);
      } finally {
        await stopServer(server);
      }
      if (endpoint === 'up' && variant !== 'bare' && sink.count(`bench-${variant}`, 2) === 0)
        notes.push(`${variant}: nothing exported`);
    }
    cases.push({
      name: `${amount} requests, OTLP endpoint ${endpoint}`,
      unit: 'MiB',
      variants,
      valid: !notes.some((n) => n.includes('nothing exported')),
      notes,
    });
  }
  return { settings: { requests: amount }, cases };
}
