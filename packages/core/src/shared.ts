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
  readonly endedSteps: EndedSteps;
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
      endedSteps: new EndedSteps(10_000),
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
 * The most recent ended steps, for delayed rewards: a ring written once per
 * step (no hashing on the hot path) and searched from the newest when a reward
 * comes in for an action that already ended, which is rare.
 */
export class EndedSteps {
  private readonly ring: Array<EndedStep | undefined>;
  private next = 0;

  constructor(max: number) {
    this.ring = new Array<EndedStep | undefined>(Math.max(1, max));
  }

  add(step: EndedStep): void {
    this.ring[this.next] = step;
    this.next = (this.next + 1) % this.ring.length;
  }

  find(spanId: string): EndedStep | undefined {
    const n = this.ring.length;
    for (let i = 1; i <= n; i++) {
      const step = this.ring[(this.next - i + n) % n];
      if (step === undefined) return undefined;
      if (step.spanId === spanId) return step;
    }
    return undefined;
  }
}
