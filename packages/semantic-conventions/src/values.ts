/** Values of `rl.action.kind`. Plugins may add their own lowercase words; these are the shared ones. */
export const RL_ACTION_KIND_VALUE_HTTP = 'http' as const;
export const RL_ACTION_KIND_VALUE_HTTP_CLIENT = 'http.client' as const;
export const RL_ACTION_KIND_VALUE_DB = 'db' as const;
export const RL_ACTION_KIND_VALUE_FILE = 'file' as const;
export const RL_ACTION_KIND_VALUE_TOOL = 'tool' as const;
export const RL_ACTION_KIND_VALUE_LLM = 'llm' as const;
export const RL_ACTION_KIND_VALUE_STEP = 'step' as const;
/** Kind used in triplet lines written for a delayed reward (an `rl.reward` span). */
export const RL_ACTION_KIND_VALUE_REWARD = 'reward' as const;

/** Values of `rl.reward.source`. */
export const RL_REWARD_SOURCE_VALUE_HEURISTIC = 'heuristic' as const;
export const RL_REWARD_SOURCE_VALUE_ENV = 'env' as const;
export const RL_REWARD_SOURCE_VALUE_EVALUATOR = 'evaluator' as const;
export const RL_REWARD_SOURCE_VALUE_HUMAN = 'human' as const;

export const RL_REWARD_SOURCES = [
  RL_REWARD_SOURCE_VALUE_HEURISTIC,
  RL_REWARD_SOURCE_VALUE_ENV,
  RL_REWARD_SOURCE_VALUE_EVALUATOR,
  RL_REWARD_SOURCE_VALUE_HUMAN,
] as const;

/** Values of `rl.termination.reason` that this project writes itself. */
export const RL_TERMINATION_REASON_VALUE_SUCCESS = 'success' as const;
export const RL_TERMINATION_REASON_VALUE_FAILURE = 'failure' as const;
export const RL_TERMINATION_REASON_VALUE_ERROR = 'error' as const;
/** One-step episode (the trace id was the episode): it ends with its only step. */
export const RL_TERMINATION_REASON_VALUE_SINGLE_STEP = 'single_step' as const;
/** The process stopped, or the episode went idle, before the episode said it was done. */
export const RL_TERMINATION_REASON_VALUE_TRUNCATED = 'truncated' as const;

/** Reward component names this project computes. A component is a number; its weight decides its effect. */
export const RL_REWARD_COMPONENT_SUCCESS = 'success' as const;
export const RL_REWARD_COMPONENT_LATENCY_MS = 'latency_ms' as const;
export const RL_REWARD_COMPONENT_ERRORS = 'errors' as const;
export const RL_REWARD_COMPONENT_COST_USD = 'cost_usd' as const;
export const RL_REWARD_COMPONENT_TOKENS = 'tokens' as const;
export const RL_REWARD_COMPONENT_EXPLICIT = 'explicit' as const;
export const RL_REWARD_COMPONENT_EPISODE = 'episode' as const;
/** Milliseconds an action waited for a pooled database connection (`pool.connect`). */
export const RL_REWARD_COMPONENT_DB_CONNECT_TIME_MS = 'db_connect_time_ms' as const;

/** Version tag of the triplet line format. */
export const TRIPLET_SCHEMA_V1 = 'rl-otel.triplet/v1' as const;
