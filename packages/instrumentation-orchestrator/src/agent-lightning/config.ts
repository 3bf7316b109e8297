/**
 * Agent Lightning output settings, from options or the environment that
 * Agent Lightning's runners set (`AGENT_LIGHTNING_ROLLOUT_ID`,
 * `AGENT_LIGHTNING_ATTEMPT_ID`, `AGL_EVENT_URL`, `AGL_KEY`). Pure.
 */
import { AGENTLIGHTNING_DEFAULT_MODEL_SPAN_NAME } from '@rl-otel/semantic-conventions';
import { envFlag } from '../utils.ts';

export interface AgentLightningOptions {
  /**
   * Write the span form (ids on every span, reward annotations, model-call
   * span names). Default: on when a rollout or attempt id is set, or
   * `RL_OTEL_AGENT_LIGHTNING=on`.
   */
  spans?: boolean;
  /** Rollout of spans outside an episode that names its own. @default process.env.AGENT_LIGHTNING_ROLLOUT_ID */
  rolloutId?: string;
  /** Attempt of spans outside an episode that names its own. @default process.env.AGENT_LIGHTNING_ATTEMPT_ID */
  attemptId?: string;
  /**
   * Name given to model-call spans, so that Agent Lightning's default triplet
   * adapter (which matches span names) finds them; `false` keeps the GenAI
   * name `chat <model>`. @default 'openai.chat.completion'
   */
  modelSpanName?: string | false;
  /** Agent Lightning 1.0 event endpoint: rewards are POSTed here. @default process.env.AGL_EVENT_URL */
  eventUrl?: string;
  /** Bearer token of the event endpoint. @default process.env.AGL_KEY */
  eventKey?: string;
}

export interface ResolvedAgentLightning {
  spans: boolean;
  rolloutId: string | undefined;
  attemptId: string | undefined;
  modelSpanName: string | undefined;
  eventUrl: string | undefined;
  eventKey: string | undefined;
}

type Env = Record<string, string | undefined>;

const value = (v: string | undefined): string | undefined => {
  const trimmed = v?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
};

/** Options over environment; `problems` gets plain sentences about bad values. */
export function resolveAgentLightning(
  options: AgentLightningOptions,
  env: Env,
  problems: string[] = [],
): ResolvedAgentLightning {
  const rolloutId = options.rolloutId ?? value(env.AGENT_LIGHTNING_ROLLOUT_ID);
  const attemptId = options.attemptId ?? value(env.AGENT_LIGHTNING_ATTEMPT_ID);
  const flagText = value(env.RL_OTEL_AGENT_LIGHTNING);
  const flag = envFlag(flagText);
  if (flagText !== undefined && flag === undefined)
    problems.push(`RL_OTEL_AGENT_LIGHTNING "${flagText}" is not on or off; it was ignored`);
  const spans = options.spans ?? flag ?? (rolloutId !== undefined || attemptId !== undefined);
  let modelSpanName: string | undefined;
  const nameOption = options.modelSpanName ?? value(env.RL_OTEL_AGENT_LIGHTNING_MODEL_SPAN_NAME);
  if (nameOption === false || nameOption === 'keep') modelSpanName = undefined;
  else modelSpanName = nameOption ?? AGENTLIGHTNING_DEFAULT_MODEL_SPAN_NAME;
  let eventUrl = options.eventUrl ?? value(env.AGL_EVENT_URL);
  if (eventUrl !== undefined && !URL.canParse(eventUrl)) {
    problems.push(
      `AGL_EVENT_URL "${eventUrl}" is not a URL; rewards are not sent to Agent Lightning's event API`,
    );
    eventUrl = undefined;
  }
  return {
    spans,
    rolloutId,
    attemptId,
    modelSpanName,
    eventUrl,
    eventKey: options.eventKey ?? value(env.AGL_KEY),
  };
}
