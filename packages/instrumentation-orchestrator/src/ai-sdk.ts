/**
 * The Vercel AI SDK (`ai` ≥ 7) adapter. Nothing is patched: the SDK reads
 * `globalThis.AI_SDK_TELEMETRY_INTEGRATIONS` on every `generateText` /
 * `streamText` call (its documented `registerTelemetry` writes the same list),
 * so one integration object added there sees every call, whatever copy of
 * `ai` the app loaded and whenever. The integration API is preferred to the
 * SDK's `ai:telemetry` tracing channel because it reports token usage and
 * response ids of streamed calls too, and lets tool and model work run inside
 * our spans (`executeTool`, `executeLanguageModelCall`) through `context.with`.
 *
 * One AI SDK call is an episode unless an explicit one is running (then it joins it);
 * each of its steps (one model call and the tools it asked for) is a step.
 */
import { type Context, context } from '@opentelemetry/api';
import { describeError, warnOnce } from '@rl-otel/core';
import { ATTR_RL_ACTION_NAME } from '@rl-otel/semantic-conventions';
import {
  finish,
  inExplicitEpisode,
  recordModelResult,
  type Started,
  startModelCall,
  startStep,
  startTool,
  startWorkflow,
  type Tracing,
  type Workflow,
} from './spans.ts';
import { tokenIdsFromMetadata } from './utils.ts';

const GLOBAL_KEY = 'AI_SDK_TELEMETRY_INTEGRATIONS';
const TRACED_OPERATIONS = new Set(['ai.generateText', 'ai.streamText']);
/** Most AI SDK calls followed at once; a call that never ends (a stream never read) is forgotten first. */
const MAX_CALLS = 10_000;

interface CallState {
  readonly parent: Context;
  readonly agent: string;
  readonly workflow: Workflow | undefined;
  step: Started | undefined;
  model: { started: Started; modelId: string } | undefined;
  readonly tools: Map<string, Started>;
}

type Event = Record<string, unknown>;
type Execute<T> = { callId?: string; toolCallId?: string; execute: () => PromiseLike<T> };

/** The AI SDK integration: all callbacks synchronous, guarded, and quiet when the instrumentation is off. */
export function createAiSdkIntegration(t: Tracing, isEnabled: () => boolean): object {
  const calls = new Map<string, CallState>();
  const guard =
    (name: string, fn: (e: Event) => void) =>
    (e: Event): void => {
      if (!isEnabled() || e === null || typeof e !== 'object') return;
      try {
        fn(e);
      } catch (error) {
        warnOnce(
          `ai:${name}`,
          `tracing an AI SDK ${name} event failed and was skipped: ${describeError(error)}`,
        );
      }
    };
  const state = (e: Event): CallState | undefined => calls.get(String(e.callId));
  const endAll = (s: CallState, error: unknown) => {
    if (s.model) finish(t, s.model.started, error);
    for (const tool of s.tools.values()) finish(t, tool, error);
    if (s.step) finish(t, s.step, error);
    s.model = undefined;
    s.tools.clear();
    s.step = undefined;
  };
  const close = (e: Event, error: unknown, reason?: string) => {
    const s = state(e);
    if (s === undefined) return;
    calls.delete(String(e.callId));
    endAll(s, error);
    s.workflow?.end(error, reason === undefined ? undefined : { reason });
  };
  const runIn = <T>(ctx: Context | undefined, execute: () => PromiseLike<T>): PromiseLike<T> =>
    ctx === undefined ? execute() : context.with(ctx, execute);

  return {
    onStart: guard('start', (e) => {
      if (!TRACED_OPERATIONS.has(String(e.operationId))) return;
      const parent = context.active();
      const agent =
        typeof e.functionId === 'string' && e.functionId !== '' ? e.functionId : String(e.operationId);
      const workflow = inExplicitEpisode(parent)
        ? undefined
        : startWorkflow(t, agent, { always: false, source: 'ai', data: e }, parent);
      calls.set(String(e.callId), {
        parent,
        agent,
        workflow,
        step: undefined,
        model: undefined,
        tools: new Map(),
      });
      if (calls.size > MAX_CALLS) calls.delete(calls.keys().next().value as string);
    }),
    onStepStart: guard('step', (e) => {
      const s = state(e);
      if (s === undefined) return;
      s.step = startStep(t, s.agent, s.agent, s.workflow?.context ?? s.parent, 'ai', e);
    }),
    onLanguageModelCallStart: guard('model call', (e) => {
      const s = state(e);
      if (s === undefined) return;
      const modelId = String(e.modelId);
      const parent = s.step?.context ?? s.workflow?.context ?? s.parent;
      const started = startModelCall(t, modelId, stringOr(e.provider), e.messages, parent, 'ai', e);
      s.model = { started, modelId };
    }),
    executeLanguageModelCall: <T>(options: Execute<T>): PromiseLike<T> => {
      const s = isEnabled() ? calls.get(String(options.callId)) : undefined;
      return runIn(s?.model?.started.context ?? s?.step?.context, options.execute);
    },
    onLanguageModelCallEnd: guard('model call', (e) => {
      const s = state(e);
      if (s?.model === undefined) return;
      const usage = (e.usage ?? {}) as Record<string, unknown>;
      const { started, modelId } = s.model;
      s.model = undefined;
      recordModelResult(
        t,
        started.span,
        modelId,
        {
          responseId: stringOr(e.responseId),
          inputTokens: count(usage.inputTokens),
          outputTokens: count(usage.outputTokens),
          finishReasons: typeof e.finishReason === 'string' ? [e.finishReason] : undefined,
          ...tokenIdsFromMetadata(e.providerMetadata),
        },
        contentAsMessages(e.content),
      );
      finish(t, started);
    }),
    onToolExecutionStart: guard('tool', (e) => {
      const s = state(e);
      const call = e.toolCall as { toolCallId?: unknown; toolName?: unknown } | undefined;
      if (s === undefined || call === undefined) return;
      const parent = s.step?.context ?? s.workflow?.context ?? s.parent;
      const id = String(call.toolCallId);
      s.tools.set(id, startTool(t, String(call.toolName), id, parent, 'ai', e));
    }),
    executeTool: <T>(options: Execute<T>): PromiseLike<T> => {
      const s = isEnabled() ? calls.get(String(options.callId)) : undefined;
      return runIn(s?.tools.get(String(options.toolCallId))?.context, options.execute);
    },
    onToolExecutionEnd: guard('tool', (e) => {
      const s = state(e);
      const id = String((e.toolCall as { toolCallId?: unknown } | undefined)?.toolCallId);
      const started = s?.tools.get(id);
      if (s === undefined || started === undefined) return;
      s.tools.delete(id);
      const output = e.toolOutput as { type?: unknown; error?: unknown } | undefined;
      finish(
        t,
        started,
        output?.type === 'tool-error' ? (output.error ?? new Error('tool error')) : undefined,
      );
    }),
    onStepEnd: guard('step', (e) => {
      const s = state(e);
      if (s?.step === undefined) return;
      const step = s.step;
      s.step = undefined;
      step.span.setAttribute(ATTR_RL_ACTION_NAME, stepActionName(s.agent, e.toolCalls));
      finish(t, step);
    }),
    onStepError: guard('step', (e) => {
      const s = state(e);
      if (s !== undefined) endAll(s, e.error ?? new Error('step failed'));
    }),
    onEnd: guard('end', (e) => close(e, undefined)),
    onError: guard('error', (e) => close(e, e.error ?? new Error('AI SDK call failed'))),
    onAbort: guard('abort', (e) => close(e, undefined, 'cancelled')),
  };
}

/** The decision a step made, low-cardinality: the tools it called, or `respond`. */
export function stepActionName(agent: string, toolCalls: unknown): string {
  const names = Array.isArray(toolCalls)
    ? [
        ...new Set(
          toolCalls.map((c) => (c as { toolName?: unknown })?.toolName).filter((n) => typeof n === 'string'),
        ),
      ]
    : [];
  return `${agent} ${names.length > 0 ? `call ${names.sort().join(',')}` : 'respond'}`;
}

/** Adds the integration to the AI SDK's global registry; returns the function that removes it. */
export function registerAiSdkIntegration(integration: object): () => void {
  const holder = globalThis as Record<string, unknown>;
  let list = holder[GLOBAL_KEY];
  if (!Array.isArray(list)) {
    if (list !== undefined) {
      warnOnce('ai:registry', `globalThis.${GLOBAL_KEY} is not an array; AI SDK calls are not traced`);
      return () => {};
    }
    holder[GLOBAL_KEY] = list = [];
  }
  (list as object[]).push(integration);
  return () => {
    const current = holder[GLOBAL_KEY];
    if (!Array.isArray(current)) return;
    const at = current.indexOf(integration);
    if (at !== -1) current.splice(at, 1);
  };
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** The assistant text of a model call as one message, for content capture. */
function contentAsMessages(content: unknown): unknown[] | undefined {
  if (!Array.isArray(content)) return undefined;
  const text = content
    .filter((p) => (p as { type?: unknown })?.type === 'text')
    .map((p) => String((p as { text?: unknown }).text ?? ''))
    .join('');
  return [{ role: 'assistant', content: text }];
}
