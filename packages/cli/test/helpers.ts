import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import type { Triplet } from '@rl-otel/semantic-conventions';
import { collectorJson, type RunResult, runNode } from '@rl-otel/test-utils';

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

export interface SimpleSpan {
  traceId?: string;
  spanId: string;
  name?: string;
  startMs: number;
  endMs?: number;
  attributes: Record<string, string | number | boolean>;
}

/** One Collector line (OTLP/JSON export request) holding these spans of one service. */
export function otlpLine(spans: SimpleSpan[], service = 'svc'): string {
  const nanos = (ms: number) => BigInt(Math.floor(ms)) * 1_000_000n + BigInt(Math.round((ms % 1) * 1e6));
  return collectorJson(
    spans.map((s) => ({
      traceId: s.traceId ?? 'a'.repeat(32),
      spanId: s.spanId,
      parentSpanId: '',
      name: s.name ?? 'span',
      kind: 1,
      startTimeUnixNano: nanos(s.startMs),
      endTimeUnixNano: nanos(s.endMs ?? s.startMs + 1),
      attributes: s.attributes,
      events: [],
      links: [],
      status: { code: 0, message: '' },
      resource: resourceOf(service),
      scope: { name: 'test', version: '1' },
    })),
  );
}

const resources = new Map<string, Record<string, string>>();
function resourceOf(service: string): Record<string, string> {
  let resource = resources.get(service);
  if (resource === undefined) resources.set(service, (resource = { 'service.name': service }));
  return resource;
}

/** A hex id of `bytes` bytes that spells `name` (short, without NUL), for readable tests. */
export function hexId(name: string, bytes: number): string {
  return Buffer.from(name)
    .toString('hex')
    .padEnd(bytes * 2, '0');
}

/** The name a `hexId` spells. */
export function nameOf(id: string): string {
  return Buffer.from(id, 'hex').toString('utf8').replace(/\0+$/, '');
}

/** A one-step episode's step span (an HTTP request, say) at `ms`; its ids spell `id`. */
export function oneStep(id: string, ms: number, name = 'GET /x', reward = 1): SimpleSpan {
  return {
    traceId: hexId(id, 16),
    spanId: hexId(id, 8),
    name,
    startMs: ms,
    endMs: ms + 2,
    attributes: {
      'rl.action.kind': 'http',
      'rl.action.name': name,
      'rl.episode.id': hexId(id, 16),
      'rl.step.index': 0,
      'rl.reward.value': reward,
      'rl.reward.component.success': reward > 0 ? 1 : 0,
      'rl.reward.component.latency_ms': 2,
      'rl.episode.done': true,
      'rl.termination.reason': 'single_step',
      'http.request.method': 'GET',
    },
  };
}

/** A triplet line as the in-process sink writes it. */
export function triplet(fields: {
  episode: string;
  step: number;
  span: string;
  ms: number;
  name: string;
  kind?: string;
  reward: number;
  success?: 0 | 1;
  latency?: number;
  done?: boolean;
  reason?: string;
}): Triplet {
  const t: Triplet = {
    schema: 'rl-otel.triplet/v1',
    episode_id: fields.episode,
    step: fields.step,
    trace_id: fields.span.padEnd(32, '0'),
    span_id: fields.span,
    time: new Date(fields.ms).toISOString(),
    state: { inflight_actions: 1 },
    action: { kind: fields.kind ?? 'http', name: fields.name, attributes: {} },
    reward: {
      value: fields.reward,
      components: {
        ...(fields.success === undefined ? {} : { success: fields.success }),
        ...(fields.latency === undefined ? {} : { latency_ms: fields.latency }),
      },
      source: 'heuristic',
    },
    done: fields.done ?? false,
  };
  if (fields.reason !== undefined) t.termination_reason = fields.reason;
  return t;
}

export const jsonl = (items: readonly unknown[]): string =>
  items.map((i) => `${JSON.stringify(i)}\n`).join('');
