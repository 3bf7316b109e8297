import { ATTR_RL_STEP_INDEX } from '@rl-otel/semantic-conventions';
import type { EpisodeState } from './internal-types.ts';
import { type ReadableSpanLike, spansToTriplets, tripletRole } from './triplets.ts';
import type { TripletSink } from './types.ts';

/** Most episodes whose latest step can wait for the episode's end at once. */
const MAX_HELD = 10_000;

/**
 * Feeds ended spans to `spansToTriplets` and the sink. The latest step of an
 * episode started in this process waits until the next step ends or the
 * episode ends, so that the terminal step can carry `done` and the episode's
 * reward. Steps of baggage or trace episodes are written at once.
 */
export class TripletAssembler {
  private readonly held = new Map<EpisodeState, ReadableSpanLike>();

  readonly sink: TripletSink;

  constructor(sink: TripletSink) {
    this.sink = sink;
  }

  step(span: ReadableSpanLike, episode: EpisodeState): void {
    if (episode.origin !== 'explicit' || episode.ended) {
      this.write([span]);
      return;
    }
    const previous = this.held.get(episode);
    if (previous !== undefined && stepOf(previous) > stepOf(span)) {
      this.write([span]);
      return;
    }
    if (previous !== undefined) this.write([previous]);
    this.held.delete(episode);
    this.held.set(episode, span);
    if (this.held.size > MAX_HELD) {
      const [oldest, oldestSpan] = this.held.entries().next().value as [EpisodeState, ReadableSpanLike];
      this.held.delete(oldest);
      this.write([oldestSpan]);
    }
  }

  episode(span: ReadableSpanLike, episode: EpisodeState): void {
    const previous = this.held.get(episode);
    this.held.delete(episode);
    this.write(previous === undefined ? [span] : [previous, span]);
  }

  /** Spans the processor did not track: delayed rewards. */
  other(span: ReadableSpanLike): void {
    if (tripletRole(span.attributes as never, span.name) === 'reward') this.write([span]);
  }

  /** Writes every waiting step as it is (not done): the process is stopping. */
  flushHeld(): void {
    const spans = [...this.held.values()];
    this.held.clear();
    if (spans.length > 0) this.write(spans);
  }

  private write(spans: ReadableSpanLike[]): void {
    for (const triplet of spansToTriplets(spans)) this.sink.write(triplet);
  }
}

function stepOf(span: ReadableSpanLike): number {
  const step = span.attributes[ATTR_RL_STEP_INDEX];
  return typeof step === 'number' ? step : 0;
}
