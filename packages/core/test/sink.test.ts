import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { JsonlFileSink, resetWarnings, setWarningHandler } from '@rl-otel/core';
import type { Triplet } from '@rl-otel/semantic-conventions';

const triplet = (step: number): Triplet => ({
  schema: 'rl-otel.triplet/v1',
  episode_id: 'e',
  step,
  trace_id: 't',
  span_id: `s${step}`,
  time: new Date(0).toISOString(),
  state: {},
  action: { kind: 'http', name: 'GET /', attributes: {} },
  reward: { value: 1, components: {}, source: 'heuristic' },
  done: false,
});

function capture(): string[] {
  const warnings: string[] = [];
  resetWarnings();
  setWarningHandler((m) => warnings.push(m));
  return warnings;
}

describe('JsonlFileSink', () => {
  test('writes whole lines, batched, and everything on flush', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'rl-sink-')), 'nested', 'triplets.jsonl');
    const sink = new JsonlFileSink({ path, flushLines: 10, flushIntervalMs: 10_000 });
    for (let i = 0; i < 25; i++) sink.write(triplet(i));
    assert.equal(
      readFileSync(path, 'utf8').split('\n').filter(Boolean).length,
      20,
      'two full batches written',
    );
    await sink.shutdown();
    const lines = readFileSync(path, 'utf8').split('\n');
    assert.equal(lines.pop(), '', 'ends with a newline');
    assert.deepEqual(
      lines.map((l) => JSON.parse(l).step),
      Array.from({ length: 25 }, (_, i) => i),
    );
    assert.deepEqual(sink.stats(), { path, written: 25, dropped: 0, queued: 0 });
  });

  test('a full queue drops and counts, with one warning', async () => {
    const warnings = capture();
    const path = join(mkdtempSync(join(tmpdir(), 'rl-sink-')), 't.jsonl');
    const sink = new JsonlFileSink({ path, maxQueuedLines: 5, flushLines: 1000, flushIntervalMs: 10_000 });
    for (let i = 0; i < 12; i++) sink.write(triplet(i));
    assert.equal(sink.stats().dropped, 7);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /queue is full/);
    await sink.shutdown();
    assert.equal(readFileSync(path, 'utf8').trim().split('\n').length, 5);
  });

  test('an unwritable path warns once in plain words and drops quietly', async () => {
    const warnings = capture();
    const dir = mkdtempSync(join(tmpdir(), 'rl-sink-'));
    const blocker = join(dir, 'file');
    writeFileSync(blocker, 'x');
    chmodSync(blocker, 0o400);
    const sink = new JsonlFileSink({ path: join(blocker, 'sub', 't.jsonl') });
    sink.write(triplet(0));
    sink.write(triplet(1));
    await sink.shutdown();
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /cannot write the triplet file/);
    assert.equal(sink.stats().dropped, 2);
  });
});
