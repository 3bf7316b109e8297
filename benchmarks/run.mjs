// npm run bench [-- --full] [-- --suite startup,http]: runs the suites, writes
// results/<suite>.json and regenerates RESULTS.md.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine } from './lib/machine.mjs';
import { progress, progressDone } from './lib/progress.mjs';
import { writeResultsMarkdown } from './lib/report.mjs';
import { startSpanSink } from './lib/span-sink.mjs';

const dir = dirname(fileURLToPath(import.meta.url));
const SUITES = ['startup', 'http', 'memory', 'sql', 'fs', 'sink', 'cli'];

const args = process.argv.slice(2);
const mode = args.includes('--full') ? 'full' : 'quick';
const only = args
  .find((a) => a.startsWith('--suite='))
  ?.slice(8)
  .split(',');
const selected = only ?? SUITES;
for (const s of selected) {
  if (!SUITES.includes(s)) {
    console.error(`unknown suite "${s}"; suites: ${SUITES.join(', ')}`);
    process.exit(2);
  }
}

const work = join(dir, '.work');
mkdirSync(join(dir, 'results'), { recursive: true });
mkdirSync(work, { recursive: true });
const sink = await startSpanSink();
const cores = os.cpus().length;
const started = performance.now();
try {
  for (const name of selected) {
    const suite = await import(`./suites/${name}.mjs`);
    const t0 = performance.now();
    const result = await suite.run({
      mode,
      dir,
      work,
      sink,
      cores,
      progress: (text) => progress(`[${name}] ${text}`),
    });
    progressDone();
    const record = {
      suite: suite.name,
      title: suite.title,
      mode,
      machine: machine(),
      durationS: Math.round((performance.now() - t0) / 1000),
      ...result,
    };
    writeFileSync(join(dir, 'results', `${suite.name}.json`), `${JSON.stringify(record, null, 2)}\n`);
    console.error(`${suite.name}: done in ${record.durationS} s`);
  }
} finally {
  await sink.close();
}
writeResultsMarkdown(dir);
console.error(
  `benchmarks finished in ${Math.round((performance.now() - started) / 1000)} s; see benchmarks/RESULTS.md`,
);
