#!/usr/bin/env node
import { once } from 'node:events';
// Writes a large OpenTelemetry Collector file-exporter output (OTLP/JSON, one
// ExportTraceServiceRequest per line) as a fleet of services instrumented by
// rl-otel would produce it, for benchmarking `rl-otel triplets|stats|report`.
//
//   node scripts/gen-collector-file.mjs --out traces.json --size 2GiB [options]
//
// Options:
//   --out <path>        file to write; with --files N, N rotated files named as the
//                       file exporter names them (traces-<time>.json … traces.json)
//   --size <bytes>      stop after about this many bytes (e.g. 500MiB, 2GiB), or
//   --spans <n>         stop after this many spans (default 100000)
//   --files <n>         rotate into n files (default 1)
//   --gzip              gzip every file (.gz appended)
//   --disorder <n>      shuffle lines within a sliding window of n lines (default 0: time order)
//   --duplicates <p>    write this share of lines twice, as an exporter retry does (default 0)
//   --services <n>      services (resources) in the fleet (default 4)
//   --batch <n>         spans per line, as the Collector's batch processor groups them (default 256)
//   --seed <n>          random seed (default 1)
//
// Deterministic for a seed. Memory stays small whatever the size. On stdout,
// one JSON object says what a correct conversion must give: triplets, done
// lines, episodes, spans and bytes written.
import { createWriteStream } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    size: { type: 'string' },
    spans: { type: 'string' },
    files: { type: 'string', default: '1' },
    gzip: { type: 'boolean', default: false },
    disorder: { type: 'string', default: '0' },
    duplicates: { type: 'string', default: '0' },
    services: { type: 'string', default: '4' },
    batch: { type: 'string', default: '256' },
    seed: { type: 'string', default: '1' },
  },
});
if (values.out === undefined) {
  console.error('gen-collector-file: --out <path> is required');
  process.exit(2);
}
const UNITS = { b: 1, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, kb: 1e3, mb: 1e6, gb: 1e9 };
function bytes(text) {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?$/i.exec(text);
  if (!m) throw new Error(`not a size: ${text}`);
  return Number(m[1]) * UNITS[(m[2] ?? 'b').toLowerCase()];
}
const maxBytes = values.size ? bytes(values.size) : Number.POSITIVE_INFINITY;
const maxSpans = values.spans ? Number(values.spans) : values.size ? Number.POSITIVE_INFINITY : 100_000;
const fileCount = Math.max(1, Number(values.files));
const disorder = Math.max(0, Number(values.disorder));
const duplicateShare = Number(values.duplicates);
const serviceCount = Math.max(2, Number(values.services));
const batchSize = Math.max(1, Number(values.batch));

// mulberry32
let seed = Number(values.seed) >>> 0;
function random() {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (list) => list[Math.floor(random() * list.length)];
const hex = (n) => {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(random() * 16).toString(16);
  return s;
};

const str = (v) => ({ stringValue: v });
const int = (v) => ({ intValue: String(v) });
const dbl = (v) => (Number.isInteger(v) ? int(v) : { doubleValue: v });
const kv = (attrs) =>
  Object.entries(attrs).map(([key, v]) => ({
    key,
    value: typeof v === 'string' ? str(v) : typeof v === 'boolean' ? { boolValue: v } : dbl(v),
  }));
const nanos = (ms) => `${Math.floor(ms)}${String(Math.round((ms % 1) * 1e6)).padStart(6, '0')}`;

const ROUTES = [
  'GET /api/tasks',
  'GET /api/tasks/:id',
  'POST /api/tasks',
  'PUT /api/tasks/:id',
  'GET /api/report',
  'GET /health',
];
const TOOLS = ['search', 'read_file', 'write_file', 'run_tests', 'http_get'];
const services = Array.from({ length: serviceCount }, (_, i) => ({
  resource: {
    attributes: kv({
      'service.name': `svc-${i}`,
      'service.instance.id': hex(32),
      'telemetry.distro.name': 'rl-otel',
    }),
  },
  batch: [],
}));

const expected = { triplets: 0, done: 0, episodes: 0, spans: 0, lines: 0, bytes: 0, files: [] };
let clock = Date.UTC(2026, 10, 26, 0, 0, 0);

function state() {
  return {
    'rl.state.inflight_actions': 1 + Math.floor(random() * 8),
    'rl.state.event_loop_utilization': Math.round(random() * 1000) / 1000,
    'rl.state.heap_used_mb': 40 + Math.round(random() * 2000) / 100,
    'rl.state.hash': hex(16),
  };
}

function span(service, s) {
  expected.spans++;
  service.batch.push({
    traceId: s.traceId,
    spanId: s.spanId,
    ...(s.parent ? { parentSpanId: s.parent } : {}),
    flags: 257,
    name: s.name,
    kind: s.kind ?? 1,
    startTimeUnixNano: nanos(s.start),
    endTimeUnixNano: nanos(s.end),
    attributes: kv(s.attributes),
    status: s.failed ? { code: 2 } : {},
  });
}

/** A step action: its triplet, scored as the RL processor does. */
function step(service, { traceId, episode, index, kind, name, start, ms, failed, parent, done }) {
  const spanId = hex(16);
  const latency = Math.round(ms * 1000) / 1000;
  const reward = Math.round(((failed ? 0 : 1) - 0.001 * latency) * 1e7) / 1e7;
  const attributes = {
    'rl.action.kind': kind,
    'rl.action.name': name,
    'rl.episode.id': episode,
    'rl.step.index': index,
    ...state(),
    ...(kind === 'http'
      ? {
          'http.request.method': name.split(' ')[0],
          'http.route': name.split(' ')[1],
          'http.response.status_code': failed ? 500 : 200,
        }
      : {}),
    'rl.reward.component.success': failed ? 0 : 1,
    'rl.reward.component.latency_ms': latency,
    'rl.reward.value': reward,
    'rl.reward.source': 'heuristic',
    ...(done ? { 'rl.episode.done': true, 'rl.termination.reason': 'single_step' } : {}),
  };
  span(service, {
    traceId,
    spanId,
    parent,
    name,
    kind: kind === 'http' ? 2 : 1,
    start,
    end: start + ms,
    attributes,
    failed,
  });
  // a query inside the action: a child span that makes no triplet
  if (random() < 0.5)
    span(service, {
      traceId,
      spanId: hex(16),
      parent: spanId,
      name: 'SELECT tasks',
      kind: 3,
      start: start + ms * 0.2,
      end: start + ms * 0.6,
      attributes: {
        'db.system.name': 'sqlite',
        'db.query.summary': 'SELECT tasks',
        'rl.action.kind': 'db',
        'rl.episode.id': episode,
        'rl.step.index': index,
      },
    });
  expected.triplets++;
  if (done) expected.done++;
  return spanId;
}

function requestEpisode() {
  const service = pick(services);
  const traceId = hex(32);
  step(service, {
    traceId,
    episode: traceId,
    index: 0,
    kind: 'http',
    name: pick(ROUTES),
    start: clock,
    ms: 1 + random() * 40,
    failed: random() < 0.05,
    done: true,
  });
  expected.episodes++;
}

function agentEpisode(runs) {
  const service = pick(services);
  const id = `agent-${hex(12)}`;
  let index = 0;
  let start = clock;
  for (let run = 0; run < runs; run++) {
    const traceId = hex(32);
    const episodeSpan = hex(16);
    const runStart = start;
    let last;
    const steps = 3 + Math.floor(random() * 10);
    for (let s = 0; s < steps; s++) {
      const ms = 5 + random() * 400;
      last = step(service, {
        traceId,
        episode: id,
        index: index++,
        kind: pick(['tool', 'llm', 'step']),
        name: random() < 0.3 ? 'chat gpt-4o' : pick(TOOLS),
        start,
        ms,
        failed: random() < 0.08,
        parent: episodeSpan,
      });
      start += ms + random() * 50;
      if (random() < 0.1) {
        // a delayed reward for the step just ended
        span(service, {
          traceId,
          spanId: hex(16),
          parent: last,
          name: 'rl.reward',
          start: start + 1,
          end: start + 1,
          attributes: {
            'rl.reward.value': Math.round(random() * 100) / 100,
            'rl.reward.source': 'human',
            'rl.reward.target.span_id': last,
            'rl.episode.id': id,
            'rl.step.index': index - 1,
            'rl.action.name': 'review',
          },
        });
        expected.triplets++;
      }
    }
    const reward = Math.round((random() * 2 - 0.5) * 100) / 100;
    span(service, {
      traceId,
      spanId: episodeSpan,
      name: 'rl.episode',
      start: runStart - 0.5,
      end: start + 0.5,
      attributes: {
        'rl.episode.id': id,
        'rl.episode.done': true,
        'rl.termination.reason': random() < 0.85 ? 'success' : 'failure',
        'rl.episode.reward': reward,
        'rl.reward.component.episode': reward,
        'rl.reward.value': reward,
        'rl.reward.source': 'env',
        'rl.episode.terminal.span_id': last,
      },
    });
    expected.done++;
    expected.episodes++;
    start += 20 + random() * 200;
  }
}

function baggageEpisode() {
  // A browser session: requests to two services carry one episode id in baggage; never done here.
  const id = `session-${hex(10)}`;
  const [a, b] = [services[0], services[1]];
  const counters = new Map();
  let start = clock;
  for (let r = 0; r < 2 + Math.floor(random() * 6); r++) {
    const service = random() < 0.5 ? a : b;
    const index = counters.get(service) ?? 0;
    counters.set(service, index + 1);
    const ms = 2 + random() * 60;
    step(service, {
      traceId: hex(32),
      episode: id,
      index,
      kind: 'http',
      name: pick(ROUTES),
      start,
      ms,
      failed: random() < 0.05,
    });
    start += ms + 100 + random() * 2000;
  }
  expected.episodes++;
}

// Output: rotated files, lines shuffled within a sliding window, some lines twice.
const plainOut = values.out.replace(/\.gz$/, '');
const outDir = dirname(plainOut);
const ext = extname(plainOut);
const stem = basename(plainOut, ext);
const fileNames = Array.from({ length: fileCount }, (_, i) =>
  i === fileCount - 1
    ? plainOut
    : join(outDir, `${stem}-2026-11-26T${String(i).padStart(2, '0')}-00-00.000${ext}`),
);
let fileIndex = 0;
let stream;
let fileBytes = 0;
const perFile = Number.isFinite(maxBytes) ? maxBytes / fileCount : undefined;
async function openNext() {
  if (stream) {
    stream.end();
    await once(stream.file ?? stream, 'close');
  }
  const name = fileNames[fileIndex++] + (values.gzip ? '.gz' : '');
  expected.files.push(name);
  const file = createWriteStream(name);
  if (values.gzip) {
    const gzip = createGzip();
    gzip.pipe(file);
    gzip.file = file;
    stream = gzip;
  } else stream = file;
  fileBytes = 0;
}
const pending = [];
async function writeLine(line) {
  const text = `${line}\n`;
  if (stream === undefined) await openNext();
  expected.lines++;
  expected.bytes += text.length;
  fileBytes += text.length;
  if (!stream.write(text)) await once(stream, 'drain');
}
async function emit(line) {
  pending.push(line);
  if (random() < duplicateShare) pending.push(line);
  while (pending.length > disorder) {
    const at = disorder > 0 ? Math.floor(random() * pending.length) : 0;
    await writeLine(pending.splice(at, 1)[0]);
  }
}
async function flush(service) {
  if (service.batch.length === 0) return;
  const line = JSON.stringify({
    resourceSpans: [
      {
        resource: service.resource,
        scopeSpans: [{ scope: { name: '@rl-otel/core', version: '0.1.0' }, spans: service.batch }],
      },
    ],
  });
  service.batch = [];
  await emit(line);
  const expectedFiles = perFile
    ? Math.min(fileCount, 1 + Math.floor(expected.bytes / perFile))
    : 1 + Math.floor((expected.spans / maxSpans) * fileCount);
  if (fileIndex < Math.min(fileCount, expectedFiles) && fileBytes > 0) await openNext();
}

while (expected.bytes < maxBytes && expected.spans < maxSpans) {
  const r = random();
  if (r < 0.75) requestEpisode();
  else if (r < 0.93) agentEpisode(random() < 0.2 ? 2 : 1);
  else baggageEpisode();
  clock += random() * 20;
  for (const service of services) if (service.batch.length >= batchSize) await flush(service);
}
for (const service of services) await flush(service);
while (pending.length > 0) await writeLine(pending.shift());
stream.end();
await once(stream.file ?? stream, 'close');
console.log(JSON.stringify(expected));
