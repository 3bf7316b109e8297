/**
 * Process-wide state of the RL runtime. It lives on `globalThis` under a
 * registered symbol so that the ESM and the CommonJS build of this package
 * (loaded side by side: `--import` loads one, an app's `require` the other)
 * share one episode registry, one record map and one reward configuration.
 */
import type { RewardWeights, StateValue } from '@rl-otel/semantic-conventions';
import { DEFAULT_REWARD_WEIGHTS } from '@rl-otel/semantic-conventions';
import type { EpisodeState, SpanRecord } from './internal-types.ts';
import type { RewardFunction } from './types.ts';

export interface StateProviderEntry {
  readonly name: string;
  readonly fn: () => Record<string, StateValue | null | undefined> | StateValue | null | undefined;
}

/** What is kept of a step action after it ended, for delayed rewards. */
export interface EndedStep {
  readonly traceId: string;
  readonly spanId: string;
  readonly episodeId: string;
  readonly step: number;
  readonly kind: string;
  readonly name: string;
}

export interface SharedState {
  readonly warned: Set<string>;
  warningHandler: ((message: string) => void) | undefined;
  readonly episodes: Map<string, EpisodeState>;
  maxEpisodes: number;
  readonly records: WeakMap<object, SpanRecord>;
  readonly stateProviders: Map<string, StateProviderEntry>;
  weights: Readonly<RewardWeights>;
  rewardFunction: RewardFunction | undefined;
  readonly endedSteps: Map<string, EndedStep>;
  inflightSteps: number;
}

const KEY = Symbol.for('@rl-otel/core.shared.v1');

type Holder = { [KEY]?: SharedState };

export function shared(): SharedState {
  const holder = globalThis as Holder;
  let state = holder[KEY];
  if (state === undefined) {
    state = {
      warned: new Set(),
      warningHandler: undefined,
      episodes: new Map(),
      maxEpisodes: 10_000,
      records: new WeakMap(),
      stateProviders: new Map(),
      weights: DEFAULT_REWARD_WEIGHTS,
      rewardFunction: undefined,
      endedSteps: new Map(),
      inflightSteps: 0,
    };
    holder[KEY] = state;
  }
  return state;
}

/** Bounded insertion-ordered map: the oldest entry goes when the map is full. */
export function rememberBounded<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
}
