/**
 * The RL span processor: it gives every span of an episode its episode and
 * step, snapshots the state when a step begins, folds child actions (queries,
 * file writes, model calls) into the action that caused them, and scores the
 * step when it ends. Add it before the exporting processors so that they
 * export the `rl.*` attributes it writes.
 */
import { type Context, propagation, SpanStatusCode, trace } from '@opentelemetry/api';
import {
  ATTR_RL_ACTION_KIND,
  ATTR_RL_ACTION_NAME,
  ATTR_RL_EPISODE_DONE,
  ATTR_RL_EPISODE_ID,
  ATTR_RL_EPISODE_REWARD,
  ATTR_RL_EPISODE_TERMINAL_SPAN_ID,
  ATTR_RL_REWARD_COMPONENT_PREFIX,
  ATTR_RL_REWARD_NAME,
  ATTR_RL_REWARD_SOURCE,
  ATTR_RL_REWARD_VALUE,
  ATTR_RL_STEP_INDEX,
  ATTR_RL_TERMINATION_REASON,
  BAGGAGE_RL_EPISODE_ID,
  isFiniteNumber,
  type RewardComponents,
  RL_REWARD_COMPONENT_EPISODE,
  RL_REWARD_COMPONENT_ERRORS,
  RL_REWARD_COMPONENT_EXPLICIT,
  RL_REWARD_COMPONENT_LATENCY_MS,
  RL_REWARD_COMPONENT_SUCCESS,
  RL_REWARD_SOURCE_VALUE_ENV,
  RL_REWARD_SOURCE_VALUE_HEURISTIC,
  RL_TERMINATION_REASON_VALUE_SINGLE_STEP,
  roundReward,
} from '@rl-otel/semantic-conventions';
import { TripletAssembler } from './assembler.ts';
import { EPISODE_SCOPE_KEY, type EpisodeScope } from './context.ts';
import { describeError, warnOnce } from './diag.ts';
import { episodeFor, traceEpisode } from './episodes.ts';
import type { EpisodeState, SpanRecord } from './internal-types.ts';
import { scoreComponents } from './reward.ts';
import { recordOf, setRecord, shared } from './shared.ts';
import { snapshotState } from './state.ts';
import type { ReadableSpanLike } from './triplets.ts';
import type { TripletSink } from './types.ts';

/** The subset of the SDK's span the processor needs (kept structural so that any 2.x/3.x SDK fits). */
export interface ProcessorSpan extends ReadableSpanLike {
  readonly status: { code: number };
  readonly duration: readonly [number, number];
  setAttribute(key: string, value: unknown): unknown;
}

export interface RLSpanProcessorOptions {
  /** Where triplets go; without a sink the processor only writes `rl.*` attributes on spans. */
  sink?: TripletSink;
}

const EPISODE_ID_PATTERN = /^[\w.:@/+=-]{1,128}$/;

export class RLSpanProcessor {
  private readonly assembler: TripletAssembler | undefined;

  constructor(options: RLSpanProcessorOptions = {}) {
    this.assembler = options.sink ? new TripletAssembler(options.sink) : undefined;
  }

  onStart(span: ProcessorSpan, parentContext: Context): void {
    try {
      this.start(span, parentContext);
    } catch (error) {
      warnOnce(
        'processor-start',
        `the RL span processor failed on a span start and skipped it: ${describeError(error)}`,
      );
    }
  }

  onEnding(span: ProcessorSpan): void {
    try {
      this.ending(span);
    } catch (error) {
      warnOnce(
        'processor-ending',
        `the RL span processor failed on a span end and skipped it: ${describeError(error)}`,
      );
    }
  }

  onEnd(span: ReadableSpanLike): void {
    try {
      this.ended(span);
    } catch (error) {
      warnOnce('processor-end', `the RL span processor failed to write a triplet: ${describeError(error)}`);
    }
  }

  async forceFlush(): Promise<void> {
    await this.assembler?.sink.flush();
  }

  /** Writes pending steps of running episodes (as not done) and everything queued, synchronously. For process exit. */
  flushSync(): void {
    this.assembler?.flushHeld();
    this.assembler?.sink.flushSync?.();
  }

  async shutdown(): Promise<void> {
    this.assembler?.flushHeld();
    await this.assembler?.sink.shutdown();
  }

  private start(span: ProcessorSpan, parentContext: Context): void {
    const state = shared();
    const attrs = span.attributes;
    const kind = attrs[ATTR_RL_ACTION_KIND] as string | undefined;
    const parentSpan = trace.getSpan(parentContext);
    const parent = recordOf(parentSpan);
    const scope = parentContext.getValue(EPISODE_SCOPE_KEY) as EpisodeScope | undefined;
    let episode: EpisodeState;
    let stepOwner: SpanRecord | undefined;
    let isEpisode = false;
    if (scope !== undefined && (parent === undefined || scope.anchor === parentSpan)) {
      episode = scope.episode;
      stepOwner = parent !== undefined && parent.episode === episode ? parent.stepOwner : undefined;
      isEpisode =
        kind === undefined && episode.span === undefined && attrs[ATTR_RL_EPISODE_ID] === episode.id;
    } else if (parent !== undefined) {
      episode = parent.episode;
      stepOwner = parent.stepOwner;
    } else {
      if (kind === undefined) return;
      const entry = propagation.getBaggage(parentContext)?.getEntry(BAGGAGE_RL_EPISODE_ID);
      if (entry !== undefined && EPISODE_ID_PATTERN.test(entry.value))
        episode = episodeFor(entry.value, 'baggage');
      else episode = traceEpisode(span.spanContext().traceId);
    }
    const { traceId, spanId } = span.spanContext();
    const record: SpanRecord = {
      traceId,
      spanId,
      episode,
      step: -1,
      kind,
      stepOwner,
      action: parent?.action,
      parentAction: parent?.action,
      isEpisode,
      components: undefined,
      explicit: undefined,
      failed: false,
      ended: false,
    };
    if (kind !== undefined) {
      record.action = record;
      if (stepOwner === undefined || stepOwner.ended) {
        record.stepOwner = record;
        (record as { step: number }).step = episode.nextStep++;
      } else (record as { step: number }).step = stepOwner.step;
    } else if (stepOwner !== undefined) (record as { step: number }).step = stepOwner.step;
    setRecord(span, record);
    if (!isEpisode) span.setAttribute(ATTR_RL_EPISODE_ID, episode.id);
    if (record.step >= 0) span.setAttribute(ATTR_RL_STEP_INDEX, record.step);
    if (record.stepOwner === record) {
      const snapshot = snapshotState();
      for (const key in snapshot) span.setAttribute(key, snapshot[key]);
      state.inflightSteps++;
    }
  }

  private ending(span: ProcessorSpan): void {
    const state = shared();
    const record = recordOf(span);
    if (record === undefined || record.ended) return;
    record.ended = true;
    if (record.isEpisode) {
      // Name the step that this end makes terminal (the one the triplet assembler holds).
      const last = record.episode.lastStep;
      record.episode.lastStep = undefined;
      if (last !== undefined) span.setAttribute(ATTR_RL_EPISODE_TERMINAL_SPAN_ID, last.spanId);
      this.scoreEpisode(span, record);
      return;
    }
    if (record.kind === undefined) return;
    const failed = span.status.code === SpanStatusCode.ERROR;
    const ms = span.duration[0] * 1e3 + span.duration[1] / 1e6;
    if (record.stepOwner === record) {
      state.inflightSteps--;
      const components: RewardComponents = {
        [RL_REWARD_COMPONENT_SUCCESS]: failed || record.failed ? 0 : 1,
        [RL_REWARD_COMPONENT_LATENCY_MS]: round3(ms),
      };
      if (record.components !== undefined) {
        for (const name in record.components)
          components[name] = roundComponent(name, record.components[name] as number);
      }
      let value: number;
      let source: string;
      if (record.explicit !== undefined) {
        components[RL_REWARD_COMPONENT_EXPLICIT] = record.explicit.value;
        value = record.explicit.value;
        source = record.explicit.source;
        if (record.explicit.name !== undefined) span.setAttribute(ATTR_RL_REWARD_NAME, record.explicit.name);
      } else {
        value = scoreComponents(components, {
          kind: record.kind,
          name: String(span.attributes[ATTR_RL_ACTION_NAME] ?? span.name),
          episodeId: record.episode.id,
          step: record.step,
          attributes: span.attributes as Record<string, never>,
        });
        source = RL_REWARD_SOURCE_VALUE_HEURISTIC;
      }
      for (const name in components)
        span.setAttribute(ATTR_RL_REWARD_COMPONENT_PREFIX + name, components[name]);
      span.setAttribute(ATTR_RL_REWARD_VALUE, value);
      span.setAttribute(ATTR_RL_REWARD_SOURCE, source);
      if (record.episode.origin === 'trace') {
        span.setAttribute(ATTR_RL_EPISODE_DONE, true);
        span.setAttribute(ATTR_RL_TERMINATION_REASON, RL_TERMINATION_REASON_VALUE_SINGLE_STEP);
      }
    }
    const target = record.parentAction;
    if (target !== undefined && !target.ended) {
      const into = (target.components ??= {});
      const keys = foldKeys(record.kind);
      into[keys.calls] = (into[keys.calls] ?? 0) + 1;
      into[keys.time] = (into[keys.time] ?? 0) + ms;
      if (failed) into[RL_REWARD_COMPONENT_ERRORS] = (into[RL_REWARD_COMPONENT_ERRORS] ?? 0) + 1;
      if (record.components !== undefined) {
        for (const name in record.components)
          into[name] = (into[name] ?? 0) + (record.components[name] as number);
      }
    }
  }

  private scoreEpisode(span: ProcessorSpan, record: SpanRecord): void {
    const reward = span.attributes[ATTR_RL_EPISODE_REWARD];
    if (!isFiniteNumber(reward)) return;
    const components = { [RL_REWARD_COMPONENT_EPISODE]: reward };
    const value = scoreComponents(components, {
      kind: 'episode',
      name: span.name,
      episodeId: record.episode.id,
      step: record.episode.nextStep - 1,
      attributes: span.attributes as Record<string, never>,
    });
    span.setAttribute(ATTR_RL_REWARD_COMPONENT_PREFIX + RL_REWARD_COMPONENT_EPISODE, reward);
    span.setAttribute(ATTR_RL_REWARD_VALUE, value);
    span.setAttribute(ATTR_RL_REWARD_SOURCE, RL_REWARD_SOURCE_VALUE_ENV);
  }

  private ended(span: ReadableSpanLike): void {
    const state = shared();
    const record = recordOf(span);
    if (record === undefined) {
      this.assembler?.other(span);
      return;
    }
    if (record.stepOwner === record) {
      state.endedSteps.add({
        traceId: record.traceId,
        spanId: record.spanId,
        episodeId: record.episode.id,
        step: record.step,
        kind: record.kind as string,
        name: String(span.attributes[ATTR_RL_ACTION_NAME] ?? span.name),
      });
      const episode = record.episode;
      if (
        episode.origin === 'explicit' &&
        !episode.ended &&
        !(episode.lastStep !== undefined && episode.lastStep.step > record.step)
      ) {
        episode.lastStep = { spanId: record.spanId, step: record.step };
      }
      this.assembler?.step(span, episode);
    } else if (record.isEpisode) {
      this.assembler?.episode(span, record.episode);
    }
  }
}

/**
 * Adds to a reward component of the action that `span` is or belongs to; the
 * amount also folds into that action's parents. For plugins: bytes written,
 * tokens, cost.
 */
export function addRewardComponent(span: object | undefined, name: string, amount: number): void {
  if (span === undefined || !Number.isFinite(amount)) return;
  const action = recordOf(span)?.action;
  if (action === undefined || action.ended) return;
  const into = (action.components ??= {});
  into[name] = (into[name] ?? 0) + amount;
}

/**
 * Marks the step that `span` belongs to as failed: its triplet gets `success`
 * 0 even if the step's own span ends without error. For plugins whose option
 * says that a child action's failure (a query whose error the app handled)
 * still fails the step that caused it. Without that, a failed child only
 * counts in the step's `errors` component.
 */
export function failStep(span: object | undefined): void {
  if (span === undefined) return;
  const owner = recordOf(span)?.stepOwner;
  if (owner !== undefined && !owner.ended) owner.failed = true;
}

// Component names a child action folds into: computed once per kind, not per query.
const FOLD_KEYS = new Map<string, { calls: string; time: string }>();

function foldKeys(kind: string): { calls: string; time: string } {
  let keys = FOLD_KEYS.get(kind);
  if (keys === undefined) {
    const prefix = kind.includes('.') ? kind.replaceAll('.', '_') : kind;
    keys = { calls: `${prefix}_calls`, time: `${prefix}_time_ms` };
    if (FOLD_KEYS.size < 256) FOLD_KEYS.set(kind, keys);
  }
  return keys;
}

/** Times to the microsecond; other components (dollars of model cost, say) keep their small values. */
function roundComponent(name: string, value: number): number {
  return name.endsWith('_ms') ? round3(value) : roundReward(value);
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
