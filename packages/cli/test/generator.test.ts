import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Triplet } from '@rl-otel/semantic-conventions';
import { readJsonl, runNode } from '@rl-otel/test-utils';
import { rlOtel, tmp } from './helpers.ts';

const generator = fileURLToPath(new URL('../scripts/gen-collector-file.mjs', import.meta.url));

test('the benchmark’s generated fleet files (rotated, gzip, shuffled, with retried lines) convert to exactly what the generator expects', async () => {
  const dir = tmp();
  const made = await runNode(generator, {
    nodeArgs: [],
    args: [
      '--out',
      join(dir, 'traces.json.gz'),
      '--spans',
      '20000',
      '--files',
      '3',
      '--gzip',
      '--disorder',
      '8',
      '--duplicates',
      '0.05',
      '--batch',
      '64',
    ],
  });
  assert.equal(made.code, 0, made.stderr);
  const expected = JSON.parse(made.stdout) as { triplets: number; done: number; files: string[] };
  assert.equal(expected.files.length, 3);
  const out = join(dir, 'triplets.jsonl');
  const result = await rlOtel(['triplets', ...expected.files.reverse(), '-o', out]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /duplicate spans or triplets dropped/);
  const triplets = readJsonl<Triplet>(out);
  assert.equal(triplets.length, expected.triplets, 'no triplet lost or doubled');
  assert.equal(
    triplets.filter((t) => t.done).length,
    expected.done,
    'every episode ends on its terminal step',
  );
  assert.equal(new Set(triplets.map((t) => t.span_id)).size, triplets.length);
});
