import type { Span } from '@opentelemetry/api';
import type { RewardComponents } from '@rl-otel/semantic-conventions';

/** Where an episode id came from. */
export type EpisodeOrigin = 'explicit' | 'baggage' | 'trace';

/** Per-episode bookkeeping shared by every span of the episode in this process. */
export interface EpisodeState {
  readonly id: string;
  readonly origin: EpisodeOrigin;
  nextStep: number;
  /** The episode span, for episodes started in this process. */
  span: Span | undefined;
  /** True once its episode span ended (explicit episodes only). */
  ended: boolean;
  /** Active `withEpisode` scopes using this state; pinned in the registry while > 0. */
  active: number;
  /** Highest step ended since the episode span last ended (explicit episodes): the terminal step if it ends now. */
  lastStep: { readonly spanId: string; readonly step: number } | undefined;
}

/** What the processor remembers about a live span it stamped. */
export interface SpanRecord {
  readonly traceId: string;
  readonly spanId: string;
  readonly episode: EpisodeState;
  /** Step index, or -1 for a non-action span outside any step. */
  readonly step: number;
  /** `rl.action.kind`, or undefined for a span that is not an action. */
  readonly kind: string | undefined;
  /** The record that owns this span's step (itself when it does). */
  stepOwner: SpanRecord | undefined;
  /** Nearest action at or above this span (itself when it is an action). */
  action: SpanRecord | undefined;
  /** Nearest action strictly above: where this action's costs fold into. */
  readonly parentAction: SpanRecord | undefined;
  /** True for the span of an episode (`startEpisode`). */
  readonly isEpisode: boolean;
  /** Components folded in from child actions or added by plugins. */
  components: RewardComponents | undefined;
  /** Explicit reward recorded with `recordReward` while the action ran. */
  explicit: { value: number; source: string; name: string | undefined } | undefined;
  /** Set by `failStep`: the step counts as failed even if its own span ends without error. */
  failed: boolean;
  ended: boolean;
}

/** Outcome of an episode, set by `Episode.end` or `setEpisodeOutcome`. */
export interface EpisodeOutcome {
  /** Why it ended: `success`, `failure`, `error`, `timeout`, … */
  reason?: string;
  /** The episode-level reward (its outcome), added to the terminal step. */
  reward?: number;
  /** Shorthand: `false` means reason `failure`, `true` means `success`. */
  success?: boolean;
}
