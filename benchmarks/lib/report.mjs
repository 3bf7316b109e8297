// RESULTS.md, regenerated from benchmarks/results/*.json.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { round } from './stats.mjs';

const ORDER = ['startup', 'http', 'memory', 'sql', 'fs', 'sink', 'cli'];

const fmt = (n, digits = 1) => (n === undefined || Number.isNaN(n) ? '–' : String(round(n, digits)));
const pct = (n) => (n === undefined || Number.isNaN(n) ? '–' : `${round(n * 100, 1)}%`);
const spread = (s) => (s ? `±${round((s.spread * 100) / 2, 1)}%` : '');
const signed = (n) => (n < 0 ? String(n) : `+${n}`);
/** Added time (median / p99) of a variant, signed: noise can make it negative. */
const added = (a) => (a ? `${signed(a.medianUs)} / ${signed(a.p99Us)}` : '–');
/** A median with its spread, or – for a variant a run did not measure. */
const rate = (s, digits) => (s ? `${fmt(s.median, digits)} ${spread(s)}` : '–');

/** A markdown table with its columns padded to their widest cell, as the repository's formatter lays them out. */
function table(header, rows) {
  const width = (cell) => [...cell].length;
  const widths = header.map((h, i) => Math.max(3, width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells) =>
    `| ${widths.map((w, i) => (cells[i] ?? '') + ' '.repeat(w - width(cells[i] ?? ''))).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)];
}

function machineLine(m) {
  return `${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB · Node ${m.node} · ${m.platform} · ${m.date.slice(0, 16).replace('T', ' ')} UTC`;
}

function section(result) {
  const lines = [
    `## ${result.title}`,
    '',
    `Measured on ${machineLine(result.machine)}; mode \`${result.mode}\`; settings \`${JSON.stringify(result.settings)}\`.`,
    '',
  ];
  const cases = result.cases;
  if (result.suite === 'startup') {
    const rows = cases.map((c) => {
      const v = c.variants;
      const m = c.memoryMiB;
      return [
        c.name,
        rate(v.bare, 1),
        rate(v['rl-otel'], 1),
        rate(v.upstream, 1),
        `+${fmt(c.overheadMs['rl-otel'])} ms`,
        `+${fmt(c.overheadMs.upstream)} ms`,
        fmt(c.overheadRatio, 3),
        `${fmt(m.bare.median)} / ${fmt(m['rl-otel'].median)} / ${fmt(m.upstream.median)}`,
        verdict(c),
      ];
    });
    lines.push(
      ...table(
        [
          'case',
          'bare ms',
          'rl-otel ms',
          'upstream ms',
          'rl-otel overhead',
          'upstream overhead',
          'ratio',
          'peak RSS MiB (bare / rl-otel / upstream)',
          'target < 1/5',
        ],
        rows,
      ),
    );
  } else if (result.suite === 'http') {
    lines.push(
      'The SDK floor is the bare app under the OpenTelemetry SDK alone (`--import ./apps/sdk-floor.mjs`):',
      'one server span per request with seven stable HTTP attributes, batched and exported as OTLP/protobuf',
      "by upstream's exporter, no instrumentation library, no RL (on the realistic route rl-otel also traces",
      'the query; the floor does not). No SDK-based implementation can lose less than it; a target that',
      'asks for less is marked as below the floor.',
      '',
    );
    const rows = cases.map((c) => {
      if (c.pending) return [c.name, `pending: ${c.pending}`];
      const v = c.variants;
      const e = c.exported;
      const floor = e['sdk-floor'];
      return [
        `${c.name}${c.upstream && c.upstream !== '@opentelemetry/auto-instrumentations-node' ? ` (upstream: ${c.upstream})` : ''}`,
        rate(v.bare, 0),
        rate(v['rl-otel'], 0),
        rate(v.upstream, 0),
        rate(v['sdk-floor'], 0),
        pct(c.throughputLoss['rl-otel']),
        pct(c.throughputLoss.upstream),
        pct(c.floor?.loss),
        verdict(c),
        `rl-otel ${e['rl-otel'].spans} / ${e['rl-otel'].triplets} / ${e['rl-otel'].requests}; upstream ${e.upstream.spans} / – / ${e.upstream.requests}${floor ? `; sdk floor ${floor.spans} / – / ${floor.requests}` : ''}`,
      ];
    });
    lines.push(
      ...table(
        [
          'case',
          'bare req/s',
          'rl-otel req/s',
          'upstream req/s',
          'sdk floor req/s',
          'rl-otel loss',
          'upstream loss',
          'SDK floor loss',
          'target: loss < 1/3 of upstream',
          'exported (spans / triplets / requests)',
        ],
        rows,
      ),
    );
  } else if (result.suite === 'sql') {
    lines.push(
      'The SDK floor traced: the same app under the OpenTelemetry SDK alone (`--import ./apps/sdk-floor.mjs`),',
      "wrapping each query itself in an SDK span with the attributes rl-otel's SQLite plugin sets (computed",
      'once), inside the same action spans. No SDK-based implementation can add less per query.',
      "The SQLite loops never wait for I/O, so the batch span processor (rl-otel's and the floor's alike)",
      'fills its queue and drops most query spans: these numbers are what making spans costs, not exporting them.',
      "Client CPU: the benchmark process's CPU time per query (user + system) above bare's; for pg, whose",
      'round trips to a server on the same two cores move by tens of µs between runs, the target is judged on it.',
      'Each run warms up (2000 queries and at least 250 ms) before it measures.',
      '',
    );
    const cpu = (a) => (a?.cpuUs === undefined ? '–' : signed(a.cpuUs));
    const rows = cases.map((c) => [
      c.name,
      `${c.bare.medianUs} / ${c.bare.p99Us}`,
      added(c.added['rl-otel untraced']),
      added(c.added['rl-otel traced']),
      added(c.added['sdk floor traced']),
      c.added['upstream traced'] ? added(c.added['upstream traced']) : 'no upstream instrumentation exists',
      ['rl-otel traced', 'sdk floor traced', 'upstream traced']
        .filter((label) => c.added[label] !== undefined)
        .map((label) => `${label.replace(' traced', '')} ${cpu(c.added[label])}`)
        .join(' · '),
      c.target?.rule ?? '',
      verdict(c),
    ]);
    lines.push(
      ...table(
        [
          'case',
          'bare median / p99',
          'rl-otel untraced (added median / p99)',
          'rl-otel traced',
          'sdk floor traced',
          'upstream traced',
          'added client CPU per query (µs)',
          'target',
          'result',
        ],
        rows,
      ),
    );
  } else if (result.suite === 'fs') {
    const rows = cases.map((c) => [
      c.name,
      `${c.bare.medianUs} / ${c.bare.p99Us}`,
      added(c.added['rl-otel']),
      added(c.added.upstream),
      c.added['path-floor'] ? added(c.added['path-floor']) : '–',
      c.target?.rule ?? '',
      verdict(c),
    ]);
    lines.push(
      'The path-test floor (`--import ./apps/sdk-floor.mjs --require ./apps/path-floor.cjs`) loads the',
      'OpenTelemetry SDK and wraps `fs.statSync` with one `startsWith` against the artifact root, nothing',
      'else: the least any SDK-based instrumentation that tells artifact paths from others adds to a call',
      "outside the roots. The benchmark's path is built by `path.join` per call, as apps do. Each run",
      'warms up (2000 operations and at least 250 ms) before it measures.',
      '',
      ...table(
        [
          'case',
          'bare median / p99',
          'rl-otel added (median / p99)',
          'upstream added',
          'path-test floor added',
          'target',
          'result',
        ],
        rows,
      ),
    );
  } else if (result.suite === 'memory') {
    const cell = (v) => (v ? `${v.heapMiB} / ${v.rssMiB}` : '–');
    const rows = cases.map((c) => [
      c.name,
      cell(c.variants.bare),
      cell(c.variants['rl-otel']),
      cell(c.variants.upstream),
    ]);
    lines.push(...table(['case', 'bare heap / RSS', 'rl-otel heap / RSS', 'upstream heap / RSS'], rows));
  } else {
    const rows = cases.flatMap((c) => {
      if (c.pending) return [[c.name, '', `pending: ${c.pending}`]];
      return Object.entries(c.variants ?? {}).map(([variant, s]) => [
        `${c.name} (${variant})`,
        c.unit,
        fmt(s.median, 2),
        spread(s),
        c.target?.rule ?? '',
        verdict(c),
      ]);
    });
    lines.push(...table(['case', 'unit', 'median', 'spread', 'target', 'result'], rows));
  }
  const notes = cases.flatMap((c) => (c.notes ?? []).map((n) => `${c.name}: ${n}`));
  if (notes.length > 0) lines.push('', 'Notes:', '', ...notes.map((n) => `- ${n}`));
  lines.push('');
  return lines.join('\n');
}

function verdict(c) {
  if (c.valid === false) return 'INVALID (nothing exported)';
  if (!c.target) return '';
  if (c.target.inconclusive) return `within noise (bare runs differ by ${c.target.noiseUs} µs)`;
  if (c.target.met) return 'met';
  return c.floor?.targetBelowFloor ? `NOT met (target below the ${c.floor.name ?? 'SDK floor'})` : 'NOT met';
}

export function writeResultsMarkdown(dir) {
  const resultsDir = join(dir, 'results');
  const results = readdirSync(resultsDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(resultsDir, f), 'utf8')))
    .sort((a, b) => ORDER.indexOf(a.suite) - ORDER.indexOf(b.suite));
  const text = [
    '# Benchmark results',
    '',
    'Generated by `npm run bench` from `benchmarks/results/*.json`; do not edit by hand.',
    'Each suite runs its variants in alternation in one run: the bare app, the app under',
    '`node --import @rl-otel/auto`, and the app under the upstream peer',
    '(`node --import @opentelemetry/auto-instrumentations-node/register`, with',
    "upstream's ES module loader for ESM apps). The HTTP and SQL suites add a fourth, the",
    'SDK floor: the OpenTelemetry SDK alone doing the least any instrumentation must (a span',
    'per request or query, batched and exported as OTLP/protobuf), to show how far each',
    'target is from what an SDK-based implementation can reach. Medians over rounds; ± is half the',
    'min–max spread relative to the median. Instrumented runs count the spans a local OTLP',
    'sink on 127.0.0.1 received (and the triplet lines written); a run that exported nothing',
    'is marked invalid.',
    '',
    ...results.map(section),
  ].join('\n');
  writeFileSync(join(dir, 'RESULTS.md'), text);
}
