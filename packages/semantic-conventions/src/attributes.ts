/**
 * The `rl.*` attribute keys. Every plugin of this project writes its RL meaning
 * through these constants; none spells a key as a literal.
 */

/** Prefix of every attribute key this project defines. */
export const RL_ATTRIBUTE_PREFIX = 'rl.' as const;

/** One trajectory: an orchestrator run, an explicit `withEpisode`, an inbound `rl.episode.id` baggage entry, else the trace id. */
export const ATTR_RL_EPISODE_ID = 'rl.episode.id' as const;
/** 0-based decision index within the episode. */
export const ATTR_RL_STEP_INDEX = 'rl.step.index' as const;
/** What kind of action a span is (`http`, `db`, `file`, `tool`, `llm`, `step`, …). A span without it is not an action. */
export const ATTR_RL_ACTION_KIND = 'rl.action.kind' as const;
/** Low-cardinality action name: `GET /api/tasks/:id`, `SELECT tasks`, `write reports/*.md`, a tool name. */
export const ATTR_RL_ACTION_NAME = 'rl.action.name' as const;
/** Prefix of the state snapshot taken when a step's action starts. */
export const ATTR_RL_STATE_PREFIX = 'rl.state.' as const;
/** Prefix of application state from registered state providers (inside the state prefix). */
export const ATTR_RL_STATE_APP_PREFIX = 'rl.state.app.' as const;
/** Hash of the canonical state snapshot (hex string). */
export const ATTR_RL_STATE_HASH = 'rl.state.hash' as const;
/** Actions in flight in this process when the step started. */
export const ATTR_RL_STATE_INFLIGHT_ACTIONS = 'rl.state.inflight_actions' as const;
/** Event-loop utilization (0..1) over the last sampling window. */
export const ATTR_RL_STATE_EVENT_LOOP_UTILIZATION = 'rl.state.event_loop_utilization' as const;
/** V8 heap in use, in MiB. */
export const ATTR_RL_STATE_HEAP_USED_MB = 'rl.state.heap_used_mb' as const;
/** Scalar reward of the action. */
export const ATTR_RL_REWARD_VALUE = 'rl.reward.value' as const;
/** Prefix of the reward's components (`rl.reward.component.success`, …). */
export const ATTR_RL_REWARD_COMPONENT_PREFIX = 'rl.reward.component.' as const;
/** Where the reward came from: `heuristic`, `env`, `evaluator`, `human`. */
export const ATTR_RL_REWARD_SOURCE = 'rl.reward.source' as const;
/** Name of an explicit reward (`recordReward({ name })`). */
export const ATTR_RL_REWARD_NAME = 'rl.reward.name' as const;
/** On an `rl.reward` span: span id of the action it rewards (also a span link). */
export const ATTR_RL_REWARD_TARGET_SPAN_ID = 'rl.reward.target.span_id' as const;
/** True on the terminal step of an episode. */
export const ATTR_RL_EPISODE_DONE = 'rl.episode.done' as const;
/** Why the episode ended: `success`, `failure`, `error`, `timeout`, `cancelled`, `truncated`, or an app-defined word. */
export const ATTR_RL_TERMINATION_REASON = 'rl.termination.reason' as const;
/** On an episode span: the episode-level reward (its outcome). */
export const ATTR_RL_EPISODE_REWARD = 'rl.episode.reward' as const;
/** On an episode span: span id of its terminal step (the step whose triplet carries `done`), so that triplets built offline from exported spans need no clock. */
export const ATTR_RL_EPISODE_TERMINAL_SPAN_ID = 'rl.episode.terminal.span_id' as const;

/** Baggage entry that carries the episode across processes (W3C baggage). */
export const BAGGAGE_RL_EPISODE_ID = 'rl.episode.id' as const;

/** Name of the small span that carries a reward for an action that already ended. */
export const SPAN_NAME_RL_REWARD = 'rl.reward' as const;
/** Name prefix of the span that represents a whole episode (`rl.episode <id>`). */
export const SPAN_NAME_RL_EPISODE = 'rl.episode' as const;
