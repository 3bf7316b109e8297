import type { Attributes } from '@opentelemetry/api';
import type { RewardComponents, Triplet } from '@rl-otel/semantic-conventions';

/** What a reward function is told about the action it scores. */
export interface RewardContext {
  /** `rl.action.kind`, or `episode` when scoring an episode's outcome. */
  readonly kind: string;
  readonly name: string;
  readonly episodeId: string;
  readonly step: number;
  readonly attributes: Readonly<Attributes>;
}

/**
 * Turns an action's reward components into its reward. Must return a finite
 * number; anything else is reported once and the weighted default is used.
 */
export type RewardFunction = (components: Readonly<RewardComponents>, action: RewardContext) => number;

/** Where assembled triplets go. Implementations must never throw into the caller. */
export interface TripletSink {
  write(triplet: Triplet): void;
  /** Writes what is queued; resolves when it is on disk (or wherever the sink writes). */
  flush(): Promise<void>;
  /** Synchronous flush for process exit; optional. */
  flushSync?(): void;
  shutdown(): Promise<void>;
}

/** An explicit reward. */
export interface RewardInput {
  value: number;
  /** `env` (default), `evaluator`, `human`, or `heuristic`. */
  source?: string;
  /** A name for the reward, e.g. `user_feedback`. */
  name?: string;
}
