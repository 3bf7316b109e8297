// Triplet sink throughput: actions per second through the RL span processor
// into the JSONL file, with none lost (every line counted back from the file).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { JsonlFileSink, RLSpanProcessor } from '@rl-otel/core';
import { ATTR_RL_ACTION_KIND, ATTR_RL_ACTION_NAME } from '@rl-otel/semantic-conventions';
import { readJsonl } from '@rl-otel/test-utils';
import { round, summarize } from '../lib/stats.mjs';

export const name = 'sink';
export const title = 'Triplet sink throughput (actions per second, none lost)';

export async function run({ mode, work, progress }) {
  const actions = mode === 'full' ? 500_000 : 50_000;
  const rounds = mode === 'full' ? 5 : 2;
  const rates = [];
  const lost = [];
  for (let r = 0; r < rounds; r++) {
    progress(`sink · round ${r + 1}/${rounds} · ${actions} actions`);
    const path = join(work, `sink-${r}.jsonl`);
    rmSync(path, { force: true });
    // The queue is sized for the burst: this measures the writer, not the drop policy.
    const sink = new JsonlFileSink({ path, maxQueuedLines: actions });
    const provider = new TracerProvider({ spanProcessors: [new RLSpanProcessor({ sink })] });
    const tracer = provider.getTracer('bench');
    const attributes = {
      [ATTR_RL_ACTION_KIND]: 'http',
      [ATTR_RL_ACTION_NAME]: 'GET /api/tasks/:id',
      'http.request.method': 'GET',
    };
    const t0 = performance.now();
    for (let i = 0; i < actions; i++) {
      tracer.startSpan('GET', { attributes }).end();
      // Let timers run now and then, as a server's event loop would.
      if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
    }
    await sink.shutdown();
    const seconds = (performance.now() - t0) / 1000;
    const written = readJsonl(path).length;
    rates.push(actions / seconds);
    lost.push(actions - written);
    rmSync(path, { force: true });
  }
  const s = summarize(rates);
  return {
    settings: { actions, rounds },
    cases: [
      {
        name: 'RL processor + JSONL sink',
        unit: 'actions/s',
        variants: { 'rl-otel': s },
        lost: Math.max(...lost),
        target: { rule: 'no triplet lost', met: lost.every((n) => n === 0) },
        valid: true,
        notes: [`median ${round(s.median / 1000, 1)}k actions/s; lost ${Math.max(...lost)} of ${actions}`],
      },
    ],
  };
}
