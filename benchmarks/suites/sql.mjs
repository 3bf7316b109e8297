// Added microseconds per query (median and p99): better-sqlite3 and node:sqlite
// get-by-primary-key, pg select-by-primary-key; bare vs rl-otel (untraced: outside
// any action; traced: inside actions) vs the upstream pg instrumentation, and for the
// SQLite drivers the SDK floor (the OpenTelemetry SDK alone, the app wrapping each
// query in a span with the attributes rl-otel sets, inside the same actions).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startPostgres } from '@rl-otel/test-utils';
import { round, summarize } from '../lib/stats.mjs';
import { FLOOR, pin, runMeasurement, variantEnv } from '../lib/variants.mjs';

export const name = 'sql';
export const title = 'Added time per query (µs)';

const DRIVERS = [
  { driver: 'better-sqlite3', target: 1.5, untracedTarget: 0.1, floor: true },
  { driver: 'node:sqlite', floor: true },
  { driver: 'pg', upstream: true },
];

export async function run({ mode, dir, work, sink, progress, cores }) {
  const rounds = mode === 'full' ? 5 : 2;
  const pg = await startPostgres();
  // The server's backends (forked later, inheriting this) run on the core the client does not.
  if (pg.pid !== undefined && pin(1, cores).length > 0)
    spawnSync('taskset', ['-a', '-p', '-c', '1', String(pg.pid)], { stdio: 'ignore' });
  const cases = [];
  try {
    for (const d of DRIVERS) {
      const n = d.driver === 'pg' ? (mode === 'full' ? 10_000 : 2_000) : mode === 'full' ? 300_000 : 50_000;
      const variants = [
        ['bare', 'bare', 'traced'],
        ['rl-otel untraced', 'rl-otel', 'untraced'],
        ['rl-otel traced', 'rl-otel', 'traced'],
      ];
      if (d.floor) variants.push(['sdk floor traced', FLOOR, 'floor']);
      if (d.upstream) variants.push(['upstream traced', 'upstream', 'traced']);
      const medians = Object.fromEntries(variants.map(([label]) => [label, []]));
      const p99s = Object.fromEntries(variants.map(([label]) => [label, []]));
      const cpus = Object.fromEntries(variants.map(([label]) => [label, []]));
      const notes = [];
      for (let r = 0; r < rounds; r++) {
        const order = variants.map((_, k) => variants[(k + r) % variants.length]);
        for (const [label, variant, queryMode] of order) {
          progress(`sql · ${d.driver} · ${label} · round ${r + 1}/${rounds}`);
          sink.reset();
          const { report, error } = await runMeasurement('apps/query-bench.cjs', {
            dir,
            variant,
            args: [d.driver, queryMode, String(n)],
            env: {
              ...variantEnv(variant, { sinkUrl: sink.url, tripletsFile: join(work, 'sql-triplets.jsonl') }),
              BENCH_PG_URL: pg.url,
            },
            cores,
          });
          if (error !== undefined) {
            notes.push(`${label}: ${error}`);
            continue;
          }
          if (variant !== 'bare' && queryMode !== 'untraced' && sink.count(`bench-${variant}`) === 0) {
            notes.push(`${label}: nothing exported`);
          }
          medians[label].push(report.medianNs / 1000);
          p99s[label].push(report.p99Ns / 1000);
          cpus[label].push(report.cpuNsPerQuery / 1000);
        }
      }
      const bare = summarize(medians.bare).median;
      const bareP99 = summarize(p99s.bare).median;
      const bareCpu = summarize(cpus.bare).median;
      const added = {};
      for (const [label] of variants) {
        if (label === 'bare') continue;
        added[label] = {
          medianUs: round(summarize(medians[label]).median - bare, 2),
          p99Us: round(summarize(p99s[label]).median - bareP99, 2),
          cpuUs: round(summarize(cpus[label]).median - bareCpu, 2),
        };
      }
      let target;
      if (d.target) {
        target = {
          rule: `traced ≤ ${d.target} µs added; untraced < ${d.untracedTarget} µs`,
          met:
            added['rl-otel traced'].medianUs <= d.target &&
            added['rl-otel untraced'].medianUs < d.untracedTarget,
        };
      } else if (d.upstream) {
        // Judged on the client's CPU time per query: a round trip to a server on the same
        // two cores moves by tens of µs between runs, the client's own work much less.
        const ours = added['rl-otel traced'].cpuUs;
        const theirs = added['upstream traced'].cpuUs;
        // How much bare's CPU per query moved between rounds: differences below it are noise, not overhead.
        const cpuNoiseUs = round(summarize(cpus.bare).max - summarize(cpus.bare).min, 2);
        target = {
          rule: 'rl-otel traced below upstream (client CPU per query)',
          met: ours < theirs,
          inconclusive: Math.abs(ours - theirs) < cpuNoiseUs,
          noiseUs: cpuNoiseUs,
        };
      }
      cases.push({
        name: `${d.driver} get by primary key`,
        unit: 'µs',
        bare: {
          medianUs: round(bare, 2),
          p99Us: round(bareP99, 2),
          spread: round(summarize(medians.bare).spread, 3),
          cpuUs: round(bareCpu, 2),
        },
        added,
        // What the OpenTelemetry SDK alone adds per traced query: a target below it is out of reach of any SDK-based implementation.
        floor: d.floor
          ? {
              addedMedianUs: added['sdk floor traced'].medianUs,
              targetBelowFloor: d.target ? added['sdk floor traced'].medianUs >= d.target : undefined,
            }
          : undefined,
        queries: n,
        target,
        valid: !notes.some((x) => x.includes('nothing exported') || x.includes('no result')),
        notes,
      });
    }
  } finally {
    await pg.stop();
  }
  return { settings: { rounds, postgres: pg.external ? 'external' : 'throwaway, 127.0.0.1' }, cases };
}
