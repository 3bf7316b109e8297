/**
 * Triplet assembly: one pure function from spans to triplet lines, used
 * in-process (the triplet sink) and offline (OTLP files from a Collector), so
 * both paths give the same triplets for the same spans.
 */
import {
  ATTR_RL_ACTION_KIND,
  ATTR_RL_ACTION_NAME,
  ATTR_RL_EPISODE_DONE,
  ATTR_RL_EPISODE_ID,
  ATTR_RL_EPISODE_TERMINAL_SPAN_ID,
  ATTR_RL_REWARD_COMPONENT_PREFIX,
  ATTR_RL_REWARD_SOURCE,
  ATTR_RL_REWARD_TARGET_SPAN_ID,
  ATTR_RL_REWARD_VALUE,
  ATTR_RL_STATE_PREFIX,
  ATTR_RL_STEP_INDEX,
  ATTR_RL_TERMINATION_REASON,
  type AttributeValue,
  type RewardComponents,
  RL_ACTION_KIND_VALUE_REWARD,
  RL_REWARD_SOURCE_VALUE_HEURISTIC,
  roundReward,
  SPAN_NAME_RL_REWARD,
  type StateValue,
  TRIPLET_SCHEMA_V1,
  type Triplet,
} from '@rl-otel/semantic-conventions';

/** The parts of a span that triplets are made of, in a runtime- and format-neutral shape. */
export interface SpanData {
  traceId: string;
  spanId: string;
  name: string;
  /** Start time, milliseconds since the Unix epoch. */
  startTimeMs: number;
  attributes: Readonly<Record<string, AttributeValue | undefined>>;
}

/** An SDK span as `@opentelemetry/sdk-trace` hands it to processors and exporters. */
export interface ReadableSpanLike {
  readonly name: string;
  spanContext(): { traceId: string; spanId: string };
  readonly startTime: readonly [number, number];
  readonly attributes: Readonly<Record<string, unknown>>;
}

export type SpanLike = SpanData | ReadableSpanLike;

export function toSpanData(span: SpanLike): SpanData {
  if ('spanContext' in span && typeof span.spanContext === 'function') {
    const { traceId, spanId } = span.spanContext();
    return {
      traceId,
      spanId,
      name: span.name,
      startTimeMs: span.startTime[0] * 1e3 + span.startTime[1] / 1e6,
      attributes: span.attributes as SpanData['attributes'],
    };
  }
  return span as SpanData;
}

/** How a span takes part in triplets. */
export type TripletRole = 'step' | 'episode' | 'reward' | undefined;

export function tripletRole(attributes: SpanData['attributes'], name: string): TripletRole {
  const kind = attributes[ATTR_RL_ACTION_KIND];
  if (kind !== undefined) return attributes[ATTR_RL_REWARD_VALUE] !== undefined ? 'step' : undefined;
  if (name === SPAN_NAME_RL_REWARD && attributes[ATTR_RL_REWARD_TARGET_SPAN_ID] !== undefined) {
    return attributes[ATTR_RL_EPISODE_ID] !== undefined ? 'reward' : undefined;
  }
  if (attributes[ATTR_RL_EPISODE_DONE] === true && attributes[ATTR_RL_EPISODE_ID] !== undefined)
    return 'episode';
  return undefined;
}

/**
 * Turns spans into triplet lines:
 * - every step action (a span with `rl.action.kind` and `rl.reward.value`) is one triplet;
 * - an episode span (`rl.episode.done`) marks its terminal step, when that step
 *   is in the same batch: `done`, its `termination_reason`, and the episode's
 *   reward added to that step's reward (component `episode`). The terminal step
 *   is the one it names (`rl.episode.terminal.span_id`); for an episode span
 *   that names none, the highest step of its episode in the batch;
 * - an `rl.reward` span (a delayed reward) is a line of kind `reward` for the step it rewards.
 * Spans of no role are ignored. Pure: the same spans give the same triplets anywhere.
 */
export function spansToTriplets(spans: Iterable<SpanLike>): Triplet[] {
  const out: Triplet[] = [];
  let episodes: SpanData[] | undefined;
  for (const input of spans) {
    const span = toSpanData(input);
    const role = tripletRole(span.attributes, span.name);
    if (role === 'step') out.push(stepTriplet(span));
    else if (role === 'reward') out.push(rewardTriplet(span));
    else if (role === 'episode') (episodes ??= []).push(span);
  }
  if (episodes !== undefined) for (const episode of episodes) applyEpisodeEnd(out, episode);
  return out;
}

function stepTriplet(span: SpanData): Triplet {
  const state: Record<string, StateValue> = {};
  const components: RewardComponents = {};
  const attributes: Record<string, AttributeValue> = {};
  const attrs = span.attributes;
  for (const key in attrs) {
    const value = attrs[key];
    if (value === undefined) continue;
    if (key.charCodeAt(0) !== 114 /* r */ || !key.startsWith('rl.')) attributes[key] = value;
    else if (key.startsWith(ATTR_RL_STATE_PREFIX)) {
      if (typeof value !== 'object') state[key.slice(ATTR_RL_STATE_PREFIX.length)] = value;
    } else if (key.startsWith(ATTR_RL_REWARD_COMPONENT_PREFIX)) {
      if (typeof value === 'number') components[key.slice(ATTR_RL_REWARD_COMPONENT_PREFIX.length)] = value;
    }
  }
  const triplet: Triplet = {
    schema: TRIPLET_SCHEMA_V1,
    episode_id: String(attrs[ATTR_RL_EPISODE_ID] ?? span.traceId),
    step: typeof attrs[ATTR_RL_STEP_INDEX] === 'number' ? attrs[ATTR_RL_STEP_INDEX] : 0,
    trace_id: span.traceId,
    span_id: span.spanId,
    time: new Date(span.startTimeMs).toISOString(),
    state,
    action: {
      kind: String(attrs[ATTR_RL_ACTION_KIND]),
      name: String(attrs[ATTR_RL_ACTION_NAME] ?? span.name),
      attributes,
    },
    reward: {
      value: Number(attrs[ATTR_RL_REWARD_VALUE]),
      components,
      source: String(attrs[ATTR_RL_REWARD_SOURCE] ?? RL_REWARD_SOURCE_VALUE_HEURISTIC),
    },
    done: attrs[ATTR_RL_EPISODE_DONE] === true,
  };
  const reason = attrs[ATTR_RL_TERMINATION_REASON];
  if (triplet.done && reason !== undefined) triplet.termination_reason = String(reason);
  return triplet;
}

function rewardTriplet(span: SpanData): Triplet {
  const attrs = span.attributes;
  const value = Number(attrs[ATTR_RL_REWARD_VALUE]);
  return {
    schema: TRIPLET_SCHEMA_V1,
    episode_id: String(attrs[ATTR_RL_EPISODE_ID]),
    step: typeof attrs[ATTR_RL_STEP_INDEX] === 'number' ? attrs[ATTR_RL_STEP_INDEX] : 0,
    trace_id: span.traceId,
    span_id: span.spanId,
    time: new Date(span.startTimeMs).toISOString(),
    state: {},
    action: {
      kind: RL_ACTION_KIND_VALUE_REWARD,
      name: String(attrs[ATTR_RL_ACTION_NAME] ?? SPAN_NAME_RL_REWARD),
      attributes: { [ATTR_RL_REWARD_TARGET_SPAN_ID]: String(attrs[ATTR_RL_REWARD_TARGET_SPAN_ID]) },
    },
    reward: { value, components: { explicit: value }, source: String(attrs[ATTR_RL_REWARD_SOURCE] ?? 'env') },
    done: false,
  };
}

function applyEpisodeEnd(triplets: Triplet[], episode: SpanData): void {
  const id = String(episode.attributes[ATTR_RL_EPISODE_ID]);
  const terminal = episode.attributes[ATTR_RL_EPISODE_TERMINAL_SPAN_ID];
  let last: Triplet | undefined;
  for (const t of triplets) {
    if (t.episode_id !== id || t.action.kind === RL_ACTION_KIND_VALUE_REWARD) continue;
    if (terminal !== undefined) {
      if (t.span_id === terminal) last = t;
    } else if (last === undefined || t.step >= last.step) last = t;
  }
  if (last === undefined) return;
  last.done = true;
  const reason = episode.attributes[ATTR_RL_TERMINATION_REASON];
  if (reason !== undefined) last.termination_reason = String(reason);
  const value = episode.attributes[ATTR_RL_REWARD_VALUE];
  if (typeof value === 'number') {
    for (const key in episode.attributes) {
      const component = episode.attributes[key];
      if (key.startsWith(ATTR_RL_REWARD_COMPONENT_PREFIX) && typeof component === 'number') {
        const name = key.slice(ATTR_RL_REWARD_COMPONENT_PREFIX.length);
        last.reward.components[name] = (last.reward.components[name] ?? 0) + component;
      }
    }
    last.reward.value = roundReward(last.reward.value + value);
  }
}
