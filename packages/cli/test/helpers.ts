import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import type { Triplet } from '@rl-otel/semantic-conventions';
import { type RunResult, runNode } from '@rl-otel/test-utils';

export const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

export const tmp = (): string => mkdtempSync(join(tmpdir(), 'rl-cli-'));

/** The `rl-otel` binary as npm installs it: the package's `bin` entry. */
export const cliPath = (() => {
  const manifest = createRequire(import.meta.url).resolve('@rl-otel/cli/package.json');
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: Record<string, string> };
  return join(dirname(manifest), bin['rl-otel'] as string);
})();

/** Runs `rl-otel …` as a user does. */
export function rlOtel(
  args: string[],
  options: { cwd?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return runNode(cliPath, { nodeArgs: [], args, cwd: options.cwd, timeoutMs: options.timeoutMs ?? 60_000 });
}

/** A deterministic shuffle (mulberry32). */
export function shuffle<T>(items: readonly T[], seed = 7): T[] {
  const out = [...items];
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * Writes Collector lines as rotated files: split in `parts`, the second
 * gzip-compressed and the third zstd-compressed (whole file), named as the
 * file exporter names its backups.
 */
export function writeRotated(dir: string, lines: readonly string[], parts = 3): string[] {
  const size = Math.ceil(lines.length / parts);
  const files: string[] = [];
  for (let p = 0; p < parts; p++) {
    const text = lines
      .slice(p * size, (p + 1) * size)
      .map((l) => `${l}\n`)
      .join('');
    const stamp = `2026-11-26T13-0${p}-00.000`;
    if (p % 3 === 1) {
      files.push(join(dir, `traces-${stamp}.json.gz`));
      writeFileSync(files.at(-1) as string, gzipSync(text));
    } else if (p % 3 === 2) {
      files.push(join(dir, `traces-${stamp}.json.zst`));
      writeFileSync(files.at(-1) as string, zstdCompressSync(Buffer.from(text)));
    } else {
      files.push(join(dir, `traces-${stamp}.json`));
      writeFileSync(files.at(-1) as string, text);
    }
  }
  return files;
}

/** Triplets in a stable order for comparing two files (order of lines is not part of the contract). */
export function sorted(triplets: readonly Triplet[]): Triplet[] {
  const key = (t: Triplet) => `${t.span_id}:${t.action.kind}`;
  return [...triplets].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
