/**
 * The span decisions, shared by the hook channels and the library adapters:
 * episodes (`invoke_workflow`), steps (`invoke_agent`), tool calls
 * (`execute_tool`) and model calls (`chat`), named and attributed after the
 * OpenTelemetry GenAI conventions, with the RL meaning core gives them.
 */
import { type Attributes, type Context, type Span, SpanKind, type Tracer, trace } from '@opentelemetry/api';
import {
  addRewardComponent,
  currentEpisode,
  type Episode,
  type EpisodeOutcome,
  findEpisode,
  startEpisode,
  warnOnce,
} from '@rl-otel/core';
import { recordError } from '@rl-otel/core/instrumentation';
import {
  ATTR_AGENTLIGHTNING_ATTEMPT_ID,
  ATTR_AGENTLIGHTNING_ROLLOUT_ID,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_COMPLETION_PREFIX,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROMPT_PREFIX,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_PROMPT_TOKEN_IDS,
  ATTR_RESPONSE_TOKEN_IDS,
  ATTR_RL_ACTION_KIND,
  ATTR_RL_ACTION_NAME,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
  GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
  GEN_AI_OPERATION_NAME_VALUE_INVOKE_WORKFLOW,
  RL_ACTION_KIND_VALUE_LLM,
  RL_ACTION_KIND_VALUE_STEP,
  RL_ACTION_KIND_VALUE_TOOL,
  RL_REWARD_COMPONENT_COST_USD,
  RL_REWARD_COMPONENT_TOKENS,
  RL_TERMINATION_REASON_VALUE_ERROR,
} from '@rl-otel/semantic-conventions';
import type { OrchestratorSpanInfo } from './types.ts';
import { costUsd, flattenMessages, type ModelResult, type PriceTable, priceOf } from './utils.ts';

/** What the span helpers need from the instrumentation. */
export interface Tracing {
  tracer(): Tracer;
  captureContent(): boolean;
  prices(): PriceTable | undefined;
  hook(name: 'requestHook' | 'responseHook', span: Span, info: OrchestratorSpanInfo): void;
  /** Episodes started here and still running, by id: for `episodeDone({ episodeId })`. */
  readonly running: Map<string, Episode>;
}

export interface Started {
  readonly span: Span;
  /** Context in which the work of this span runs. */
  readonly context: Context;
  readonly info: OrchestratorSpanInfo;
}

export interface Workflow extends Started {
  /** The episode, when this workflow started one. */
  readonly episode: Episode | undefined;
  end(error?: unknown, outcome?: EpisodeOutcome): void;
}

type Source = OrchestratorSpanInfo['source'];

export interface WorkflowOptions {
  id?: string;
  rolloutId?: string;
  attemptId?: string;
  attributes?: Attributes;
  /** Start an episode even inside another one (the hook API's `runEpisode`); adapters only start one outside any episode. */
  always: boolean;
  source: Source;
  data: unknown;
}

/** Errors by which a graph pauses or hands control on, not failures. */
const CONTROL_FLOW_ERRORS = new Set(['GraphInterrupt', 'NodeInterrupt', 'ParentCommand', 'GraphBubbleUp']);

export function isControlFlow(error: unknown): boolean {
  return error instanceof Error && CONTROL_FLOW_ERRORS.has(error.name);
}

/**
 * Whether `ctx` runs inside an episode started in this process (`withEpisode`,
 * `runEpisode`, an adapter run) that has not ended. An HTTP request's one-step
 * episode or an episode carried in baggage does not count: an orchestrator
 * run there is a trajectory of its own.
 */
export function inExplicitEpisode(ctx: Context): boolean {
  const current = currentEpisode(ctx);
  const episode = current === undefined ? undefined : findEpisode(current.id);
  return episode !== undefined && episode.origin === 'explicit' && !episode.ended;
}

/**
 * An orchestrator run: a new episode (its span is `invoke_workflow <name>`)
 * when no explicit episode is running or `always` is set, else a plain
 * `invoke_workflow` span inside the running episode.
 */
export function startWorkflow(t: Tracing, name: string, options: WorkflowOptions, parent: Context): Workflow {
  const info: OrchestratorSpanInfo = { kind: 'episode', source: options.source, data: options.data };
  const attributes: Attributes = {
    ...options.attributes,
    [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_INVOKE_WORKFLOW,
  };
  if (options.rolloutId !== undefined) attributes[ATTR_AGENTLIGHTNING_ROLLOUT_ID] = options.rolloutId;
  if (options.attemptId !== undefined) attributes[ATTR_AGENTLIGHTNING_ATTEMPT_ID] = options.attemptId;
  const spanName = `${GEN_AI_OPERATION_NAME_VALUE_INVOKE_WORKFLOW} ${name}`;
  if (options.always || !inExplicitEpisode(parent)) {
    const episode = startEpisode({ id: options.id, name: spanName, attributes }, parent);
    t.running.set(episode.id, episode);
    t.hook('requestHook', episode.span, info);
    return {
      span: episode.span,
      context: episode.context,
      info,
      episode,
      end(error, outcome) {
        if (t.running.get(episode.id) === episode) t.running.delete(episode.id);
        t.hook('responseHook', episode.span, info);
        if (error !== undefined && !isControlFlow(error)) {
          episode.span.recordException(error instanceof Error ? error : new Error(String(error)));
          episode.end({ ...outcome, reason: RL_TERMINATION_REASON_VALUE_ERROR });
        } else episode.end(outcome);
      },
    };
  }
  const started = start(t, spanName, SpanKind.INTERNAL, attributes, parent, info);
  return { ...started, episode: undefined, end: (error) => finish(t, started, error) };
}

/** One decision of an agent: an action of kind `step`, named after the decision. */
export function startStep(
  t: Tracing,
  name: string,
  agent: string | undefined,
  parent: Context,
  source: Source,
  data: unknown,
  extra?: Attributes,
): Started {
  const agentName = agent ?? name;
  return start(
    t,
    `${GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT} ${agentName}`,
    SpanKind.INTERNAL,
    {
      ...extra,
      [ATTR_RL_ACTION_KIND]: RL_ACTION_KIND_VALUE_STEP,
      [ATTR_RL_ACTION_NAME]: name,
      [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT,
      [ATTR_GEN_AI_AGENT_NAME]: agentName,
    },
    parent,
    { kind: 'step', source, data },
  );
}

export function startTool(
  t: Tracing,
  name: string,
  callId: string | undefined,
  parent: Context,
  source: Source,
  data: unknown,
  extra?: Attributes,
): Started {
  const attributes: Attributes = {
    ...extra,
    [ATTR_RL_ACTION_KIND]: RL_ACTION_KIND_VALUE_TOOL,
    [ATTR_RL_ACTION_NAME]: name,
    [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL,
    [ATTR_GEN_AI_TOOL_NAME]: name,
  };
  if (callId !== undefined) attributes[ATTR_GEN_AI_TOOL_CALL_ID] = callId;
  return start(
    t,
    `${GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL} ${name}`,
    SpanKind.INTERNAL,
    attributes,
    parent,
    {
      kind: 'tool',
      source,
      data,
    },
  );
}

export function startModelCall(
  t: Tracing,
  model: string,
  provider: string | undefined,
  messages: unknown,
  parent: Context,
  source: Source,
  data: unknown,
  extra?: Attributes,
): Started {
  const attributes: Attributes = {
    ...extra,
    [ATTR_RL_ACTION_KIND]: RL_ACTION_KIND_VALUE_LLM,
    [ATTR_RL_ACTION_NAME]: model,
    [ATTR_GEN_AI_OPERATION_NAME]: GEN_AI_OPERATION_NAME_VALUE_CHAT,
    [ATTR_GEN_AI_REQUEST_MODEL]: model,
  };
  if (provider !== undefined) attributes[ATTR_GEN_AI_PROVIDER_NAME] = provider;
  if (t.captureContent()) flattenMessages(ATTR_GEN_AI_PROMPT_PREFIX, messages, attributes as never);
  // CLIENT: a model call leaves the process (GenAI conventions).
  return start(t, `${GEN_AI_OPERATION_NAME_VALUE_CHAT} ${model}`, SpanKind.CLIENT, attributes, parent, {
    kind: 'llm',
    source,
    data,
  });
}

/** Writes what the model answered: response id, usage, token ids, and the `tokens` / `cost_usd` reward components. */
export function recordModelResult(
  t: Tracing,
  span: Span,
  model: string,
  result: ModelResult,
  completion: unknown,
): void {
  if (result.responseId !== undefined) span.setAttribute(ATTR_GEN_AI_RESPONSE_ID, result.responseId);
  if (result.responseModel !== undefined) span.setAttribute(ATTR_GEN_AI_RESPONSE_MODEL, result.responseModel);
  if (result.finishReasons !== undefined)
    span.setAttribute(ATTR_GEN_AI_RESPONSE_FINISH_REASONS, result.finishReasons);
  if (result.promptTokenIds !== undefined) span.setAttribute(ATTR_PROMPT_TOKEN_IDS, result.promptTokenIds);
  if (result.responseTokenIds !== undefined)
    span.setAttribute(ATTR_RESPONSE_TOKEN_IDS, result.responseTokenIds);
  const input = result.inputTokens;
  const output = result.outputTokens;
  if (input !== undefined) span.setAttribute(ATTR_GEN_AI_USAGE_INPUT_TOKENS, input);
  if (output !== undefined) span.setAttribute(ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, output);
  if (t.captureContent()) {
    const attributes: Record<string, string> = {};
    flattenMessages(ATTR_GEN_AI_COMPLETION_PREFIX, completion, attributes);
    span.setAttributes(attributes);
  }
  if (input === undefined && output === undefined) return;
  addRewardComponent(span, RL_REWARD_COMPONENT_TOKENS, (input ?? 0) + (output ?? 0));
  const table = t.prices();
  if (table === undefined) return;
  const priced = result.responseModel ?? model;
  const price = priceOf(table, model) ?? priceOf(table, priced);
  if (price === undefined) {
    warnOnce(
      `price:${model}`,
      `the model price table has no entry for "${model}"; its calls have no cost_usd reward component`,
    );
    return;
  }
  addRewardComponent(span, RL_REWARD_COMPONENT_COST_USD, costUsd(price, input ?? 0, output ?? 0));
}

/** Ends a span: the response hook, the error if any (application errors are recorded, never changed), then end. */
export function finish(t: Tracing, started: Started, error?: unknown): void {
  t.hook('responseHook', started.span, started.info);
  if (error !== undefined && !isControlFlow(error)) recordError(started.span, error);
  started.span.end();
}

function start(
  t: Tracing,
  name: string,
  kind: SpanKind,
  attributes: Attributes,
  parent: Context,
  info: OrchestratorSpanInfo,
): Started {
  const span = t.tracer().startSpan(name, { kind, attributes }, parent);
  t.hook('requestHook', span, info);
  return { span, context: trace.setSpan(parent, span), info };
}
