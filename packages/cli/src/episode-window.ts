/**
 * Streaming triplet assembly for spans read from files, in bounded memory.
 *
 * In-process, the latest step of an episode waits until the next step ends or
 * the episode span ends, so that the terminal step can carry `done` and the
 * episode's reward (core's `TripletAssembler`); the episode span names that
 * step (`rl.episode.terminal.span_id`). Offline the spans come from many lines
 * and files, in any order, so steps wait here instead:
 *
 * - A one-step episode's step (`rl.episode.done` on the step itself), a
 *   delayed reward (`rl.reward`) and a triplet line are written at once.
 * - An episode span and the step it names go through `spansToTriplets`
 *   together, whichever comes first waiting for the other: the step is written
 *   done, with the termination reason and the episode reward, as in-process.
 * - The highest step read so far of each episode (episode id within one
 *   process, i.e. one resource) may be named by an episode span that has not
 *   ended yet: it waits until then.
 * - The window: a span may be read up to `windowMs` (of span time) after the
 *   latest span end read so far, the watermark. A step that is not the highest
 *   of its episode can only be named by an episode span that ended before the
 *   higher step did, so it waits until the watermark is `windowMs` past both
 *   ends, then is written not done. An episode span whose step has not come
 *   by `windowMs` past its end is dropped (counted).
 * - At most `maxHeld` spans wait. Beyond that, what is due first is settled
 *   first, early; if nothing is, the least recently active episode's highest
 *   step is written as it is (not done).
 * - At the end of the input everything waiting is written (steps of episodes
 *   that never ended: not done, as the in-process sink does at exit).
 *
 * Duplicate spans (an exporter retry stored twice) are dropped by span id
 * within a bounded memory of recent ids.
 */
import { spansToTriplets, tripletRole } from '@rl-otel/core';
import {
  ATTR_RL_EPISODE_DONE,
  ATTR_RL_EPISODE_ID,
  ATTR_RL_EPISODE_TERMINAL_SPAN_ID,
  ATTR_RL_STEP_INDEX,
  type Triplet,
} from '@rl-otel/semantic-conventions';
import { MinHeap } from './heap.ts';
import type { TimedSpan } from './input/otlp.ts';

export interface EpisodeWindowOptions {
  /** How much later (span end time) a span may be read than spans that ended after it. */
  windowMs: number;
  /** Most spans waiting at once (steps and episode spans). */
  maxHeld: number;
  emit(triplet: Triplet): void;
}

export interface EpisodeWindowStats {
  /** Triplet lines emitted. */
  triplets: number;
  /** Spans or triplet lines dropped as already seen. */
  duplicates: number;
  /** Spans read more than the window after the watermark. */
  late: number;
  /** Episode spans whose terminal step was not read within the window (that step is not marked done). */
  unmatched: number;
  /** Spans settled before their window passed, because `maxHeld` was reached. */
  early: number;
  /** Most spans that waited at once. */
  peakHeld: number;
}

/** Span ids remembered for dropping duplicates. */
const SEEN_IDS = 262_144;
/** SDK start times are whole milliseconds (ends add a precise duration): ends of two spans may be this much out of order. */
const CLOCK_MS = 1;

interface Held {
  readonly timed: TimedSpan;
  readonly key: string;
  /** Bumped whenever its deadline changes, so that older heap entries are ignored. */
  version: number;
  waiting: boolean;
}

type Due = { held: Held; version: number } | { end: TimedSpan; terminal: string };

export class EpisodeWindow {
  readonly stats: EpisodeWindowStats = {
    triplets: 0,
    duplicates: 0,
    late: 0,
    unmatched: 0,
    early: 0,
    peakHeld: 0,
  };

  private readonly options: EpisodeWindowOptions;
  /** The highest waiting step of each episode, least recently active episode first. */
  private readonly highest = new Map<string, Held>();
  /** Every waiting step, by span id. */
  private readonly steps = new Map<string, Held>();
  /** Episode spans waiting for the step they name, by that step's span id. */
  private readonly awaiting = new Map<string, TimedSpan>();
  private readonly due = new MinHeap<Due>();
  /** Recent span ids: a set, and a ring of the same ids giving the oldest to forget. */
  private readonly seen = new Set<string>();
  private readonly seenRing: string[] = new Array<string>(SEEN_IDS);
  private seenNext = 0;
  private watermark = Number.NEGATIVE_INFINITY;

  constructor(options: EpisodeWindowOptions) {
    this.options = options;
  }

  /** A span read from a file. Spans without a triplet role are ignored. */
  add(timed: TimedSpan): void {
    const { span } = timed;
    const role = tripletRole(span.attributes, span.name);
    if (role === undefined || !this.firstSight(span.spanId)) return;
    if (timed.endMs + this.options.windowMs < this.watermark) this.stats.late++;
    if (timed.endMs > this.watermark) this.watermark = timed.endMs;
    if (role === 'reward' || (role === 'step' && span.attributes[ATTR_RL_EPISODE_DONE] === true)) {
      this.write([timed]);
    } else if (role === 'step') this.step(timed);
    else this.episodeEnd(timed);
    this.expire();
    this.limit();
  }

  /** A triplet line read from a triplet file: written as it is (unless already seen). */
  addTriplet(triplet: Triplet): void {
    if (!this.firstSight(triplet.span_id)) return;
    this.stats.triplets++;
    this.options.emit(triplet);
  }

  /** End of input: everything waiting is settled. */
  finish(): void {
    for (let entry = this.due.pop(); entry !== undefined; entry = this.due.pop()) this.settle(entry);
    for (const held of [...this.highest.values()]) this.writeHeld(held);
  }

  private step(timed: TimedSpan): void {
    const key = `${timed.group}\u0000${String(timed.span.attributes[ATTR_RL_EPISODE_ID] ?? timed.span.traceId)}`;
    const end = this.awaiting.get(timed.span.spanId);
    if (end !== undefined) {
      // Its episode span came first.
      this.awaiting.delete(timed.span.spanId);
      const top = this.highest.get(key);
      if (top !== undefined && !higher(top.timed, timed)) this.demote(top, timed.endMs);
      this.write([timed, end]);
      return;
    }
    const held: Held = { timed, key, version: 0, waiting: true };
    this.steps.set(timed.span.spanId, held);
    this.notePeak();
    const top = this.highest.get(key);
    if (top === undefined) this.highest.set(key, held);
    else if (higher(timed, top.timed)) {
      this.demote(top, timed.endMs);
      this.highest.set(key, held);
    } else {
      this.highest.delete(key);
      this.highest.set(key, top);
      this.wait(held, top.timed.endMs);
    }
  }

  private episodeEnd(timed: TimedSpan): void {
    const terminal = timed.span.attributes[ATTR_RL_EPISODE_TERMINAL_SPAN_ID];
    // An episode that had no step changes no triplet (in-process neither).
    if (typeof terminal !== 'string') return;
    const held = this.steps.get(terminal);
    if (held !== undefined) {
      this.take(held);
      this.write([held.timed, timed]);
      return;
    }
    this.awaiting.set(terminal, timed);
    this.notePeak();
    this.due.push(timed.endMs + this.options.windowMs, { end: timed, terminal });
  }

  /** The highest step of an episode was outranked (or its run ended): it waits for the window like any lower step. */
  private demote(held: Held, otherEnd: number): void {
    if (this.highest.get(held.key) === held) this.highest.delete(held.key);
    this.wait(held, otherEnd);
  }

  /** A lower step waits until no episode span can name it any more. */
  private wait(held: Held, otherEnd: number): void {
    held.version++;
    const deadline = Math.max(held.timed.endMs, otherEnd) + CLOCK_MS + this.options.windowMs;
    this.due.push(deadline, { held, version: held.version });
  }

  /** Settles what is due: the watermark is past its deadline. */
  private expire(): void {
    for (;;) {
      const key = this.due.peekKey();
      if (key === undefined || key > this.watermark) return;
      this.settle(this.due.pop() as Due);
    }
  }

  /** Keeps the number of waiting spans within `maxHeld`. */
  private limit(): void {
    while (this.held() > this.options.maxHeld) {
      const entry = this.due.pop();
      if (entry !== undefined) {
        if (this.settle(entry)) this.stats.early++;
        continue;
      }
      const oldest = this.highest.values().next().value;
      if (oldest === undefined) return;
      this.writeHeld(oldest);
      this.stats.early++;
    }
  }

  /** Writes a lower step (not done) or drops an episode span whose step never came; false when the entry was stale. */
  private settle(entry: Due): boolean {
    if ('held' in entry) {
      if (!entry.held.waiting || entry.held.version !== entry.version) return false;
      this.writeHeld(entry.held);
      return true;
    }
    if (this.awaiting.get(entry.terminal) !== entry.end) return false;
    this.awaiting.delete(entry.terminal);
    this.stats.unmatched++;
    return true;
  }

  private take(held: Held): void {
    held.waiting = false;
    this.steps.delete(held.timed.span.spanId);
    if (this.highest.get(held.key) === held) this.highest.delete(held.key);
  }

  /** Writes a waiting step as it is (not done). */
  private writeHeld(held: Held): void {
    this.take(held);
    this.write([held.timed]);
  }

  /** Spans waiting: steps and episode spans. */
  private held(): number {
    return this.steps.size + this.awaiting.size;
  }

  private notePeak(): void {
    const held = this.held();
    if (held > this.stats.peakHeld) this.stats.peakHeld = held;
  }

  private write(spans: TimedSpan[]): void {
    for (const triplet of spansToTriplets(spans.map((t) => t.span))) {
      this.stats.triplets++;
      this.options.emit(triplet);
    }
  }

  private firstSight(id: string): boolean {
    if (this.seen.has(id)) {
      this.stats.duplicates++;
      return false;
    }
    // A ring rather than the set's own order: iterating a set from the front after many deletions is slow.
    const oldest = this.seenRing[this.seenNext];
    if (oldest !== undefined) this.seen.delete(oldest);
    this.seenRing[this.seenNext] = id;
    this.seenNext = (this.seenNext + 1) % SEEN_IDS;
    this.seen.add(id);
    return true;
  }
}

function stepOf(timed: TimedSpan): number {
  const step = timed.span.attributes[ATTR_RL_STEP_INDEX];
  return typeof step === 'number' ? step : 0;
}

/** Whether `a` outranks `b` as an episode's latest step: a higher index, or the same index and a later end (as in-process). */
function higher(a: TimedSpan, b: TimedSpan): boolean {
  const sa = stepOf(a);
  const sb = stepOf(b);
  return sa > sb || (sa === sb && a.endMs >= b.endMs);
}
