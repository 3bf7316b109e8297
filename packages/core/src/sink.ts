/**
 * The JSONL triplet sink: one triplet per line, appended to a file in whole
 * lines only. Lines wait in a bounded queue and are written in batches (every
 * `flushIntervalMs` or `flushLines`, and synchronously at exit); when the
 * queue is full, new lines are dropped and counted, with one warning.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Triplet } from '@rl-otel/semantic-conventions';
import { describeError, warnOnce } from './diag.ts';
import { withTracingSuppressed } from './suppress.ts';
import type { TripletSink } from './types.ts';

export interface JsonlFileSinkOptions {
  /** File to append to; its folder is created if missing. */
  path: string;
  /** Most lines waiting to be written; beyond it lines are dropped and counted (default 10 000). */
  maxQueuedLines?: number;
  /** Longest a line waits before it is written, in ms (default 200). */
  flushIntervalMs?: number;
  /** Queue length that triggers a write at once (default 256). */
  flushLines?: number;
}

export interface SinkStats {
  readonly path: string;
  /** Lines written to the file. */
  readonly written: number;
  /** Lines dropped because the queue was full or the file could not be written. */
  readonly dropped: number;
  /** Lines waiting. */
  readonly queued: number;
}

type Timer = ReturnType<typeof setTimeout>;

export class JsonlFileSink implements TripletSink {
  readonly path: string;
  private readonly maxQueued: number;
  private readonly interval: number;
  private readonly batch: number;
  private queue: string[] = [];
  /** Bytes of a batch that a failed write left unwritten: written first next time, so lines stay whole. */
  private pending: Uint8Array | undefined;
  private fd: number | undefined;
  private timer: Timer | undefined;
  private closed = false;
  private broken = false;
  private writtenLines = 0;
  private droppedLines = 0;

  constructor(options: JsonlFileSinkOptions) {
    this.path = options.path;
    this.maxQueued = Math.max(1, options.maxQueuedLines ?? 10_000);
    this.interval = Math.max(1, options.flushIntervalMs ?? 200);
    this.batch = Math.max(1, options.flushLines ?? 256);
    try {
      this.fd = withTracingSuppressed(() => {
        mkdirSync(dirname(this.path), { recursive: true });
        return openSync(this.path, 'a');
      });
    } catch (error) {
      this.broken = true;
      warnOnce(
        `sink-open:${this.path}`,
        `cannot write the triplet file ${this.path} (${describeError(error)}); triplets are not saved. Set RL_OTEL_TRIPLETS_FILE to a writable path`,
      );
    }
  }

  write(triplet: Triplet): void {
    if (this.closed) return;
    if (this.broken) {
      this.droppedLines++;
      return;
    }
    if (this.queue.length >= this.maxQueued) {
      this.droppedLines++;
      warnOnce(
        `sink-full:${this.path}`,
        `the triplet queue is full (${this.maxQueued} lines waiting for ${this.path}); new triplets are dropped and counted until it drains`,
      );
      return;
    }
    let line: string;
    try {
      line = `${JSON.stringify(triplet)}\n`;
    } catch (error) {
      this.droppedLines++;
      warnOnce(
        'sink-serialize',
        `a triplet could not be serialized and was dropped: ${describeError(error)}`,
      );
      return;
    }
    this.queue.push(line);
    if (this.queue.length >= this.batch) this.flushSync();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flushSync();
      }, this.interval);
      unrefTimer(this.timer);
    }
  }

  flushSync(): void {
    // The sink's own writes are never traced, even when the file lies in a traced folder.
    withTracingSuppressed(() => this.writeQueued());
  }

  private writeQueued(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.fd === undefined || (this.queue.length === 0 && this.pending === undefined)) return;
    const lines = this.queue.length;
    let data: Uint8Array;
    if (this.pending !== undefined) {
      data = concat(this.pending, encoder.encode(this.queue.join('')));
    } else data = encoder.encode(this.queue.join(''));
    this.queue = [];
    this.pending = undefined;
    let offset = 0;
    try {
      while (offset < data.length) offset += writeSync(this.fd, data, offset, data.length - offset);
      this.writtenLines += lines;
    } catch (error) {
      // Keep the unwritten rest (bounded by the queue limit) so the file only ever gets whole lines.
      const rest = data.subarray(offset);
      if (rest.length > this.maxQueued * 4096) {
        this.droppedLines += lines;
      } else this.pending = rest;
      warnOnce(
        `sink-write:${this.path}`,
        `writing the triplet file ${this.path} failed (${describeError(error)}); triplets wait in a bounded queue and are dropped when it is full`,
      );
      if (this.pending !== undefined && this.timer === undefined && !this.closed) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.flushSync();
        }, this.interval * 5);
        unrefTimer(this.timer);
      }
    }
  }

  async flush(): Promise<void> {
    this.flushSync();
  }

  async shutdown(): Promise<void> {
    this.flushSync();
    this.closed = true;
    if (this.fd !== undefined) {
      try {
        const fd = this.fd;
        withTracingSuppressed(() => closeSync(fd));
      } catch {
        // already closed
      }
      this.fd = undefined;
    }
  }

  stats(): SinkStats {
    return {
      path: this.path,
      written: this.writtenLines,
      dropped: this.droppedLines,
      queued: this.queue.length,
    };
  }
}

const encoder = new TextEncoder();

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Lets the process exit while a flush timer waits, on Node and on Deno. */
export function unrefTimer(timer: unknown): void {
  if (
    typeof timer === 'object' &&
    timer !== null &&
    typeof (timer as { unref?: unknown }).unref === 'function'
  ) {
    (timer as { unref(): void }).unref();
  } else if (typeof timer === 'number') {
    (globalThis as { Deno?: { unrefTimer?(id: number): void } }).Deno?.unrefTimer?.(timer);
  }
}
