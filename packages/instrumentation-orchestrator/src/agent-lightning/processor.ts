/**
 * Agent Lightning output as a span processor (add it after the RL processor,
 * before the exporters; the OTLP exporter then sends to `<store>/v1/traces`):
 *
 * - every span gets `agentlightning.rollout_id` / `attempt_id`: its episode's
 *   (an episode span that carries them) or the process's
 *   (`AGENT_LIGHTNING_ROLLOUT_ID` / `_ATTEMPT_ID`). The store drops spans
 *   without them silently, so that is reported once;
 * - model-call spans are renamed to what the store's default triplet adapter
 *   matches (`openai.chat.completion`);
 * - app rewards become `agentlightning.annotation` spans, started once the
 *   model calls they reward have ended: an episode's outcome reward when it
 *   ends, a step's explicit reward when the step ends, a delayed reward
 *   (`rl.reward` span) as it is made. The primary reward is index 0;
 * - with `AGL_EVENT_URL`, the same rewards are also POSTed to the event API.
 */
import { type Context, type HrTime, ROOT_CONTEXT, type SpanContext, trace } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import { describeError, warnOnce } from '@rl-otel/core';
import {
  ATTR_AGENTLIGHTNING_ATTEMPT_ID,
  ATTR_AGENTLIGHTNING_ROLLOUT_ID,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_RL_ACTION_KIND,
  ATTR_RL_EPISODE_DONE,
  ATTR_RL_EPISODE_ID,
  ATTR_RL_EPISODE_REWARD,
  ATTR_RL_REWARD_COMPONENT_PREFIX,
  ATTR_RL_REWARD_NAME,
  ATTR_RL_REWARD_TARGET_SPAN_ID,
  ATTR_RL_REWARD_VALUE,
  agentLightningRewardNameKey,
  agentLightningRewardValueKey,
  GEN_AI_OPERATION_NAME_VALUE_CHAT,
  isFiniteNumber,
  RL_ACTION_KIND_VALUE_LLM,
  RL_REWARD_COMPONENT_EXPLICIT,
  SPAN_NAME_AGENTLIGHTNING_ANNOTATION,
  SPAN_NAME_RL_REWARD,
} from '@rl-otel/semantic-conventions';
import { VERSION } from '../version.ts';
import { type AgentLightningOptions, type ResolvedAgentLightning, resolveAgentLightning } from './config.ts';
import { RewardEventSender } from './events.ts';

/** The parts of an SDK span this processor uses (structural: any 2.x/3.x SDK fits). */
interface WritableSpan {
  readonly name: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  spanContext(): SpanContext;
  setAttribute(key: string, value: unknown): unknown;
  updateName(name: string): unknown;
}

interface EndedSpan {
  readonly name: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly endTime: HrTime;
  spanContext(): SpanContext;
}

interface Reward {
  name: string;
  value: number;
}

interface Held {
  span: EndedSpan;
  rewards: Reward[];
}

interface Ids {
  rollout: string;
  attempt: string;
}

/** Episodes whose ids are remembered (the oldest is forgotten first). */
const MAX_EPISODES = 10_000;
const EXPLICIT_KEY = ATTR_RL_REWARD_COMPONENT_PREFIX + RL_REWARD_COMPONENT_EXPLICIT;

export class AgentLightningSpanProcessor {
  private readonly config: ResolvedAgentLightning;
  private readonly events: RewardEventSender | undefined;
  private readonly episodeIds = new Map<string, Ids>();
  /** Step rewards waiting for their episode's next model call or end, by episode id. */
  private readonly held = new Map<string, Held>();
  /** When the latest model call of each episode with held rewards ended. */
  private readonly lastModelEnd = new Map<string, HrTime>();

  constructor(options: AgentLightningOptions & { resolved?: ResolvedAgentLightning } = {}) {
    const problems: string[] = [];
    this.config = options.resolved ?? resolveAgentLightning(options, process.env, problems);
    for (const problem of problems) warnOnce(`agl-config:${problem}`, problem);
    this.events =
      this.config.eventUrl === undefined
        ? undefined
        : new RewardEventSender(this.config.eventUrl, this.config.eventKey);
  }

  onStart(span: WritableSpan, _parentContext: Context): void {
    if (!this.config.spans) return;
    try {
      this.stamp(span);
    } catch (error) {
      warnOnce('agl-start', `Agent Lightning output failed on a span start: ${describeError(error)}`);
    }
  }

  onEnding(): void {}

  onEnd(span: EndedSpan): void {
    try {
      this.rewards(span);
    } catch (error) {
      warnOnce('agl-end', `Agent Lightning output failed on a span end: ${describeError(error)}`);
    }
  }

  async forceFlush(): Promise<void> {
    this.safely(() => this.releaseAll());
    await this.events?.flush();
  }

  async shutdown(): Promise<void> {
    this.safely(() => this.releaseAll());
    await this.events?.flush();
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      warnOnce('agl-flush', `Agent Lightning output failed to write held rewards: ${describeError(error)}`);
    }
  }

  private stamp(span: WritableSpan): void {
    const attrs = span.attributes;
    const episodeId = attrs[ATTR_RL_EPISODE_ID];
    const own = readIds(attrs);
    let ids: Ids | undefined = own;
    if (typeof episodeId === 'string') {
      // An episode span that names its rollout: every later span of that episode gets it.
      if (own !== undefined) remember(this.episodeIds, episodeId, own);
      else ids = this.episodeIds.get(episodeId);
    }
    if (ids === undefined && this.config.rolloutId !== undefined && this.config.attemptId !== undefined)
      ids = { rollout: this.config.rolloutId, attempt: this.config.attemptId };
    if (ids === undefined) {
      warnOnce(
        'agl-no-ids',
        'Agent Lightning output is on but a span has no rollout and attempt id; the LightningStore drops such spans silently. Set AGENT_LIGHTNING_ROLLOUT_ID and AGENT_LIGHTNING_ATTEMPT_ID, or give the episode rolloutId and attemptId',
      );
    } else if (own === undefined) {
      span.setAttribute(ATTR_AGENTLIGHTNING_ROLLOUT_ID, ids.rollout);
      span.setAttribute(ATTR_AGENTLIGHTNING_ATTEMPT_ID, ids.attempt);
    }
    if (!isModelCall(attrs)) return;
    if (this.config.modelSpanName !== undefined) span.updateName(this.config.modelSpanName);
    // A new model call: the rewards held for the previous one go out now,
    // stamped with the time that call ended, so they attach to it and not to this one.
    if (typeof episodeId === 'string') this.release(episodeId, this.lastModelEnd.get(episodeId));
  }

  private rewards(span: EndedSpan): void {
    if (span.name === SPAN_NAME_AGENTLIGHTNING_ANNOTATION) return;
    const attrs = span.attributes;
    const episodeId = typeof attrs[ATTR_RL_EPISODE_ID] === 'string' ? attrs[ATTR_RL_EPISODE_ID] : undefined;
    if (isModelCall(attrs)) {
      if (episodeId !== undefined) remember(this.lastModelEnd, episodeId, span.endTime);
      return;
    }
    if (attrs[ATTR_RL_EPISODE_DONE] === true && attrs[ATTR_RL_ACTION_KIND] === undefined) {
      const reward = attrs[ATTR_RL_EPISODE_REWARD];
      const rewards: Reward[] = [];
      if (isFiniteNumber(reward)) {
        this.events?.send(reward);
        rewards.push({ name: 'episode', value: reward });
      }
      const held = episodeId === undefined ? undefined : this.take(episodeId);
      const lastModelEnd = episodeId === undefined ? undefined : this.lastModelEnd.get(episodeId);
      if (episodeId !== undefined) this.lastModelEnd.delete(episodeId);
      const at = nowButNotBefore(lastModelEnd);
      if (held !== undefined && rewards.length === 0) this.annotate(held.span, held.rewards, at);
      else if (rewards.length > 0)
        this.annotate(span, held === undefined ? rewards : [...rewards, ...held.rewards], at);
      return;
    }
    if (span.name === SPAN_NAME_RL_REWARD && attrs[ATTR_RL_REWARD_TARGET_SPAN_ID] !== undefined) {
      const value = attrs[ATTR_RL_REWARD_VALUE];
      if (!isFiniteNumber(value)) return;
      this.events?.send(value);
      this.annotate(span, [{ name: nameOf(attrs), value }]);
      return;
    }
    const explicit = attrs[EXPLICIT_KEY];
    if (attrs[ATTR_RL_ACTION_KIND] === undefined || !isFiniteNumber(explicit)) return;
    this.events?.send(explicit);
    const rewards = [{ name: nameOf(attrs), value: explicit }];
    if (episodeId === undefined) {
      this.annotate(span, rewards);
      return;
    }
    // Held until the episode's next model call starts or the episode ends: the
    // model call it rewards then gets one annotation, with the outcome first.
    this.release(episodeId, this.lastModelEnd.get(episodeId));
    this.held.set(episodeId, { span, rewards });
    if (this.held.size > MAX_EPISODES) this.release(this.held.keys().next().value as string);
  }

  private take(episodeId: string): Held | undefined {
    const held = this.held.get(episodeId);
    this.held.delete(episodeId);
    return held;
  }

  private release(episodeId: string, at?: HrTime): void {
    const held = this.take(episodeId);
    if (held !== undefined) this.annotate(held.span, held.rewards, at);
  }

  /** One annotation span, a child of the rewarded span, at `at` (default now): once the model calls it rewards ended. */
  private annotate(rewarded: EndedSpan, rewards: Reward[], at?: HrTime): void {
    if (!this.config.spans) return;
    const attributes: Record<string, string | number> = {};
    rewards.forEach((reward, i) => {
      attributes[agentLightningRewardNameKey(i)] = reward.name;
      attributes[agentLightningRewardValueKey(i)] = reward.value;
    });
    const ids = readIds(rewarded.attributes);
    if (ids !== undefined) {
      attributes[ATTR_AGENTLIGHTNING_ROLLOUT_ID] = ids.rollout;
      attributes[ATTR_AGENTLIGHTNING_ATTEMPT_ID] = ids.attempt;
    }
    // An annotation is a point in time: it ends where it starts.
    trace
      .getTracer('@rl-otel/instrumentation-orchestrator', VERSION)
      .startSpan(
        SPAN_NAME_AGENTLIGHTNING_ANNOTATION,
        { attributes, startTime: at },
        trace.setSpanContext(ROOT_CONTEXT, rewarded.spanContext()),
      )
      .end(at);
  }

  private releaseAll(): void {
    for (const episodeId of [...this.held.keys()]) this.release(episodeId);
  }
}

function isModelCall(attrs: Readonly<Record<string, unknown>>): boolean {
  return (
    attrs[ATTR_GEN_AI_OPERATION_NAME] === GEN_AI_OPERATION_NAME_VALUE_CHAT ||
    attrs[ATTR_RL_ACTION_KIND] === RL_ACTION_KIND_VALUE_LLM
  );
}

function readIds(attrs: Readonly<Record<string, unknown>>): Ids | undefined {
  const rollout = attrs[ATTR_AGENTLIGHTNING_ROLLOUT_ID];
  const attempt = attrs[ATTR_AGENTLIGHTNING_ATTEMPT_ID];
  return typeof rollout === 'string' && typeof attempt === 'string' ? { rollout, attempt } : undefined;
}

function nameOf(attrs: Readonly<Record<string, unknown>>): string {
  const name = attrs[ATTR_RL_REWARD_NAME];
  return typeof name === 'string' && name !== '' ? name : RL_REWARD_COMPONENT_EXPLICIT;
}

/**
 * Now, but not before `end` (the end of the last model call an annotation
 * rewards): the SDK's "now" for a start time is `Date.now()`, to the
 * millisecond, while a span's end is precise, so "now" can read earlier than
 * an end that has already passed. Undefined (the SDK's now) without `end`.
 */
function nowButNotBefore(end: HrTime | undefined): HrTime | undefined {
  if (end === undefined) return undefined;
  const now = millisToHrTime(Date.now());
  return now[0] > end[0] || (now[0] === end[0] && now[1] >= end[1]) ? now : end;
}

function remember<V>(map: Map<string, V>, key: string, ids: V): void {
  map.delete(key);
  map.set(key, ids);
  if (map.size > MAX_EPISODES) map.delete(map.keys().next().value as string);
}

/**
 * The processors `@rl-otel/auto` adds for this plugin: an Agent Lightning
 * processor when its output is asked for (rollout/attempt ids,
 * `RL_OTEL_AGENT_LIGHTNING=on`, or `AGL_EVENT_URL`), else none.
 */
export function agentLightningProcessors(env: Record<string, string | undefined> = process.env): object[] {
  const problems: string[] = [];
  const resolved = resolveAgentLightning({}, env, problems);
  for (const problem of problems) warnOnce(`agl-config:${problem}`, problem);
  if (!resolved.spans && resolved.eventUrl === undefined) return [];
  return [new AgentLightningSpanProcessor({ resolved })];
}
