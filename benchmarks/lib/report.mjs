// RESULTS.md, regenerated from benchmarks/results/*.json.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { round } from './stats.mjs';

const ORDER = ['startup', 'http', 'memory', 'sql', 'fs', 'sink', 'cli'];

const fmt = (n, digits = 1) => (n === undefined || Number.isNaN(n) ? '–' : String(round(n, digits)));
const pct = (n) => (n === undefined || Number.isNaN(n) ? '–' : `${round(n * 100, 1)}%`);
const spread = (s) => (s ? `±${round((s.spread * 100) / 2, 1)}%` : '');

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
    lines.push(
      '| case | bare ms | rl-otel ms | upstream ms | rl-otel overhead | upstream overhead | ratio | peak RSS MiB (bare / rl-otel / upstream) | target < 1/5 |',
    );
    lines.push('|---|---|---|---|---|---|---|---|---|');
    for (const c of cases) {
      const v = c.variants;
      const m = c.memoryMiB;
      lines.push(
        `| ${c.name} | ${fmt(v.bare.median)} ${spread(v.bare)} | ${fmt(v['rl-otel'].median)} ${spread(v['rl-otel'])} | ${fmt(v.upstream.median)} ${spread(v.upstream)} | +${fmt(c.overheadMs['rl-otel'])} ms | +${fmt(c.overheadMs.upstream)} ms | ${fmt(c.overheadRatio, 3)} | ${fmt(m.bare.median)} / ${fmt(m['rl-otel'].median)} / ${fmt(m.upstream.median)} | ${verdict(c)} |`,
      );
    }
  } else if (result.suite === 'http') {
    lines.push(
      '| case | bare req/s | rl-otel req/s | upstream req/s | rl-otel loss | upstream loss | target: loss < 1/3 of upstream | exported (spans / triplets / requests) |',
    );
    lines.push('|---|---|---|---|---|---|---|---|');
    for (const c of cases) {
      if (c.pending) {
        lines.push(`| ${c.name} | pending: ${c.pending} | | | | | | |`);
        continue;
      }
      const v = c.variants;
      const e = c.exported;
      lines.push(
        `| ${c.name}${c.upstream && c.upstream !== '@opentelemetry/auto-instrumentations-node' ? ` (upstream: ${c.upstream})` : ''} | ${fmt(v.bare.median, 0)} ${spread(v.bare)} | ${fmt(v['rl-otel'].median, 0)} ${spread(v['rl-otel'])} | ${fmt(v.upstream.median, 0)} ${spread(v.upstream)} | ${pct(c.throughputLoss['rl-otel'])} | ${pct(c.throughputLoss.upstream)} | ${verdict(c)} | rl-otel ${e['rl-otel'].spans} / ${e['rl-otel'].triplets} / ${e['rl-otel'].requests}; upstream ${e.upstream.spans} / – / ${e.upstream.requests} |`,
      );
    }
  } else if (result.suite === 'sql') {
    lines.push(
      '| case | bare median / p99 | rl-otel untraced (added median / p99) | rl-otel traced | upstream traced | target | result |',
      '|---|---|---|---|---|---|---|',
    );
    const cell = (a) => (a ? `+${a.medianUs} / +${a.p99Us}` : '–');
    for (const c of cases) {
      lines.push(
        `| ${c.name} | ${c.bare.medianUs} / ${c.bare.p99Us} | ${cell(c.added['rl-otel untraced'])} | ${cell(c.added['rl-otel traced'])} | ${c.added['upstream traced'] ? cell(c.added['upstream traced']) : 'no upstream instrumentation exists'} | ${c.target?.rule ?? ''} | ${verdict(c)} |`,
      );
    }
  } else if (result.suite === 'fs') {
    lines.push(
      '| case | bare median / p99 | rl-otel added (median / p99) | upstream added | target | result |',
      '|---|---|---|---|---|---|',
    );
    const cell = (a) => (a ? `+${a.medianUs} / +${a.p99Us}` : '–');
    for (const c of cases) {
      lines.push(
        `| ${c.name} | ${c.bare.medianUs} / ${c.bare.p99Us} | ${cell(c.added['rl-otel'])} | ${cell(c.added.upstream)} | ${c.target?.rule ?? ''} | ${verdict(c)} |`,
      );
    }
  } else if (result.suite === 'memory') {
    lines.push('| case | bare heap / RSS | rl-otel heap / RSS | upstream heap / RSS |', '|---|---|---|---|');
    for (const c of cases) {
      const cell = (v) => (v ? `${v.heapMiB} / ${v.rssMiB}` : '–');
      lines.push(
        `| ${c.name} | ${cell(c.variants.bare)} | ${cell(c.variants['rl-otel'])} | ${cell(c.variants.upstream)} |`,
      );
    }
  } else {
    lines.push('| case | unit | median | spread | target | result |', '|---|---|---|---|---|---|');
    for (const c of cases) {
      if (c.pending) {
        lines.push(`| ${c.name} | | pending: ${c.pending} | | | |`);
        continue;
      }
      for (const [variant, s] of Object.entries(c.variants ?? {})) {
        lines.push(
          `| ${c.name} (${variant}) | ${c.unit} | ${fmt(s.median, 2)} | ${spread(s)} | ${c.target?.rule ?? ''} | ${verdict(c)} |`,
        );
      }
    }
  }
  const notes = cases.flatMap((c) => (c.notes ?? []).map((n) => `${c.name}: ${n}`));
  if (notes.length > 0) lines.push('', 'Notes:', ...notes.map((n) => `- ${n}`));
  lines.push('');
  return lines.join('\n');
}

function verdict(c) {
  if (c.valid === false) return 'INVALID (nothing exported)';
  if (!c.target) return '';
  if (c.target.inconclusive) return `within noise (bare runs differ by ${c.target.noiseUs} µs)`;
  return c.target.met ? 'met' : 'NOT met';
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
    "upstream's ES module loader for ESM apps). Medians over rounds; ± is half the",
    'min–max spread relative to the median. Instrumented runs count the spans a local OTLP',
    'sink on 127.0.0.1 received (and the triplet lines written); a run that exported nothing',
    'is marked invalid.',
    '',
    ...results.map(section),
  ].join('\n');
  writeFileSync(join(dir, 'RESULTS.md'), text);
}
