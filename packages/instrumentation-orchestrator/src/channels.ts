/**
 * The subscriber side of the hook API: `rl-otel:*` tracing channels become
 * spans. A span's context is entered at `start` (`context.attach`) and left
 * at `end`, so that everything `fn` starts — HTTP calls, queries, file
 * writes, nested steps — runs inside it; the span itself ends when `fn`'s
 * promise settles (`asyncEnd`), or at `end` for `traceSync`.
 */
import { type ContextManagementToken, context } from '@opentelemetry/api';
import { currentEpisode, recordReward, setEpisodeOutcome, warnOnce } from '@rl-otel/core';
import { isFiniteNumber } from '@rl-otel/semantic-conventions';
import { CHANNELS, type ModelCallMessage, type OutcomeMessage, type RewardMessage } from './hooks.ts';
import {
  finish,
  recordModelResult,
  type Started,
  startModelCall,
  startStep,
  startTool,
  startWorkflow,
  type Tracing,
  type Workflow,
} from './spans.ts';
import { readModelResult } from './utils.ts';

type Kind = 'episode' | 'step' | 'tool' | 'model';
type Message = Record<string, unknown> & { error?: unknown; result?: unknown };

interface Running {
  token: ContextManagementToken | undefined;
  done(error: unknown, message: Message): void;
}

const running = new WeakMap<object, Running>();

export function subscribeChannels(
  subscribe: (name: string, onMessage: (message: Message) => void) => void,
  t: Tracing,
): void {
  for (const kind of ['episode', 'step', 'tool', 'model'] as const) {
    const name = CHANNELS[kind];
    subscribe(`tracing:${name}:start`, (m) => onStart(t, kind, m));
    subscribe(`tracing:${name}:end`, onEnd);
    subscribe(`tracing:${name}:asyncEnd`, (m) => settle(m));
  }
  subscribe(CHANNELS.outcome, (m) => onOutcome(t, m as OutcomeMessage));
  subscribe(CHANNELS.reward, (m) => onReward(m as unknown as RewardMessage));
}

function onStart(t: Tracing, kind: Kind, m: Message): void {
  if (m === null || typeof m !== 'object') {
    warnOnce(
      `hooks:${kind}:message`,
      `a ${CHANNELS[kind]} event carried no message object; it was not traced`,
    );
    return;
  }
  const started = startFor(t, kind, m);
  if (started === undefined) return;
  let token: ContextManagementToken | undefined;
  try {
    token = context.attach(started.context);
  } catch {
    token = undefined;
  }
  running.set(m, {
    token,
    done: (error, message) => {
      if (kind === 'model')
        recordModelResult(
          t,
          started.span,
          String(m.model),
          readModelResult(message, message.result),
          message.completion,
        );
      if ('end' in started) (started as Workflow).end(error);
      else finish(t, started, error);
    },
  });
}

function startFor(t: Tracing, kind: Kind, m: Message): Started | undefined {
  const parent = context.active();
  const attributes = typeof m.attributes === 'object' && m.attributes !== null ? m.attributes : undefined;
  switch (kind) {
    case 'episode':
      return startWorkflow(
        t,
        text(m.name) ?? 'episode',
        {
          id: text(m.id),
          rolloutId: text(m.rolloutId),
          attemptId: text(m.attemptId),
          attributes: attributes as never,
          always: true,
          source: 'hooks',
          data: m,
        },
        parent,
      );
    case 'step': {
      const name = text(m.name);
      if (name === undefined) return invalid('step', 'a step needs a name (a non-empty string)');
      if (currentEpisode(parent) === undefined)
        return invalid(
          'step-outside-episode',
          `step "${name}" ran outside any episode; it was not recorded (run it inside runEpisode, withEpisode or an orchestrator run)`,
        );
      return startStep(t, name, text(m.agent), parent, 'hooks', m, attributes as never);
    }
    case 'tool': {
      const name = text(m.name);
      if (name === undefined) return invalid('tool', 'a tool call needs a name (a non-empty string)');
      return startTool(t, name, text(m.callId), parent, 'hooks', m, attributes as never);
    }
    case 'model': {
      const model = text(m.model);
      if (model === undefined) return invalid('model', 'a model call needs a model (a non-empty string)');
      const call = m as unknown as ModelCallMessage;
      return startModelCall(
        t,
        model,
        text(call.provider),
        call.messages,
        parent,
        'hooks',
        m,
        attributes as never,
      );
    }
  }
}

function invalid(key: string, message: string): undefined {
  warnOnce(`hooks:${key}`, `${message}; the app goes on`);
  return undefined;
}

function onEnd(m: Message): void {
  const state = running.get(m);
  if (state === undefined) return;
  state.token?.dispose();
  state.token = undefined;
  // traceSync (and a throw before the promise) sets result or error before `end`; tracePromise settles later.
  if ('error' in m || 'result' in m) settle(m);
}

function settle(m: Message): void {
  const state = running.get(m);
  if (state === undefined) return;
  running.delete(m);
  state.done('error' in m ? m.error : undefined, m);
}

function onOutcome(t: Tracing, m: OutcomeMessage): void {
  if (m === null || typeof m !== 'object') return;
  if (m.reward !== undefined && !isFiniteNumber(m.reward)) {
    warnOnce(
      'hooks:outcome-reward',
      `episodeDone was given the reward ${String(m.reward)}, not a finite number; the outcome was not recorded`,
    );
    return;
  }
  const outcome = { success: m.success, reason: text(m.reason), reward: m.reward };
  if (m.episodeId !== undefined) {
    const episode = t.running.get(String(m.episodeId));
    if (episode === undefined) {
      warnOnce(
        `hooks:unknown-episode:${String(m.episodeId)}`,
        `episodeDone named episode "${String(m.episodeId)}", which is not running here; nothing was recorded`,
      );
      return;
    }
    episode.setOutcome(clean(outcome));
    return;
  }
  setEpisodeOutcome(clean(outcome));
}

function onReward(m: RewardMessage): void {
  if (m === null || typeof m !== 'object') return;
  if (!isFiniteNumber(m.value)) {
    warnOnce(
      'hooks:reward-not-finite',
      `reward() needs a finite number, got ${String(m.value)}; nothing was recorded`,
    );
    return;
  }
  const where = currentEpisode();
  if (where === undefined) {
    warnOnce('hooks:reward-outside-episode', 'reward() was called outside any episode; nothing was recorded');
    return;
  }
  // Inside a step: that step's explicit reward. Between steps: the episode's reward.
  if (where.step !== undefined) recordReward({ value: m.value, name: text(m.name), source: text(m.source) });
  else setEpisodeOutcome({ reward: m.value });
}

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function clean<T extends object>(o: T): T {
  const out = {} as T;
  for (const key in o) if (o[key] !== undefined) out[key] = o[key];
  return out;
}
