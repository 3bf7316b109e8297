/** What the commands share: the input options, reading with progress and problem reports, writing files whole. */
import { once } from 'node:events';
import { createWriteStream, openSync, renameSync, rmSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Triplet } from '@rl-otel/semantic-conventions';
import { type OptionSpec, positiveInteger, UsageError } from '../args.ts';
import { formatCount, parseDuration } from '../format.ts';
import { inspectInputs, systemReason } from '../input/inputs.ts';
import { Progress } from '../progress.ts';
import { DEFAULT_MAX_HELD, DEFAULT_WINDOW_MS, type ReadSummary, TripletReader } from '../read-triplets.ts';

/** Where a command writes: the process's streams, or others in tests. */
export interface Io {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly stderr: NodeJS.WriteStream;
}

export const INPUT_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'window',
    value: '<duration>',
    description:
      'how late (in span time) a span may be read after spans that ended later than it: 500ms, 30s, 5m, 1h',
    default: '5m',
  },
  {
    name: 'max-held',
    value: '<n>',
    description:
      'most spans waiting at once for the episode span that ends their episode (about 2 KiB of memory each)',
    default: '50000',
  },
  { name: 'quiet', short: 'q', description: 'no progress bar and no summary on stderr' },
];

export const INPUT_DETAILS =
  'Inputs are OTLP/JSON trace files as the OpenTelemetry Collector’s file exporter writes them (one ExportTraceServiceRequest per line; plain, gzip or zstd; rotated files in any order) and rl-otel triplet JSONL files, in any mix; - reads standard input, and pipes such as <(zcat …) work too.';

/** Problems printed one by one before the rest are only counted. */
const PRINTED_PROBLEMS = 20;

export type Values = Record<string, string | boolean | undefined>;

export interface ReadResult {
  readonly summary: ReadSummary;
  /** Bytes read (before decompression). */
  readonly bytes: number;
}

/**
 * Reads every input and hands triplets to `onBatch` in batches; `onBatch`
 * returning false stops reading (the output went away).
 */
export async function readInputs(
  paths: readonly string[],
  values: Values,
  io: Io,
  onBatch: (batch: Triplet[]) => Promise<boolean> | boolean,
): Promise<ReadResult> {
  const windowMs = values.window === undefined ? DEFAULT_WINDOW_MS : parseDuration(String(values.window));
  if (windowMs === undefined)
    throw new UsageError(`--window must be a duration such as 30s, 5m or 1h, got "${String(values.window)}"`);
  const maxHeld = positiveInteger(values['max-held'], 'max-held', DEFAULT_MAX_HELD);
  const files = await inspectInputs(paths);
  const bytes = files.reduce((sum, f) => sum + f.size, 0);
  const quiet = values.quiet === true;
  const total = files.some((f) => f.stream !== undefined) ? undefined : bytes;
  const progress = quiet ? undefined : new Progress({ total, stream: io.stderr });
  let printed = 0;
  let read = 0;
  const reader = new TripletReader(files, {
    windowMs,
    maxHeld,
    onBytes: (n) => {
      read += n;
      progress?.advance(n);
    },
    onProblem: (message) => {
      if (printed++ < PRINTED_PROBLEMS) {
        progress?.clear();
        io.stderr.write(`rl-otel: ${message}\n`);
      }
    },
  });
  try {
    for await (const batch of reader.batches()) {
      progress?.counters.set('triplets', reader.summary.triplets);
      if (!(await onBatch(batch))) break;
    }
  } finally {
    progress?.clear();
  }
  if (printed > PRINTED_PROBLEMS)
    io.stderr.write(
      `rl-otel: … and ${formatCount(printed - PRINTED_PROBLEMS)} more problems of the same kinds\n`,
    );
  return { summary: reader.summary, bytes: read };
}

/** Notes worth a line after a run: what was dropped or written early. */
export function summaryNotes(summary: ReadSummary): string[] {
  const notes: string[] = [];
  if (summary.malformed > 0)
    notes.push(`${formatCount(summary.malformed)} malformed lines or spans were skipped (reported above)`);
  if (summary.duplicates > 0)
    notes.push(`${formatCount(summary.duplicates)} duplicate spans or triplets dropped`);
  if (summary.unmatched > 0)
    notes.push(
      `${formatCount(summary.unmatched)} episode ends came without the step they name within --window; those steps are not marked done (raise --window)`,
    );
  if (summary.late > 0)
    notes.push(
      `${formatCount(summary.late)} spans were read more than --window after spans that ended later; their episodes may be assembled differently than in-process (raise --window)`,
    );
  if (summary.early > 0)
    notes.push(
      `--max-held was reached: ${formatCount(summary.early)} spans were settled before their window passed (right for input in time order; raise --max-held for input far out of order)`,
    );
  return notes;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** The output cannot be written. */
export class OutputError extends Error {
  override name = 'OutputError';
}

/**
 * A file written whole or not at all: data goes to a temporary file next to
 * it, renamed over the target on `commit()`. A `.gz` name is gzip-compressed.
 */
export class OutputFile {
  readonly path: string;
  readonly stream: NodeJS.WritableStream;
  private readonly temp: string;
  private readonly done: Promise<void>;

  constructor(path: string) {
    this.path = path;
    this.temp = `${path}.tmp-${process.pid}`;
    // Opened now, so that an unwritable path is reported before any input is read.
    let fd: number;
    try {
      fd = openSync(this.temp, 'w');
    } catch (error) {
      throw new OutputError(`cannot write ${path}: ${systemReason(error)}`);
    }
    const file = createWriteStream(this.temp, { fd });
    if (path.endsWith('.gz')) {
      const gzip = createGzip();
      this.stream = gzip;
      this.done = pipeline(gzip, file);
    } else {
      this.stream = file;
      this.done = once(file, 'close').then(() => {});
    }
    // Reported by commit(); a listener keeps an early error from crashing the process.
    this.done.catch(() => {});
    file.on('error', () => {});
    for (const signal of SIGNALS) process.once(signal, this.onSignal);
  }

  /** Interrupted: no half-written file is left behind, and the process ends by the same signal. */
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.abort();
    process.kill(process.pid, signal);
  };

  /** Writes, waiting while the stream's buffer is full. */
  async write(text: string): Promise<void> {
    await writeText(this.stream, text);
  }

  async commit(): Promise<void> {
    this.stream.end();
    await this.done;
    renameSync(this.temp, this.path);
    this.forgetSignals();
  }

  abort(): void {
    this.forgetSignals();
    this.stream.end();
    rmSync(this.temp, { force: true });
  }

  private forgetSignals(): void {
    for (const signal of SIGNALS) process.off(signal, this.onSignal);
  }
}

/** Writes `text`, resolving when the stream can take more. */
export async function writeText(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}
