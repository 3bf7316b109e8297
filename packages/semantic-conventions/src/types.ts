import type { TRIPLET_SCHEMA_V1 } from './values.ts';

/** A span attribute value, as OpenTelemetry allows it. */
export type AttributeValue = string | number | boolean | Array<string | number | boolean | null | undefined>;

/** A flat attribute map. */
export type AttributeMap = Record<string, AttributeValue | undefined>;

/** A scalar that can stand in a state snapshot. */
export type StateValue = string | number | boolean;

/** The state snapshot taken when a step starts: keys are `rl.state.*` without the prefix. */
export type TripletState = Record<string, StateValue>;

/** Numeric parts of a reward, by component name. */
export type RewardComponents = Record<string, number>;

/** Weights of the linear default reward, by component name. */
export type RewardWeights = Record<string, number>;

export type RewardSource = 'heuristic' | 'env' | 'evaluator' | 'human';

export interface TripletAction {
  kind: string;
  name: string;
  /** The action span's own attributes except the `rl.*` ones (stable OpenTelemetry semconv: `http.*`, `db.*`, …). */
  attributes: Record<string, AttributeValue>;
}

export interface TripletReward {
  value: number;
  components: RewardComponents;
  source: RewardSource | string;
}

/** One line of the triplet file (`rl-otel.triplet/v1`). */
export interface Triplet {
  schema: typeof TRIPLET_SCHEMA_V1;
  episode_id: string;
  step: number;
  trace_id: string;
  span_id: string;
  /** Start of the action, ISO 8601 with milliseconds. */
  time: string;
  state: TripletState;
  action: TripletAction;
  reward: TripletReward;
  done: boolean;
  /** Present on terminal lines (`done: true`): why the episode ended. */
  termination_reason?: string;
}
