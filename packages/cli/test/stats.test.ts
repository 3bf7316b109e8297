import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { EVIL, knownTriplets } from './fixtures-data.ts';
import { hexId, jsonl, oneStep, otlpLine, rlOtel, tmp, triplet } from './helpers.ts';

function knownFile(): string {
  const file = join(tmp(), 'triplets.jsonl');
  writeFileSync(file, jsonl(knownTriplets()));
  return file;
}

describe('rl-otel stats', () => {
  test('a table of episodes, steps, actions, reward percentiles and failure rates', async () => {
    const file = knownFile();
    const result = await rlOtel(['stats', file]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.split('\n');
    assert.equal(lines[0], `rl-otel stats · ${file}`);
    assert.match(result.stdout, /\n {2}triplets {4}106 \(105 steps, 1 delayed rewards\) · 3 actions\n/);
    assert.match(result.stdout, /\n {2}episodes {4}102 \(100 one-step\) · done 101, open 1\n/);
    assert.match(
      result.stdout,
      /\n {2}length {6}mean 1\.0 · p50 1 · p95 1 · max 3 steps · return mean 0\.441\n/,
    );
    assert.match(result.stdout, /\n {2}ended {7}single_step 100 · success 1\n/);
    assert.match(result.stdout, /\n {2}reward {6}mean 0\.424 · failure rate 11\.4%\n/);
    const header = lines.find((l) => l.startsWith('action'));
    assert.match(header ?? '', /^action +kind +count +fail +reward mean +p5 +p50 +p95 +latency p50 +p95$/);
    const row = (name: string) => lines.find((l) => l.startsWith(name))?.split(/ {2,}/);
    assert.deepEqual(row('GET /api/tasks/:id'), [
      'GET /api/tasks/:id',
      'http',
      '100',
      '10.0%',
      '0.495',
      '0.050',
      '0.495',
      '0.940',
      '50 ms',
      '94 ms',
    ]);
    assert.deepEqual(row('search'), [
      'search',
      'tool',
      '3',
      '33.3%',
      '-1.000',
      '-1.000',
      '-1.000',
      '-1.000',
      '100 ms',
      '100 ms',
    ]);
    assert.deepEqual(row(EVIL), [
      EVIL,
      'tool',
      '2',
      '50.0%',
      '-1.000',
      '-1.000',
      '-1.000',
      '-1.000',
      '100 ms',
      '100 ms',
    ]);
  });

  test('--json gives the same figures, exactly', async () => {
    const result = await rlOtel(['stats', '--json', knownFile()]);
    assert.equal(result.code, 0, result.stderr);
    const stats = JSON.parse(result.stdout);
    assert.equal(stats.triplets, 106);
    assert.deepEqual(
      { ...stats.episodes, length: undefined, returnMean: undefined },
      {
        total: 102,
        done: 101,
        open: 1,
        singleStep: 100,
        untrackedSteps: 0,
        length: undefined,
        lengths: { 1: 100, 2: 1, 3: 1 },
        terminations: { single_step: 100, success: 1 },
        returnMean: undefined,
      },
    );
    assert.ok(Math.abs(stats.episodes.returnMean - 45 / 102) < 1e-12);
    const http = stats.actions[0];
    assert.equal(http.name, 'GET /api/tasks/:id');
    assert.equal(http.failureRate, 0.1);
    assert.ok(Math.abs(http.reward.p95 - 0.9405) < 1e-12);
    assert.ok(Math.abs(http.latencyMs.p50 - 49.5) < 1e-12);
    assert.equal(http.exact, true);
  });

  test('--top limits the rows; Collector files are read directly', async () => {
    const dir = tmp();
    const file = join(dir, 'traces.json');
    const base = Date.UTC(2026, 10, 26);
    writeFileSync(
      file,
      `${otlpLine([oneStep('a1', base, 'GET /a'), oneStep('a2', base + 1, 'GET /a', -1), oneStep('b1', base + 2, 'GET /b')])}\n`,
    );
    const result = await rlOtel(['stats', '--top', '1', file]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\nGET \/a +http +2 +50\.0% +0\.000 /);
    assert.doesNotMatch(result.stdout, /\nGET \/b/);
    assert.match(result.stdout, /\n… 1 more actions \(--top to show more\)\n/);
  });

  test('past 10,000 steps an action’s percentiles come from a uniform sample, and say so', async () => {
    const rows = Array.from({ length: 25_000 }, (_, i) =>
      triplet({
        episode: hexId(`t${i}`, 16),
        step: 0,
        span: hexId(`t${i}`, 8),
        ms: Date.UTC(2026, 10, 26) + i,
        name: 'busy',
        reward: (i % 1000) / 1000,
        done: true,
        reason: 'single_step',
      }),
    );
    const file = join(tmp(), 'busy.jsonl');
    writeFileSync(file, jsonl(rows));
    const result = await rlOtel(['stats', file]);
    assert.equal(result.code, 0, result.stderr);
    const row = result.stdout
      .split('\n')
      .find((l) => l.startsWith('busy'))
      ?.split(/ {2,}/);
    assert.equal(row?.[0], 'busy *');
    assert.equal(row?.[2], '25,000');
    const mean = rows.reduce((sum, t) => sum + t.reward.value, 0) / rows.length;
    assert.equal(row?.[4], mean.toFixed(3), 'the mean is exact');
    assert.ok(Math.abs(Number(row?.[6]) - 0.5) < 0.03, `the sampled median ${row?.[6]} is near 0.5`);
    assert.match(
      result.stdout,
      /\* percentiles from a uniform sample of 10,000 steps; counts, means and failure rates are exact/,
    );
  });
});
