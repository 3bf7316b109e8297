/**
 * Checks on the triplets an app wrote.
 */
import assert from 'node:assert/strict';
import type { Triplet } from '@rl-otel/semantic-conventions';

/** The step triplets of one ended episode, in order: numbered 0, 1, 2, …, and only the last one `done`. */
export function checkEpisodeSteps(steps: readonly Triplet[], what = 'the episode'): void {
  assert.deepEqual(
    steps.map((l) => l.step),
    steps.map((_, i) => i),
    `${what}: its steps count up from 0`,
  );
  assert.deepEqual(
    steps.map((l) => l.done),
    steps.map((_, i) => i === steps.length - 1),
    `${what}: only its last step is done`,
  );
}
