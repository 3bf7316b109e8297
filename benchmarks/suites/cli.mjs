// `rl-otel triplets` on a generated OpenTelemetry Collector file (OTLP/JSON lines,
// shuffled, with duplicates): spans per second and peak memory; the output is
// checked against the counts the generator prints (a run that lost triplets is invalid).
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { round, summarize } from '../lib/stats.mjs';
import { pin } from '../lib/variants.mjs';

export const name = 'cli';
export const title = 'rl-otel triplets on a Collector file (spans per second, peak memory)';

const require = createRequire(import.meta.url);

function exec(command, args, wrapper = []) {
  const [cmd, ...rest] = [...wrapper, command, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    child.on('close', (code) =>
      code === 0 ? resolve({ out, err }) : reject(new Error(`${cmd} failed (${code}): ${err.slice(-500)}`)),
    );
  });
}

export async function run({ mode, work, progress, cores }) {
  const size = mode === 'full' ? '1GiB' : '50MiB';
  const rounds = mode === 'full' ? 2 : 1;
  const cliDir = dirname(require.resolve('@rl-otel/cli/package.json'));
  const input = join(work, 'collector', 'traces.json');
  rmSync(join(work, 'collector'), { recursive: true, force: true });
  mkdirSync(join(work, 'collector'), { recursive: true });
  progress(`cli · generating a ${size} Collector file`);
  const generated = JSON.parse(
    (
      await exec(process.execPath, [
        join(cliDir, 'scripts', 'gen-collector-file.mjs'),
        '--out',
        input,
        '--size',
        size,
        '--disorder',
        '200',
        '--duplicates',
        '0.01',
      ])
    ).out
      .trim()
      .split('\n')
      .at(-1),
  );
  const output = join(work, 'collector', 'triplets.jsonl');
  const rates = [];
  const peaks = [];
  const notes = [];
  for (let r = 0; r < rounds; r++) {
    progress(`cli · rl-otel triplets · round ${r + 1}/${rounds}`);
    const t0 = performance.now();
    // /usr/bin/time reports the peak resident memory of the command (kB).
    const { err } = await exec(
      '/usr/bin/time',
      ['-f', 'PEAK_KB %M', process.execPath, join(cliDir, 'dist', 'cli.js'), 'triplets', input, '-o', output],
      pin(0, cores),
    );
    const seconds = (performance.now() - t0) / 1000;
    const peak = Number(/PEAK_KB (\d+)/.exec(err)?.[1]);
    const lines = readFileSync(output, 'utf8').split('\n').filter(Boolean).length;
    if (lines !== generated.triplets)
      notes.push(`round ${r + 1}: ${lines} triplets written, ${generated.triplets} expected`);
    rates.push(generated.spans / seconds);
    peaks.push(peak / 1024);
  }
  const rate = summarize(rates);
  const peak = summarize(peaks);
  return {
    settings: { size, bytes: generated.bytes, spans: generated.spans, triplets: generated.triplets, rounds },
    cases: [
      {
        name: `rl-otel triplets, ${size} (${generated.spans.toLocaleString('en')} spans, shuffled, 1% duplicates)`,
        unit: 'spans/s',
        variants: { 'rl-otel': rate },
        peakMiB: round(peak.median, 0),
        mbPerSecond: round((generated.bytes / 2 ** 20) * (rate.median / generated.spans), 1),
        target: { rule: 'every expected triplet written; memory bounded', met: notes.length === 0 },
        valid: notes.length === 0,
        notes: [
          `peak memory ${round(peak.median, 0)} MiB; ${round((generated.bytes / 2 ** 20) * (rate.median / generated.spans), 1)} MiB/s`,
          ...notes,
        ],
      },
    ],
  };
}
