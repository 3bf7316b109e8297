/**
 * Progress on stderr for long inputs: a bar redrawn in place when stderr is a
 * terminal, nothing at all when it is not (logs stay clean; the summary line
 * at the end says what was done).
 */
import { formatBytes, formatCount } from './format.ts';

export interface ProgressOptions {
  /** Total bytes expected (sum of input sizes on disk); undefined when unknown (a pipe). */
  total: number | undefined;
  stream?: NodeJS.WriteStream;
  /** Draw even when the stream is not a terminal (tests). */
  force?: boolean;
}

const REDRAW_MS = 100;
const WIDTH = 24;

export class Progress {
  private readonly total: number | undefined;
  private readonly stream: NodeJS.WriteStream;
  private readonly enabled: boolean;
  private readonly started = Date.now();
  private done = 0;
  private lastDraw = 0;
  private drawn = false;
  /** Counters shown after the bar: label → value. */
  readonly counters = new Map<string, number>();

  constructor(options: ProgressOptions) {
    this.total = options.total === undefined ? undefined : Math.max(1, options.total);
    this.stream = options.stream ?? process.stderr;
    this.enabled = options.force === true || this.stream.isTTY === true;
  }

  /** Bytes read from disk. */
  advance(bytes: number): void {
    this.done += bytes;
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw >= REDRAW_MS) {
      this.lastDraw = now;
      this.draw();
    }
  }

  /** Clears the bar (before other output, and at the end). */
  clear(): void {
    if (!this.drawn) return;
    this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }

  private draw(): void {
    const counters = [...this.counters].map(([label, n]) => `${formatCount(n)} ${label}`).join(' · ');
    let line: string;
    if (this.total === undefined) {
      line = `${formatBytes(this.done)} read${counters ? ` · ${counters}` : ''}`;
    } else {
      const ratio = Math.min(1, this.done / this.total);
      const filled = Math.round(ratio * WIDTH);
      const elapsed = (Date.now() - this.started) / 1000;
      const eta = ratio > 0.01 && ratio < 1 ? ` ETA ${clock(elapsed / ratio - elapsed)}` : '';
      line = `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ${formatBytes(this.done)} / ${formatBytes(this.total)}${eta}${counters ? ` · ${counters}` : ''}`;
    }
    const columns = this.stream.columns ?? 120;
    this.stream.write(`\r\x1b[2K${line.slice(0, Math.max(20, columns - 1))}`);
    this.drawn = true;
  }
}

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, '0')}`;
}
