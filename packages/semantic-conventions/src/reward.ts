import type { RewardComponents, RewardWeights } from './types.ts';
import {
  RL_REWARD_COMPONENT_COST_USD,
  RL_REWARD_COMPONENT_EPISODE,
  RL_REWARD_COMPONENT_ERRORS,
  RL_REWARD_COMPONENT_LATENCY_MS,
  RL_REWARD_COMPONENT_SUCCESS,
} from './values.ts';

/**
 * Weights of the default reward: `reward = Σ weight[c] · component[c]` over the
 * components an action has. Components without a weight are recorded but do
 * not count. A success is worth 1, a second of latency costs 0.1, each failed
 * child action 0.1, each US dollar of model cost 1; the episode's outcome is
 * added to its terminal step with weight 1.
 */
export const DEFAULT_REWARD_WEIGHTS: Readonly<RewardWeights> = Object.freeze({
  [RL_REWARD_COMPONENT_SUCCESS]: 1,
  [RL_REWARD_COMPONENT_LATENCY_MS]: -0.0001,
  [RL_REWARD_COMPONENT_ERRORS]: -0.1,
  [RL_REWARD_COMPONENT_COST_USD]: -1,
  [RL_REWARD_COMPONENT_EPISODE]: 1,
});

/** The linear reward of `components` under `weights`, rounded to 9 decimal places. */
export function computeReward(components: RewardComponents, weights: Readonly<RewardWeights>): number {
  let value = 0;
  for (const name in components) {
    const weight = weights[name];
    if (weight !== undefined) value += weight * (components[name] as number);
  }
  return roundReward(value);
}

/** Rounds away binary noise (0.1 + 0.2) so rewards read and compare cleanly. */
export function roundReward(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

const COMPONENT_NAME = /^[a-z][a-z0-9_.]{0,63}$/;

/**
 * Parses reward weights as written in `RL_OTEL_REWARD_WEIGHTS`: either
 * `name=number` pairs separated by commas (`success=1,latency_ms=-0.001`) or a
 * JSON object (`{"success":1}`). The result is merged over the defaults by the
 * caller; a weight of 0 switches a component off.
 */
export function parseRewardWeights(text: string): ParseResult<RewardWeights> {
  const source = text.trim();
  if (source === '') return { ok: false, error: 'it is empty' };
  let entries: Array<[string, unknown]>;
  if (source.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(source);
    } catch {
      return { ok: false, error: 'it starts with "{" but is not valid JSON' };
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return { ok: false, error: 'the JSON is not an object of name: number' };
    }
    entries = Object.entries(parsed);
  } else {
    entries = [];
    for (const pair of source.split(',')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) return { ok: false, error: `"${pair.trim()}" is not of the form name=number` };
      const raw = pair.slice(eq + 1).trim();
      entries.push([pair.slice(0, eq).trim(), raw === '' ? Number.NaN : Number(raw)]);
    }
  }
  const weights: RewardWeights = {};
  for (const [name, value] of entries) {
    if (!COMPONENT_NAME.test(name)) {
      return {
        ok: false,
        error: `"${name}" is not a component name (lowercase letters, digits, "_" and ".")`,
      };
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return { ok: false, error: `the weight of "${name}" is not a finite number` };
    }
    weights[name] = value;
  }
  return { ok: true, value: weights };
}

/** True for numbers that can be a reward: finite, not NaN. */
export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
