/**
 * The state half of a triplet: a bounded snapshot of the process (in-flight
 * actions, event-loop utilization, heap) and of the application (registered
 * state providers), taken when a step begins.
 */
import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_RL_STATE_APP_PREFIX,
  ATTR_RL_STATE_EVENT_LOOP_UTILIZATION,
  ATTR_RL_STATE_HASH,
  ATTR_RL_STATE_HEAP_USED_MB,
  ATTR_RL_STATE_INFLIGHT_ACTIONS,
  ATTR_RL_STATE_PREFIX,
  hashState,
  type StateValue,
} from '@rl-otel/semantic-conventions';
import { safeRun, warnOnce } from './diag.ts';
import { type StateProviderEntry, shared } from './shared.ts';

/** Most providers that can be registered. */
export const MAX_STATE_PROVIDERS = 16;
/** Most `rl.state.app.*` keys in one snapshot. */
export const MAX_APP_STATE_KEYS = 32;
/** Most characters of app state values (strings and numbers as text) in one snapshot. */
export const MAX_APP_STATE_CHARS = 2048;
/** Longest string value kept; longer ones are cut. */
export const MAX_STATE_STRING = 128;

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$/;

export type StateProvider = () =>
  | Record<string, StateValue | null | undefined>
  | StateValue
  | null
  | undefined;

/**
 * Adds application state to every step's snapshot, as `rl.state.app.<name>`
 * (a scalar) or `rl.state.app.<name>.<key>` (an object of scalars). Providers
 * run when a step starts, so they must be cheap and synchronous. Returns a
 * function that removes the provider.
 */
export function registerStateProvider(name: string, provider: StateProvider): () => void {
  const providers = shared().stateProviders;
  if (!NAME.test(name)) {
    warnOnce(
      `state-provider-name:${name}`,
      `state provider name "${name}" is not valid (letters, digits, "_", "-", "."); it was not registered`,
    );
    return () => {};
  }
  if (typeof provider !== 'function') {
    warnOnce(
      `state-provider-fn:${name}`,
      `state provider "${name}" is not a function; it was not registered`,
    );
    return () => {};
  }
  if (!providers.has(name) && providers.size >= MAX_STATE_PROVIDERS) {
    warnOnce(
      'state-provider-limit',
      `at most ${MAX_STATE_PROVIDERS} state providers can be registered; "${name}" was not`,
    );
    return () => {};
  }
  const entry: StateProviderEntry = { name, fn: provider };
  providers.set(name, entry);
  return () => {
    if (providers.get(name) === entry) providers.delete(name);
  };
}

// Process metrics are sampled at most every SAMPLE_MS: a snapshot per request must stay cheap.
const SAMPLE_MS = 100;
let sampledAt = Number.NEGATIVE_INFINITY;
let lastElu: { idle: number; active: number } | undefined;
let elu = 0;
let heapMb = 0;

type EluFn = (
  a?: { idle: number; active: number },
  b?: { idle: number; active: number },
) => {
  idle: number;
  active: number;
  utilization: number;
};

function sampleProcess(now: number): void {
  if (now - sampledAt < SAMPLE_MS) return;
  sampledAt = now;
  const perf = globalThis.performance as unknown as { eventLoopUtilization?: EluFn } | undefined;
  if (typeof perf?.eventLoopUtilization === 'function') {
    try {
      const current = perf.eventLoopUtilization();
      if (lastElu !== undefined)
        elu = Math.round(perf.eventLoopUtilization(current, lastElu).utilization * 1000) / 1000;
      lastElu = current;
    } catch {
      // not available on this runtime
    }
  }
  const proc = (globalThis as { process?: { memoryUsage?: () => { heapUsed: number } } }).process;
  if (typeof proc?.memoryUsage === 'function') {
    try {
      heapMb = Math.round(proc.memoryUsage().heapUsed / 104857.6) / 10;
    } catch {
      // not available on this runtime
    }
  }
}

const INFLIGHT = ATTR_RL_STATE_INFLIGHT_ACTIONS.slice(ATTR_RL_STATE_PREFIX.length);
const ELU = ATTR_RL_STATE_EVENT_LOOP_UTILIZATION.slice(ATTR_RL_STATE_PREFIX.length);
const HEAP = ATTR_RL_STATE_HEAP_USED_MB.slice(ATTR_RL_STATE_PREFIX.length);

// Without app state, the snapshot (and so its hash) only changes when one of its three numbers does.
let lastInflight = -1;
let hashedElu = -1;
let lastHeap = -1;
let lastHash = '';

/** The state attributes of a step starting now: process state, app state, and the hash of both. */
export function snapshotState(): Attributes {
  const state = shared();
  sampleProcess(performance.now());
  const inflight = state.inflightSteps;
  if (state.stateProviders.size === 0) {
    if (inflight !== lastInflight || elu !== hashedElu || heapMb !== lastHeap) {
      lastHash = hashState({ [INFLIGHT]: inflight, [ELU]: elu, [HEAP]: heapMb });
      lastInflight = inflight;
      hashedElu = elu;
      lastHeap = heapMb;
    }
    return {
      [ATTR_RL_STATE_INFLIGHT_ACTIONS]: inflight,
      [ATTR_RL_STATE_EVENT_LOOP_UTILIZATION]: elu,
      [ATTR_RL_STATE_HEAP_USED_MB]: heapMb,
      [ATTR_RL_STATE_HASH]: lastHash,
    };
  }
  const flat: Record<string, StateValue> = { [INFLIGHT]: inflight, [ELU]: elu, [HEAP]: heapMb };
  addAppState(flat, state.stateProviders);
  const attributes: Attributes = {};
  for (const key in flat) attributes[ATTR_RL_STATE_PREFIX + key] = flat[key];
  attributes[ATTR_RL_STATE_HASH] = hashState(flat);
  return attributes;
}

const APP = ATTR_RL_STATE_APP_PREFIX.slice(ATTR_RL_STATE_PREFIX.length);

function addAppState(flat: Record<string, StateValue>, providers: Map<string, StateProviderEntry>): void {
  let keys = 0;
  let chars = 0;
  const add = (key: string, value: unknown): void => {
    let v: StateValue;
    if (typeof value === 'string')
      v = value.length > MAX_STATE_STRING ? value.slice(0, MAX_STATE_STRING) : value;
    else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return;
      v = value;
    } else if (typeof value === 'boolean') v = value;
    else return;
    const size = typeof v === 'string' ? v.length : String(v).length;
    if (keys >= MAX_APP_STATE_KEYS || chars + size > MAX_APP_STATE_CHARS) {
      warnOnce(
        'state-bounds',
        `application state was cut to ${MAX_APP_STATE_KEYS} keys and ${MAX_APP_STATE_CHARS} characters per snapshot; "${key}" and later values were left out`,
      );
      return;
    }
    keys++;
    chars += size;
    flat[APP + key] = v;
  };
  for (const entry of providers.values()) {
    const value = safeRun(`state:${entry.name}`, `state provider "${entry.name}"`, entry.fn, undefined);
    if (value === null || value === undefined) continue;
    if (typeof value === 'object') {
      for (const key of Object.keys(value))
        add(`${entry.name}.${key}`, (value as Record<string, unknown>)[key]);
    } else add(entry.name, value);
  }
}
