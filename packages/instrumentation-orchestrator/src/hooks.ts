/**
 * `@rl-otel/instrumentation-orchestrator/hooks`: the hook API an orchestrator
 * calls. It depends on nothing but `node:diagnostics_channel`: each call
 * publishes on a tracing channel named `rl-otel:…`, and does nothing else when
 * no one listens (the function runs straight through). The plugin subscribes
 * and turns the events into spans, steps and rewards.
 *
 * An orchestrator that does not want even this file can publish the same
 * messages itself: `tracingChannel('rl-otel:step').tracePromise(fn, { name })`.
 */
import * as diagnosticsChannel from 'node:diagnostics_channel';

/** Channel names. The first four are tracing channels, the last two plain channels. */
export const CHANNELS = {
  /** One trajectory: `tracePromise(fn, EpisodeMessage)`. */
  episode: 'rl-otel:episode',
  /** One decision of an agent within the episode: `tracePromise(fn, StepMessage)`. */
  step: 'rl-otel:step',
  /** One tool call: `tracePromise(fn, ToolMessage)`. */
  tool: 'rl-otel:tool',
  /** One model call: `tracePromise(fn, ModelCallMessage)`; usage goes on the message or in the result. */
  model: 'rl-otel:model',
  /** How the current episode ends: `publish(OutcomeMessage)`. */
  outcome: 'rl-otel:outcome',
  /** An explicit reward for the current step (or, after it ended, the episode's latest step): `publish(RewardMessage)`. */
  reward: 'rl-otel:reward',
} as const;

export type Scalar = string | number | boolean;

export interface EpisodeMessage {
  /** Episode id; a random one when absent. */
  id?: string;
  /** Workflow name: the span is `invoke_workflow <name>`. */
  name?: string;
  /** Agent Lightning rollout and attempt of this episode (else `AGENT_LIGHTNING_ROLLOUT_ID` / `_ATTEMPT_ID`). */
  rolloutId?: string;
  attemptId?: string;
  attributes?: Record<string, Scalar>;
}

export interface StepMessage {
  /** The decision, low-cardinality: `plan`, `write_code`, `review`. */
  name: string;
  /** The agent that decides (`gen_ai.agent.name`); default the step name. */
  agent?: string;
  attributes?: Record<string, Scalar>;
}

export interface ToolMessage {
  /** Tool name (`gen_ai.tool.name`). */
  name: string;
  /** Tool call id (`gen_ai.tool.call.id`). */
  callId?: string;
  attributes?: Record<string, Scalar>;
}

export interface ChatMessage {
  role: string;
  content: unknown;
}

export interface TokenUsage {
  inputTokens?: number;
  outputTokens?: number;
}

export interface ModelCallMessage {
  /** Requested model (`gen_ai.request.model`). */
  model: string;
  /** Provider (`gen_ai.provider.name`), e.g. `openai`. */
  provider?: string;
  /** Prompt messages; recorded only when content capture is on. */
  messages?: ChatMessage[];
  attributes?: Record<string, Scalar>;
  // Set these while the call runs (or return an OpenAI-shaped result with `id`, `model`, `usage`):
  responseId?: string;
  responseModel?: string;
  usage?: TokenUsage;
  finishReasons?: string[];
  /** Token ids, when the model server returns them (vLLM `return_token_ids`); Agent Lightning trains on them. */
  promptTokenIds?: number[];
  responseTokenIds?: number[];
  /** Response messages; recorded only when content capture is on. */
  completion?: ChatMessage[];
}

export interface OutcomeMessage {
  /** `false` means reason `failure`. */
  success?: boolean;
  /** `success`, `failure`, `timeout`, … */
  reason?: string;
  /** The episode-level reward (its outcome), added to the terminal step. */
  reward?: number;
  /** Episode to mark; default the episode the caller runs in. */
  episodeId?: string;
}

export interface RewardMessage {
  value: number;
  name?: string;
  /** `env` (default), `evaluator`, `human`. */
  source?: string;
}

function trace<M extends object, T>(
  name: string,
  message: M,
  fn: (message: M) => T | PromiseLike<T>,
): Promise<T> {
  const channel = diagnosticsChannel.tracingChannel<unknown, M>(name);
  // tracePromise needs a promise: run fn in an async wrapper so that sync functions work too.
  const run = async (m: M): Promise<T> => fn(m);
  if (!channel.hasSubscribers) return run(message);
  return channel.tracePromise(run, message, undefined, message);
}

/** Runs `fn` as one episode; it ends when `fn` settles (`success`, or `error` if it throws, unless `episodeDone` said otherwise). */
export function runEpisode<T>(
  episode: EpisodeMessage,
  fn: (episode: EpisodeMessage) => T | PromiseLike<T>,
): Promise<T> {
  return trace(CHANNELS.episode, { ...episode }, fn);
}

/** Runs `fn` as one step (one decision) of the current episode. */
export function runStep<T>(step: StepMessage, fn: (step: StepMessage) => T | PromiseLike<T>): Promise<T> {
  return trace(CHANNELS.step, { ...step }, fn);
}

/** Runs `fn` as one tool call. */
export function runTool<T>(tool: ToolMessage, fn: (tool: ToolMessage) => T | PromiseLike<T>): Promise<T> {
  return trace(CHANNELS.tool, { ...tool }, fn);
}

/**
 * Runs `fn` as one model call. Report what the model answered by setting
 * `call.usage`, `call.responseId`, … on the argument, or return an
 * OpenAI-shaped response (`id`, `model`, `usage.prompt_tokens`, …).
 */
export function runModelCall<T>(
  call: ModelCallMessage,
  fn: (call: ModelCallMessage) => T | PromiseLike<T>,
): Promise<T> {
  return trace(CHANNELS.model, { ...call }, fn);
}

/** Marks how the current episode ends: its outcome and episode-level reward. */
export function episodeDone(outcome: OutcomeMessage): void {
  const channel = diagnosticsChannel.channel(CHANNELS.outcome);
  if (channel.hasSubscribers) channel.publish({ ...outcome });
}

/** Gives the current step an explicit reward (several add up). */
export function reward(value: number, options: { name?: string; source?: string } = {}): void {
  const channel = diagnosticsChannel.channel(CHANNELS.reward);
  if (channel.hasSubscribers) channel.publish({ ...options, value } satisfies RewardMessage);
}
