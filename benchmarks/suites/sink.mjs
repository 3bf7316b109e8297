// Triplet sink throughput: actions per second through the RL span processor
// into the JSONL file, with none lost (every line counted back from the file).
// And the other way spans leave the process: the cost of serializing a batch
// to OTLP protobuf, rl-otel's serializer against upstream's.
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { JsonlFileSink, RLSpanProcessor } from '@rl-otel/core';
import { ATTR_RL_ACTION_KIND, ATTR_RL_ACTION_NAME } from '@rl-otel/semantic-conventions';
import { readJsonl } from '@rl-otel/test-utils';
import { round, summarize } from '../lib/stats.mjs';

export const name = 'sink';
export const title = 'Triplet sink throughput (actions per second, none lost); OTLP serialization cost';

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
  const serialization = await serializationCase(mode, progress);
  return {
    settings: { actions, rounds, serialization: serialization.settings },
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
      serialization.case,
    ],
  };
}

/** The 21 attributes rl-otel's node:http instrumentation puts on a server span (one request's worth). */
function serverSpanAttributes(i) {
  return {
    'rl.action.kind': 'http',
    'rl.action.name': 'GET /api/tasks/:id',
    'http.request.method': 'GET',
    'url.path': `/api/tasks/${i}`,
    'url.scheme': 'http',
    'server.port': 3000,
    'network.protocol.version': '1.1',
    'server.address': '127.0.0.1',
    'rl.episode.id': (0x8551d973c4ed37c7n + BigInt(i)).toString(16).padStart(32, '0'),
    'rl.step.index': 0,
    'rl.state.inflight_actions': i % 4,
    'rl.state.event_loop_utilization': 0.0123 + i / 1e5,
    'rl.state.heap_used_mb': 12.6 + (i % 10) / 10,
    'rl.state.hash': (0x0509a3d83519f0 + i).toString(16),
    'http.response.status_code': 200,
    'rl.reward.component.success': 1,
    'rl.reward.component.latency_ms': 9.191 + i / 1000,
    'rl.reward.value': 0.9990809,
    'rl.reward.source': 'heuristic',
    'rl.episode.done': true,
    'rl.termination.reason': 'single_step',
  };
}

/**
 * µs per span to serialize one export batch (512 spans, the batch processor's
 * default) to OTLP protobuf bytes: upstream's ProtobufTraceSerializer and
 * rl-otel's, alternating in one process, the same spans, the same bytes out.
 */
async function serializationCase(mode, progress) {
  const batch = 512;
  const rounds = mode === 'full' ? 30 : 12;
  const batchesPerRound = mode === 'full' ? 40 : 20;
  // Upstream's serializer as @rl-otel/auto resolves it, and rl-otel's from source
  // (it is internal to @rl-otel/auto; Node runs the TypeScript file directly).
  const autoRequire = createRequire(new URL('../../packages/auto/package.json', import.meta.url));
  const { ProtobufTraceSerializer } = autoRequire('@opentelemetry/otlp-transformer');
  const { OtlpTraceProtobufSerializer } = await import('../../packages/auto/src/otlp-protobuf.ts');
  const ours = new OtlpTraceProtobufSerializer();

  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tracer = provider.getTracer('@rl-otel/instrumentation-http', '0.1.0');
  for (let i = 0; i < batch; i++) {
    tracer.startSpan('GET /api/tasks/:id', { kind: 1, attributes: serverSpanAttributes(i) }).end();
  }
  const spans = exporter.getFinishedSpans();
  const expected = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans));
  if (!expected.equals(Buffer.from(ours.serializeRequest(spans)))) {
    throw new Error('rl-otel and upstream serialize the batch differently');
  }

  const variants = {
    'rl-otel': () => ours.serializeRequest(spans),
    upstream: () => ProtobufTraceSerializer.serializeRequest(spans),
  };
  const names = Object.keys(variants);
  const perSpan = Object.fromEntries(names.map((n) => [n, []]));
  // Round 0 warms both up and is not counted.
  for (let r = 0; r <= rounds; r++) {
    progress(`sink · OTLP serialization · round ${r}/${rounds}`);
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + r) % names.length];
      const serialize = variants[name];
      const t0 = performance.now();
      for (let b = 0; b < batchesPerRound; b++) serialize();
      const us = ((performance.now() - t0) * 1000) / (batchesPerRound * batch);
      if (r > 0) perSpan[name].push(us);
    }
  }
  const summary = Object.fromEntries(names.map((n) => [n, summarize(perSpan[n])]));
  const ratio = summary.upstream.median / summary['rl-otel'].median;
  const fmt = (v) => `median ${round(v.median, 3)} µs/span, min ${round(v.min, 3)}`;
  return {
    settings: { batch, rounds, batchesPerRound, bytes: expected.length },
    case: {
      name: 'OTLP protobuf serialization of a 512-span batch of server spans with 21 attributes',
      unit: 'µs/span',
      variants: summary,
      ratio: round(ratio, 2),
      target: { rule: 'rl-otel faster than upstream', met: ratio > 1 },
      valid: true,
      notes: [
        `rl-otel ${fmt(summary['rl-otel'])}; upstream ${fmt(summary.upstream)}: ${round(ratio, 2)}x faster (median), ${round(summary.upstream.min / summary['rl-otel'].min, 2)}x (min); identical bytes (${expected.length} per batch)`,
      ],
    },
  };
}
