/**
 * Streaming triplet assembly for spans read from files, in bounded memory.
 *
 * In-process, the latest step of an episode waits until the next step ends or
 * the episode span ends, so that the terminal step can carry `done` and the
 * episode's reward (core's `TripletAssembler`). Offline the same spans come
 * from many lines and files, not in the order they ended, so the rule is
 * stated on span end times, which both paths share:
 *
 * - Spans are grouped by episode id within one process (its resource attributes).
 * - A one-step episode's step (`rl.episode.done` on the step itself), a delayed
 *   reward (`rl.reward`) and a triplet line are written at once.
 * - The episode spans of an episode cut its steps into runs (an id can be
 *   reused: a run is the steps that ended after the previous episode span and
 *   no later than this one). Of each run only the highest step waits; any other
 *   step of the run is written at once, not done.
 * - An episode span is applied when the stream's watermark (the latest span
 *   end read so far) is `windowMs` past its end: then it and its run's highest
 *   step go through `spansToTriplets` together, which marks that step done and
 *   adds the episode's reward, exactly as in-process.
 * - At most `maxHeld` spans wait. Beyond it, the episode span closest to its
 *   deadline is applied early; if none waits, the least recently active
 *   episode's waiting step is written as it is (not done).
 * - At the end of the input everything waiting is written: episode spans
 *   applied, steps of episodes that never ended written not done (as the
 *   in-process sink does at exit).
 *
 * Duplicate spans (an exporter retry stored twice) are dropped by span id
 * within a bounded memory of recent ids.
 */
import { spansToTriplets, tripletRole } from '@rl-otel/core';
import {
  ATTR_RL_EPISODE_DONE,
  ATTR_RL_EPISODE_ID,
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
  /** Episode spans applied before their window passed, because `maxHeld` was reached. */
  earlyEnds: number;
  /** Waiting steps written before their episode span came, because `maxHeld` was reached. */
  earlySteps: number;
  /** Most spans that waited at once. */
  peakHeld: number;
}

/** Span ids remembered for dropping duplicates. */
const SEEN_IDS = 262_144;

interface Episode {
  readonly key: string;
  /** Episode spans not applied yet, by end time. */
  ends: TimedSpan[];
  /** held[i]: the highest step of the run that ends with ends[i]; the last entry is the open run. */
  held: Array<TimedSpan | undefined>;
}

export class EpisodeWindow {
  readonly stats: EpisodeWindowStats = {
    triplets: 0,
    duplicates: 0,
    earlyEnds: 0,
    earlySteps: 0,
    peakHeld: 0,
  };

  private readonly options: EpisodeWindowOptions;
  /** Episodes with something waiting, least recently active first. */
  private readonly open = new Map<string, Episode>();
  private readonly deadlines = new MinHeap<{ episode: Episode; end: TimedSpan }>();
  private readonly seen = new Set<string>();
  private held = 0;
  private watermark = Number.NEGATIVE_INFINITY;

  constructor(options: EpisodeWindowOptions) {
    this.options = options;
  }

  /** A span read from a file. Spans without a triplet role are ignored. */
  add(timed: TimedSpan): void {
    const { span } = timed;
    const role = tripletRole(span.attributes, span.name);
    if (role === undefined || !this.firstSight(span.spanId)) return;
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

  /** End of input: applies every waiting episode span and writes every waiting step. */
  finish(): void {
    for (let entry = this.deadlines.pop(); entry !== undefined; entry = this.deadlines.pop()) {
      this.applyThrough(entry.episode, entry.end);
    }
    for (const episode of [...this.open.values()]) this.release(episode);
  }

  private step(timed: TimedSpan): void {
    const attrs = timed.span.attributes;
    const episode = this.touch(
      `${timed.group}\u0000${String(attrs[ATTR_RL_EPISODE_ID] ?? timed.span.traceId)}`,
    );
    let run = 0;
    while (run < episode.ends.length && (episode.ends[run] as TimedSpan).endMs < timed.endMs) run++;
    const current = episode.held[run];
    if (current === undefined) {
      episode.held[run] = timed;
      this.count(1);
    } else if (
      stepOf(current) > stepOf(timed) ||
      (stepOf(current) === stepOf(timed) && current.endMs > timed.endMs)
    ) {
      this.write([timed]);
    } else {
      this.write([current]);
      episode.held[run] = timed;
    }
  }

  private episodeEnd(timed: TimedSpan): void {
    const episode = this.touch(`${timed.group}\u0000${String(timed.span.attributes[ATTR_RL_EPISODE_ID])}`);
    let at = 0;
    while (at < episode.ends.length && (episode.ends[at] as TimedSpan).endMs <= timed.endMs) at++;
    episode.ends.splice(at, 0, timed);
    // The run this end falls into splits in two; its waiting step goes to the side it ended on.
    const waiting = episode.held[at];
    const before = waiting !== undefined && waiting.endMs <= timed.endMs ? waiting : undefined;
    episode.held.splice(at, 1, before, before === undefined ? waiting : undefined);
    this.count(1);
    this.deadlines.push(timed.endMs + this.options.windowMs, { episode, end: timed });
  }

  /** Applies episode spans whose window has passed. */
  private expire(): void {
    for (;;) {
      const key = this.deadlines.peekKey();
      if (key === undefined || key > this.watermark) return;
      const entry = this.deadlines.pop() as { episode: Episode; end: TimedSpan };
      this.applyThrough(entry.episode, entry.end);
    }
  }

  /** Keeps the number of waiting spans within `maxHeld`. */
  private limit(): void {
    while (this.held > this.options.maxHeld) {
      const entry = this.deadlines.pop();
      if (entry !== undefined) {
        if (this.applyThrough(entry.episode, entry.end) > 0) this.stats.earlyEnds++;
        continue;
      }
      const oldest = this.open.values().next().value;
      if (oldest === undefined) return;
      this.stats.earlySteps += this.release(oldest);
    }
  }

  /** Applies the episode's ends up to and including `end` (if still waiting); returns how many. */
  private applyThrough(episode: Episode, end: TimedSpan): number {
    const last = episode.ends.indexOf(end);
    for (let i = 0; i <= last; i++) {
      const episodeSpan = episode.ends.shift() as TimedSpan;
      const step = episode.held.shift();
      this.count(step === undefined ? -1 : -2);
      this.write(step === undefined ? [episodeSpan] : [step, episodeSpan]);
    }
    this.dropIfEmpty(episode);
    return last + 1;
  }

  /** Writes everything an episode holds; returns how many waiting steps were written without an end. */
  private release(episode: Episode): number {
    while (episode.ends.length > 0) this.applyThrough(episode, episode.ends[0] as TimedSpan);
    const step = episode.held[0];
    episode.held = [undefined];
    if (step !== undefined) {
      this.count(-1);
      this.write([step]);
    }
    this.dropIfEmpty(episode);
    return step === undefined ? 0 : 1;
  }

  private touch(key: string): Episode {
    let episode = this.open.get(key);
    if (episode === undefined) episode = { key, ends: [], held: [undefined] };
    else this.open.delete(key);
    this.open.set(key, episode);
    return episode;
  }

  private dropIfEmpty(episode: Episode): void {
    if (episode.ends.length === 0 && episode.held[0] === undefined && this.open.get(episode.key) === episode)
      this.open.delete(episode.key);
  }

  private count(delta: number): void {
    this.held += delta;
    if (this.held > this.stats.peakHeld) this.stats.peakHeld = this.held;
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
    this.seen.add(id);
    if (this.seen.size > SEEN_IDS) this.seen.delete(this.seen.values().next().value as string);
    return true;
  }
}

function stepOf(timed: TimedSpan): number {
  const step = timed.span.attributes[ATTR_RL_STEP_INDEX];
  return typeof step === 'number' ? step : 0;
}
