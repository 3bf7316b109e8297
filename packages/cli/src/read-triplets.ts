/**
 * Triplets from input files: OTLP/JSON trace files through the episode window
 * (the same `spansToTriplets` as in-process), triplet files as they are. Used
 * by every command, so `stats` and `report` also take Collector files directly.
 */
import { TRIPLET_SCHEMA_V1, type Triplet } from '@rl-otel/semantic-conventions';
import { EpisodeWindow, type EpisodeWindowStats } from './episode-window.ts';
import {
  describePosition,
  type InputFile,
  type InputRecord,
  isOtlpOther,
  NEITHER_KIND,
} from './input/inputs.ts';
import { mergedRecords } from './input/merge.ts';
import { type ConvertCounts, type JsonTraceRequest, roleSpans } from './input/otlp.ts';

export interface ReadOptions {
  /** How late a span may arrive, in ms of span time (default 5 minutes). */
  windowMs?: number;
  /** Most spans waiting at once (default 50 000). */
  maxHeld?: number;
  /** A malformed line or span, as `file:line: what`; the rest is still read. */
  onProblem?(message: string): void;
  /** Bytes read from disk (for progress). */
  onBytes?(n: number): void;
}

export interface ReadSummary extends EpisodeWindowStats {
  files: number;
  /** Lines (or records) read. */
  records: number;
  /** Spans read from OTLP files. */
  spans: number;
  /** Lines that could not be used, plus unusable spans. */
  malformed: number;
  /** OTLP metrics, logs or profiles lines, skipped. */
  otherSignals: number;
}

export const DEFAULT_WINDOW_MS = 5 * 60_000;
export const DEFAULT_MAX_HELD = 50_000;

export class TripletReader {
  readonly summary: ReadSummary;

  private readonly files: readonly InputFile[];
  private readonly options: ReadOptions;
  private readonly window: EpisodeWindow;
  private batch: Triplet[] = [];

  constructor(files: readonly InputFile[], options: ReadOptions = {}) {
    this.files = files;
    this.options = options;
    this.window = new EpisodeWindow({
      windowMs: options.windowMs ?? DEFAULT_WINDOW_MS,
      maxHeld: options.maxHeld ?? DEFAULT_MAX_HELD,
      emit: (triplet) => this.batch.push(triplet),
    });
    this.summary = Object.assign(this.window.stats, {
      files: files.length,
      records: 0,
      spans: 0,
      malformed: 0,
      otherSignals: 0,
    });
  }

  /** Triplets in batches (one batch per input record), so that a writer can wait for its output to drain. */
  async *batches(): AsyncGenerator<Triplet[]> {
    const groups = new Map<string, string>();
    const counts: ConvertCounts = { spans: 0, invalid: 0 };
    for await (const record of mergedRecords(this.files, this.options.onBytes)) {
      this.summary.records++;
      this.take(record, groups, counts);
      if (this.batch.length > 0) yield this.flush();
    }
    this.window.finish();
    if (this.batch.length > 0) yield this.flush();
  }

  private take(record: InputRecord, groups: Map<string, string>, counts: ConvertCounts): void {
    if ('error' in record) {
      this.problem(`${this.where(record)} ${record.error}`);
      return;
    }
    if (record.kind === 'traces') {
      const spans = roleSpans(record.value as JsonTraceRequest, groups, counts, (message) =>
        this.problem(`${this.where(record)}: ${message}`),
      );
      this.summary.spans = counts.spans;
      for (const span of spans) this.window.add(span);
    } else if (record.kind === 'triplet') {
      const invalid = invalidTriplet(record.value);
      if (invalid === undefined) this.window.addTriplet(record.value as unknown as Triplet);
      else this.problem(`${this.where(record)} is not a valid triplet: ${invalid}`);
    } else if (isOtlpOther(record.value)) {
      this.summary.otherSignals++;
    } else {
      this.problem(`${this.where(record)} ${NEITHER_KIND}`);
    }
  }

  /** Where a record is, for a problem report: `file:line: line N` (built only when there is a problem). */
  private where(record: InputRecord): string {
    const framing = this.files.find((f) => f.path === record.file)?.framing ?? 'lines';
    return `${record.file}:${record.index}: ${describePosition(framing, record.index)}`;
  }

  private problem(message: string): void {
    this.summary.malformed++;
    this.options.onProblem?.(message);
  }

  private flush(): Triplet[] {
    const out = this.batch;
    this.batch = [];
    return out;
  }
}

/** Why a parsed line is not a usable triplet, or undefined when it is. */
export function invalidTriplet(value: Record<string, unknown>): string | undefined {
  if (value.schema !== TRIPLET_SCHEMA_V1) return `schema ${String(value.schema)} is not ${TRIPLET_SCHEMA_V1}`;
  if (typeof value.episode_id !== 'string') return 'episode_id is missing';
  if (typeof value.span_id !== 'string') return 'span_id is missing';
  if (typeof value.step !== 'number') return 'step is not a number';
  if (typeof value.time !== 'string' || Number.isNaN(Date.parse(value.time))) return 'time is not a date';
  const action = value.action as Record<string, unknown> | undefined;
  if (typeof action?.kind !== 'string' || typeof action.name !== 'string')
    return 'action.kind or action.name is missing';
  const reward = value.reward as Record<string, unknown> | undefined;
  if (typeof reward?.value !== 'number') return 'reward.value is not a number';
  if (typeof value.done !== 'boolean') return 'done is not true or false';
  return undefined;
}
