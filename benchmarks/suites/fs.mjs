// Added time per artifact operation: a 1 KB writeFile / readFile inside an artifact
// root (inside actions), and a stat outside every root (target: indistinguishable
// from bare); bare vs rl-otel vs upstream's fs instrumentation, and for the stat the
// path-test floor (apps/path-floor.cjs under apps/sdk-floor.mjs: the SDK loaded, statSync
// wrapped by one prefix test, nothing else).
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { round, summarize } from '../lib/stats.mjs';
import { PATH_FLOOR, runMeasurement, variantEnv } from '../lib/variants.mjs';

export const name = 'fs';
export const title = 'Added time per artifact operation (µs)';

const OPS = [
  { op: 'write', label: 'writeFileSync 1 KB inside the root' },
  { op: 'write-async', label: 'fs.promises.writeFile 1 KB inside the root' },
  { op: 'read', label: 'readFileSync 1 KB inside the root' },
  { op: 'stat-outside', label: 'statSync outside every root', outside: true },
];

export async function run({ mode, dir, work, sink, progress, cores }) {
  const rounds = mode === 'full' ? 5 : 2;
  const n = mode === 'full' ? 50_000 : 5_000;
  const base = mkdtempSync(join(tmpdir(), 'rl-fs-bench-'));
  const artifacts = join(base, 'artifacts');
  const outside = join(base, 'outside');
  mkdirSync(artifacts);
  mkdirSync(outside);
  const cases = [];
  for (const { op, label, outside: isOutside } of OPS) {
    const variants = ['bare', 'rl-otel', 'upstream'];
    if (isOutside) variants.push(PATH_FLOOR);
    const medians = Object.fromEntries(variants.map((v) => [v, []]));
    const p99s = Object.fromEntries(variants.map((v) => [v, []]));
    const notes = [];
    for (let r = 0; r < rounds; r++) {
      const order = variants.map((_, k) => variants[(k + r) % variants.length]);
      for (const variant of order) {
        progress(`fs · ${op} · ${variant} · round ${r + 1}/${rounds}`);
        sink.reset();
        const { report, error } = await runMeasurement('apps/fs-bench.cjs', {
          dir,
          variant,
          args: [op, String(n)],
          env: {
            ...variantEnv(variant, { sinkUrl: sink.url, tripletsFile: join(work, 'fs-triplets.jsonl') }),
            RL_OTEL_ARTIFACT_DIRS: artifacts,
            // Upstream's fs instrumentation is off by default; this suite compares with it on.
            OTEL_NODE_ENABLED_INSTRUMENTATIONS: variant === 'upstream' ? 'fs' : undefined,
            BENCH_ARTIFACTS: artifacts,
            BENCH_OUTSIDE: outside,
          },
          cores,
        });
        if (error !== undefined) {
          notes.push(`${variant}: ${error}`);
          continue;
        }
        if (!isOutside && variant !== 'bare' && sink.count(`bench-${variant}`) === 0)
          notes.push(`${variant}: nothing exported`);
        medians[variant].push(report.medianNs / 1000);
        p99s[variant].push(report.p99Ns / 1000);
      }
    }
    const bare = summarize(medians.bare).median;
    const bareP99 = summarize(p99s.bare).median;
    const added = {};
    for (const v of variants) {
      if (v === 'bare') continue;
      added[v] = {
        medianUs: round(summarize(medians[v]).median - bare, 2),
        p99Us: round(summarize(p99s[v]).median - bareP99, 2),
      };
    }
    // What the bare runs' medians differ by: an added time within it is indistinguishable from bare.
    const noiseUs = Math.max(0.05, bare * summarize(medians.bare).spread);
    cases.push({
      name: label,
      unit: 'µs',
      bare: {
        medianUs: round(bare, 2),
        p99Us: round(bareP99, 2),
        spread: round(summarize(medians.bare).spread, 3),
      },
      added,
      operations: n,
      target: isOutside
        ? {
            rule: 'indistinguishable from bare (within the bare runs’ spread)',
            met: Math.abs(added['rl-otel'].medianUs) <= noiseUs,
          }
        : undefined,
      // The least a wrapper that reads the path adds: a target below it is out of reach of any of them.
      floor: isOutside
        ? {
            name: 'path-test floor',
            addedMedianUs: added[PATH_FLOOR].medianUs,
            targetBelowFloor: Math.abs(added[PATH_FLOOR].medianUs) > noiseUs,
          }
        : undefined,
      valid: !notes.some((x) => x.includes('nothing exported') || x.includes('no result')),
      notes,
    });
  }
  return {
    settings: {
      rounds,
      operations: n,
      upstream: '@opentelemetry/instrumentation-fs (via auto-instrumentations-node, enabled)',
    },
    cases,
  };
}
