// What the tests share: where the example is, a fresh folder per test, the
// environment the dashboard runs with, and reading its triplets.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Triplet } from '@rl-otel/semantic-conventions';
import { readJsonl } from '@rl-otel/test-utils';

export const example = fileURLToPath(new URL('..', import.meta.url));

export interface Sandbox {
  dir: string;
  triplets: string;
  artifacts: string;
  env: Record<string, string>;
}

/** A temporary folder, removed when the test file's tests are done. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A fresh database, artifact root and triplet file. */
export function sandbox(): Sandbox {
  const dir = tempDir('agent-dashboard-');
  const triplets = join(dir, 'triplets.jsonl');
  const artifacts = join(dir, 'artifacts');
  return {
    dir,
    triplets,
    artifacts,
    env: {
      PORT: '0',
      SQLITE_PATH: join(dir, 'dashboard.db'),
      ARTIFACTS_DIR: artifacts,
      RL_OTEL_ARTIFACT_DIRS: artifacts,
      RL_OTEL_TRIPLETS_FILE: triplets,
      RL_OTEL_MODEL_PRICES: JSON.stringify({
        'planner-small': { input: 0.15, output: 0.6 },
        'designer-medium': { input: 1, output: 4 },
        'coder-large': { input: 2.5, output: 10 },
        'reviewer-small': { input: 0.15, output: 0.6 },
      }),
    },
  };
}

export function readTriplets(path: string): Triplet[] {
  return readJsonl<Triplet>(path);
}

/** An episode's lines in step order, actions before the delayed rewards of the same step. */
export function episode(lines: Triplet[], id: string): Triplet[] {
  return lines
    .filter((l) => l.episode_id === id)
    .sort(
      (a, b) => a.step - b.step || Number(a.action.kind === 'reward') - Number(b.action.kind === 'reward'),
    );
}

export const actions = (lines: Triplet[]) =>
  lines.filter((l) => l.action.kind !== 'reward').map((l) => `${l.action.kind} ${l.action.name}`);
