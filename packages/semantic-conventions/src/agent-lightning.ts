/**
 * Keys that Agent Lightning (v0.x LightningStore and its default triplet
 * adapter) reads from spans. Kept apart from the OpenTelemetry conventions:
 * they are one trainer's wire format, not a standard.
 */

/** Rollout a span belongs to; the store drops spans without it. Span attributes win over resource ones. */
export const ATTR_AGENTLIGHTNING_ROLLOUT_ID = 'agentlightning.rollout_id' as const;
/** Attempt of the rollout a span belongs to; the store drops spans without it. */
export const ATTR_AGENTLIGHTNING_ATTEMPT_ID = 'agentlightning.attempt_id' as const;
/** Prefix of rewards: `agentlightning.reward.<i>.name` / `.value`, the primary reward at index 0. */
export const ATTR_AGENTLIGHTNING_REWARD_PREFIX = 'agentlightning.reward.' as const;
/** Name of the span that carries rewards, by Agent Lightning's convention. */
export const SPAN_NAME_AGENTLIGHTNING_ANNOTATION = 'agentlightning.annotation' as const;
/** The span name its default triplet adapter takes for a model call (a regex: `openai\.chat\.completion`). */
export const AGENTLIGHTNING_DEFAULT_MODEL_SPAN_NAME = 'openai.chat.completion' as const;
/** Token ids of the prompt (integer array), when the model server returns them. */
export const ATTR_PROMPT_TOKEN_IDS = 'prompt_token_ids' as const;
/** Token ids of the response (integer array), when the model server returns them. */
export const ATTR_RESPONSE_TOKEN_IDS = 'response_token_ids' as const;

/** `agentlightning.reward.<index>.name` */
export function agentLightningRewardNameKey(index: number): string {
  return `${ATTR_AGENTLIGHTNING_REWARD_PREFIX}${index}.name`;
}

/** `agentlightning.reward.<index>.value` */
export function agentLightningRewardValueKey(index: number): string {
  return `${ATTR_AGENTLIGHTNING_REWARD_PREFIX}${index}.value`;
}
