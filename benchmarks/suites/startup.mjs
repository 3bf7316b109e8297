// Start-up time and peak memory of `--import`: empty ESM, empty CJS, a 1000-module ESM graph.
import { join } from 'node:path';
import { runNode } from '@rl-otel/test-utils';
import { generateGraph } from '../lib/graph.mjs';
import { round, summarize } from '../lib/stats.mjs';
import { nodeArgs, VARIANTS, variantEnv } from '../lib/variants.mjs';

export const name = 'startup';
export const title = 'Start-up and memory of --import';

export async function run({ mode, dir, work, sink, progress }) {
  const runs = mode === 'full' ? 10 : 2;
  const cases = [
    { name: 'empty ESM script', script: 'apps/empty.mjs', esm: true },
    { name: 'empty CJS script', script: 'apps/empty.cjs', esm: false },
    { name: '1000-module ESM graph', script: generateGraph(join(work, 'graph')), esm: true },
  ];
  const out = [];
  for (const c of cases) {
    const ms = Object.fromEntries(VARIANTS.map((v) => [v, []]));
    const rss = Object.fromEntries(VARIANTS.map((v) => [v, []]));
    const invalid = [];
    for (let i = 0; i < runs; i++) {
      // Alternate the order so that no variant always runs on a warm (or cold) machine.
      const order = VARIANTS.map((_, k) => VARIANTS[(k + i) % VARIANTS.length]);
      for (const variant of order) {
        progress(`startup · ${c.name} · ${variant} · run ${i + 1}/${runs}`);
        const t0 = performance.now();
        const result = await runNode(c.script, {
          cwd: dir,
          nodeArgs: nodeArgs(variant, { esm: c.esm }),
          env: variantEnv(variant, { sinkUrl: sink.url, tripletsFile: join(work, 'startup-triplets.jsonl') }),
        });
        const elapsed = performance.now() - t0;
        let report;
        try {
          report = JSON.parse(result.stdout.trim().split('\n').at(-1));
        } catch {
          invalid.push(`${variant}: no report (code ${result.code}) ${result.stderr.slice(0, 200)}`);
          continue;
        }
        if (report.instrumented !== (variant !== 'bare')) {
          invalid.push(`${variant}: instrumented=${report.instrumented}`);
          continue;
        }
        ms[variant].push(elapsed);
        rss[variant].push(report.maxRssKb / 1024);
      }
    }
    const time = Object.fromEntries(VARIANTS.map((v) => [v, summarize(ms[v])]));
    const memory = Object.fromEntries(VARIANTS.map((v) => [v, summarize(rss[v])]));
    const ours = time['rl-otel'].median - time.bare.median;
    const upstream = time.upstream.median - time.bare.median;
    out.push({
      name: c.name,
      unit: 'ms',
      variants: time,
      memoryMiB: memory,
      overheadMs: { 'rl-otel': round(ours, 1), upstream: round(upstream, 1) },
      overheadRatio: round(ours / upstream, 3),
      target: { rule: 'rl-otel start-up overhead < 1/5 of upstream', met: ours < upstream / 5 },
      valid: invalid.length === 0,
      notes: invalid,
    });
  }
  return {
    settings: {
      runs,
      upstreamEsmLoader: '--experimental-loader=@opentelemetry/instrumentation/hook.mjs (ESM cases)',
    },
    cases: out,
  };
}
