/**
 * Process-wide state of the RL runtime. It lives on `globalThis` under a
 * registered symbol so that the ESM and the CommonJS build of this package
 * (loaded side by side: `--import` loads one, an app's `require` the other)
 * share one episode registry, one record map and one reward configuration.
 */
import type { TracerProvider } from '@opentelemetry/api';
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
  readonly stateProviders: Map<string, StateProviderEntry>;
  weights: Readonly<RewardWeights>;
  rewardFunction: RewardFunction | undefined;
  /** Recently ended step actions by span id, for delayed rewards. */
  readonly endedSteps: BoundedMap<string, EndedStep>;
  inflightSteps: number;
  tracerProvider: TracerProvider | undefined;
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
      stateProviders: new Map(),
      weights: DEFAULT_REWARD_WEIGHTS,
      rewardFunction: undefined,
      endedSteps: new BoundedMap(10_000),
      inflightSteps: 0,
      tracerProvider: undefined,
    };
    holder[KEY] = state;
  }
  return state;
}

// The processor's record of a span is kept on the span object under a registered symbol
// (shared by the ESM and CommonJS builds): a property costs next to nothing, a WeakMap
// entry about 0.3 µs per span, which matters for child actions such as SQLite queries.
const RECORD = Symbol.for('@rl-otel/core.span-record');

type WithRecord = { [RECORD]?: SpanRecord };

/** The processor's record of a span it saw start, if any. */
export function recordOf(span: object | undefined): SpanRecord | undefined {
  return span === undefined ? undefined : (span as WithRecord)[RECORD];
}

export function setRecord(span: object, record: SpanRecord): void {
  (span as WithRecord)[RECORD] = record;
}

/**
 * A map that keeps the most recent `max` keys: a ring of keys decides which one
 * goes, so that setting is O(1) even when the map is full (iterating a Map
 * from its oldest entry is not, once many entries were deleted).
 */
export class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();
  private readonly ring: Array<K | undefined>;
  private next = 0;

  constructor(max: number) {
    this.ring = new Array<K | undefined>(Math.max(1, max));
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  set(key: K, value: V): void {
    if (!this.map.has(key)) {
      const evicted = this.ring[this.next];
      if (evicted !== undefined) this.map.delete(evicted);
      this.ring[this.next] = key;
      this.next = (this.next + 1) % this.ring.length;
    }
    this.map.set(key, value);
  }

  get size(): number {
    return this.map.size;
  }
}
