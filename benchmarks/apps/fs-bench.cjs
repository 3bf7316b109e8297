// Per-operation cost of file access: N small writes and reads inside an artifact
// root (inside actions, a new one every 100 operations) and N stats outside any root,
// printing the median and p99 of the individual times (ns).
//   node [--import …] fs-bench.cjs <write|read|stat-outside|write-async> <n>
const { mkdirSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const { writeFile } = require('node:fs/promises');
const { join } = require('node:path');
const { context, trace } = require('@opentelemetry/api');

const WARM_UP_MS = 250;

(async () => {
  const [op, nText] = process.argv.slice(2);
  const n = Number(nText);
  const root = process.env.BENCH_ARTIFACTS;
  const outside = process.env.BENCH_OUTSIDE;
  mkdirSync(join(root, 'reports'), { recursive: true });
  writeFileSync(join(outside, 'plain.txt'), 'x');
  const body = 'x'.repeat(1024);
  for (let i = 0; i < 100; i++) writeFileSync(join(root, 'reports', `r${i}.md`), body);
  const tracer = trace.getTracer('fs-bench');
  const ACTION = { attributes: { 'rl.action.kind': 'step', 'rl.action.name': 'write reports' } };

  const ops = {
    write: (i) => writeFileSync(join(root, 'reports', `r${i % 100}.md`), body),
    read: (i) => readFileSync(join(root, 'reports', `r${i % 100}.md`), 'utf8'),
    'stat-outside': () => statSync(join(outside, 'plain.txt')),
    'write-async': (i) => writeFile(join(root, 'reports', `r${i % 100}.md`), body),
  };
  const run1 = ops[op];
  const samples = new Float64Array(n);
  async function run(count, record) {
    for (let i = 0; i < count; ) {
      const span = op === 'stat-outside' ? undefined : tracer.startSpan('step', ACTION);
      const ctx = span ? trace.setSpan(context.active(), span) : context.active();
      await context.with(ctx, async () => {
        for (let k = 0; k < 100 && i < count; k++, i++) {
          const t0 = process.hrtime.bigint();
          const result = run1(i);
          if (result instanceof Promise) await result;
          if (record) samples[i] = Number(process.hrtime.bigint() - t0);
        }
      });
      span?.end();
    }
  }
  // Warm-up: 2000 operations and at least WARM_UP_MS, so that what is measured is the
  // steady state; an instrumented process has more code to compile after its start.
  const warmUntil = performance.now() + WARM_UP_MS;
  do await run(Math.min(2000, n), false);
  while (performance.now() < warmUntil);
  await run(n, true);
  const sorted = Array.from(samples).sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const api = globalThis[Symbol.for('opentelemetry.js.api.1')];
  console.log(JSON.stringify({ medianNs: at(0.5), p99Ns: at(0.99), n, instrumented: Boolean(api?.trace) }));
})();
