/**
 * Rewards: the default linear reward (weights from `RL_OTEL_REWARD_WEIGHTS` or
 * code), an optional reward function, and explicit rewards (`recordReward`).
 */
import { ROOT_CONTEXT, type Span, type SpanContext, TraceFlags, trace } from '@opentelemetry/api';
import {
  ATTR_RL_ACTION_NAME,
  ATTR_RL_EPISODE_ID,
  ATTR_RL_REWARD_NAME,
  ATTR_RL_REWARD_SOURCE,
  ATTR_RL_REWARD_TARGET_SPAN_ID,
  ATTR_RL_REWARD_VALUE,
  ATTR_RL_STEP_INDEX,
  computeReward,
  DEFAULT_REWARD_WEIGHTS,
  isFiniteNumber,
  parseRewardWeights,
  type RewardComponents,
  type RewardWeights,
  RL_REWARD_SOURCE_VALUE_ENV,
  roundReward,
  SPAN_NAME_RL_REWARD,
} from '@rl-otel/semantic-conventions';
import { tracer } from './context.ts';
import { describeError, warnOnce } from './diag.ts';
import { recordOf, shared } from './shared.ts';
import type { RewardContext, RewardFunction, RewardInput } from './types.ts';

/** Sets the weights of the default reward. By default they are merged over the built-in ones. */
export function setRewardWeights(weights: RewardWeights, options: { merge?: boolean } = {}): void {
  const clean: RewardWeights = {};
  for (const [name, value] of Object.entries(weights)) {
    if (isFiniteNumber(value)) clean[name] = value;
    else warnOnce(`weight:${name}`, `the reward weight of "${name}" is not a finite number; it was ignored`);
  }
  shared().weights = Object.freeze(options.merge === false ? clean : { ...DEFAULT_REWARD_WEIGHTS, ...clean });
}

/** The weights in effect. */
export function getRewardWeights(): Readonly<RewardWeights> {
  return shared().weights;
}

/**
 * Applies weights written as in `RL_OTEL_REWARD_WEIGHTS`. On bad input it warns
 * once, keeps the defaults and returns false.
 */
export function setRewardWeightsFromText(text: string, origin = 'RL_OTEL_REWARD_WEIGHTS'): boolean {
  const parsed = parseRewardWeights(text);
  if (!parsed.ok) {
    warnOnce(
      `weights-text:${origin}`,
      `${origin} is not valid (${parsed.error}); the default reward weights are used. Write it as name=number pairs, e.g. success=1,latency_ms=-0.001`,
    );
    return false;
  }
  setRewardWeights(parsed.value);
  return true;
}

/** Replaces the default linear reward with a function of the components (or restores it with `undefined`). */
export function setRewardFunction(fn: RewardFunction | undefined): void {
  if (fn !== undefined && typeof fn !== 'function') {
    warnOnce('reward-fn-type', 'the reward function is not a function; the default reward is used');
    return;
  }
  shared().rewardFunction = fn;
}

/** Scores components with the reward function if one is set (falling back to the weights if it fails), else with the weights. */
export function scoreComponents(components: RewardComponents, action: RewardContext): number {
  const state = shared();
  const fn = state.rewardFunction;
  if (fn !== undefined) {
    try {
      const value = fn(components, action);
      if (isFiniteNumber(value)) return roundReward(value);
      warnOnce(
        'reward-fn-value',
        `the reward function returned ${String(value)}, not a finite number; the weighted default was used`,
      );
    } catch (error) {
      warnOnce(
        'reward-fn-threw',
        `the reward function threw (${describeError(error)}); the weighted default was used`,
      );
    }
  }
  return computeReward(components, state.weights);
}

export interface RecordRewardOptions {
  /**
   * The action to reward: a live span, or the span context of an action that
   * ended. Default: the action that is active now.
   */
  span?: Span | SpanContext;
}

/**
 * Records an explicit reward. While the action runs it becomes that step's
 * reward (several add up); after it ended, a small `rl.reward` span linked to
 * it carries the reward, and the triplet file gets a `reward` line for the
 * same episode and step. Returns whether the reward was recorded.
 */
export function recordReward(reward: number | RewardInput, options: RecordRewardOptions = {}): boolean {
  const input: RewardInput =
    typeof reward === 'number' ? { value: reward } : (reward ?? { value: Number.NaN });
  if (!isFiniteNumber(input.value)) {
    warnOnce(
      'reward-not-finite',
      `recordReward needs a finite number, got ${String(input.value)}; nothing was recorded`,
    );
    return false;
  }
  const source = input.source ?? RL_REWARD_SOURCE_VALUE_ENV;
  const state = shared();
  const target = options.span ?? trace.getActiveSpan();
  if (target === undefined) {
    warnOnce(
      'reward-no-action',
      'recordReward was called with no active action and no span; nothing was recorded',
    );
    return false;
  }
  const record = 'spanContext' in target ? recordOf(target) : undefined;
  const owner = record?.stepOwner;
  if (owner !== undefined && !owner.ended) {
    const before = owner.explicit?.value ?? 0;
    owner.explicit = {
      value: roundReward(before + input.value),
      source,
      name: input.name ?? owner.explicit?.name,
    };
    return true;
  }
  const spanContext: SpanContext = 'spanContext' in target ? target.spanContext() : target;
  const ended = state.endedSteps.find(owner?.spanId ?? spanContext.spanId);
  if (ended === undefined) {
    warnOnce(
      'reward-unknown-action',
      'recordReward was given an action this process does not know (it ended long ago, or elsewhere); the reward was exported as an rl.reward span but not written as a triplet',
    );
  }
  const targetContext: SpanContext = ended
    ? { traceId: ended.traceId, spanId: ended.spanId, traceFlags: TraceFlags.SAMPLED }
    : spanContext;
  const attributes: Record<string, string | number> = {
    [ATTR_RL_REWARD_VALUE]: input.value,
    [ATTR_RL_REWARD_SOURCE]: source,
    [ATTR_RL_REWARD_TARGET_SPAN_ID]: targetContext.spanId,
  };
  if (input.name !== undefined) attributes[ATTR_RL_REWARD_NAME] = input.name;
  if (ended !== undefined) {
    attributes[ATTR_RL_EPISODE_ID] = ended.episodeId;
    attributes[ATTR_RL_STEP_INDEX] = ended.step;
    attributes[ATTR_RL_ACTION_NAME] = ended.name;
  }
  tracer()
    .startSpan(
      SPAN_NAME_RL_REWARD,
      { attributes, links: [{ context: targetContext }] },
      trace.setSpanContext(ROOT_CONTEXT, targetContext),
    )
    .end();
  return true;
}
