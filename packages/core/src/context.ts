/**
 * Episode and step context: which trajectory the code that runs now belongs to.
 */
import {
  type Attributes,
  type Context,
  context,
  createContextKey,
  propagation,
  type Span,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import {
  ATTR_RL_ACTION_KIND,
  ATTR_RL_ACTION_NAME,
  ATTR_RL_EPISODE_DONE,
  ATTR_RL_EPISODE_ID,
  ATTR_RL_EPISODE_REWARD,
  ATTR_RL_TERMINATION_REASON,
  BAGGAGE_RL_EPISODE_ID,
  isFiniteNumber,
  RL_ACTION_KIND_VALUE_STEP,
  RL_TERMINATION_REASON_VALUE_ERROR,
  RL_TERMINATION_REASON_VALUE_FAILURE,
  RL_TERMINATION_REASON_VALUE_SUCCESS,
  SPAN_NAME_RL_EPISODE,
} from '@rl-otel/semantic-conventions';
import { warnOnce } from './diag.ts';
import { episodeFor } from './episodes.ts';
import type { EpisodeOutcome, EpisodeState } from './internal-types.ts';
import { recordOf, shared } from './shared.ts';
import { VERSION } from './version.ts';

/** Context entry of an episode scope: the episode, and the span that was active when the scope began. */
export interface EpisodeScope {
  readonly episode: EpisodeState;
  readonly anchor: Span | undefined;
  outcome: EpisodeOutcome | undefined;
}

export const EPISODE_SCOPE_KEY = createContextKey('@rl-otel/core.episode-scope');

/** The tracer of core's own spans (episodes, steps, delayed rewards): from the provider set with `setTracerProvider`, else the global one. */
export function tracer(): Tracer {
  const provider = shared().tracerProvider;
  return provider !== undefined
    ? provider.getTracer('@rl-otel/core', VERSION)
    : trace.getTracer('@rl-otel/core', VERSION);
}

/**
 * Sets the tracer provider of core's own spans. Needed only where the global
 * provider is not the one with the RL processor (on Deno with `OTEL_DENO=true`
 * the global provider is Deno's own).
 */
export function setTracerProvider(provider: TracerProvider | undefined): void {
  shared().tracerProvider = provider;
}

export interface EpisodeOptions {
  /** The episode id; a random one when absent. Reusing an id continues that episode's step count. */
  id?: string;
  /** Name of the episode span (default `rl.episode`). */
  name?: string;
  /** Extra attributes of the episode span. */
  attributes?: Attributes;
  /** Put `rl.episode.id` in W3C baggage so that outgoing calls carry it (default true). */
  propagate?: boolean;
}

export interface Episode {
  readonly id: string;
  /** The episode span (`rl.episode`, or the name given). */
  readonly span: Span;
  /** Context in which work belongs to this episode. */
  readonly context: Context;
  /** Records how the episode ends without ending it yet. */
  setOutcome(outcome: EpisodeOutcome): void;
  /** Ends the episode; its terminal step gets `done` and the outcome. Later calls do nothing. */
  end(outcome?: EpisodeOutcome): void;
}

/** Starts an episode in the active context. Prefer `withEpisode`, which also ends it. */
export function startEpisode(options: EpisodeOptions = {}, parent: Context = context.active()): Episode {
  const id = options.id !== undefined && options.id !== '' ? String(options.id) : randomId();
  const episode = episodeFor(id, 'explicit');
  episode.active++;
  const scope: EpisodeScope = { episode, anchor: trace.getSpan(parent), outcome: undefined };
  let base = parent.setValue(EPISODE_SCOPE_KEY, scope);
  if (options.propagate !== false) {
    const baggage = propagation.getBaggage(base) ?? propagation.createBaggage();
    base = propagation.setBaggage(base, baggage.setEntry(BAGGAGE_RL_EPISODE_ID, { value: id }));
  }
  const span = tracer().startSpan(
    options.name ?? SPAN_NAME_RL_EPISODE,
    { attributes: { ...options.attributes, [ATTR_RL_EPISODE_ID]: id } },
    base,
  );
  episode.span = span;
  const inner: EpisodeScope = { episode, anchor: span, outcome: undefined };
  const ctx = trace.setSpan(base.setValue(EPISODE_SCOPE_KEY, inner), span);
  let ended = false;
  return {
    id,
    span,
    context: ctx,
    setOutcome(outcome) {
      inner.outcome = { ...inner.outcome, ...outcome };
    },
    end(outcome) {
      if (ended) return;
      ended = true;
      episode.active--;
      if (episode.active === 0) episode.ended = true;
      finishEpisodeSpan(span, { ...inner.outcome, ...outcome });
    },
  };
}

function finishEpisodeSpan(span: Span, outcome: EpisodeOutcome): void {
  let reason = outcome.reason;
  if (reason === undefined) {
    reason =
      outcome.success === false ? RL_TERMINATION_REASON_VALUE_FAILURE : RL_TERMINATION_REASON_VALUE_SUCCESS;
  }
  span.setAttribute(ATTR_RL_EPISODE_DONE, true);
  span.setAttribute(ATTR_RL_TERMINATION_REASON, reason);
  if (outcome.reward !== undefined) {
    if (isFiniteNumber(outcome.reward)) span.setAttribute(ATTR_RL_EPISODE_REWARD, outcome.reward);
    else
      warnOnce(
        'episode-reward-not-finite',
        `an episode reward must be a finite number, got ${String(outcome.reward)}; it was not recorded`,
      );
  }
  if (reason === RL_TERMINATION_REASON_VALUE_ERROR) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

/**
 * Runs `fn` as one episode: every action inside (HTTP calls, queries, steps)
 * belongs to it, its steps are numbered 0, 1, 2…, and when `fn` returns or its
 * promise settles the episode ends (reason `success`, or `error` if it threw).
 */
export function withEpisode<T>(
  idOrOptions: string | EpisodeOptions | undefined,
  fn: (episode: Episode) => T,
): T {
  const options = typeof idOrOptions === 'string' ? { id: idOrOptions } : (idOrOptions ?? {});
  const episode = startEpisode(options);
  return runAndSettle(
    episode.context,
    () => fn(episode),
    () => episode.end(),
    (error) => {
      episode.span.recordException(error as Error);
      episode.end({ reason: RL_TERMINATION_REASON_VALUE_ERROR });
    },
  );
}

export interface StepOptions {
  /** `rl.action.kind` of the step span (default `step`). */
  kind?: string;
  /** Extra attributes of the step span. */
  attributes?: Attributes;
}

/**
 * Runs `fn` as one step of the current episode: a span that is an action of
 * kind `step`, numbered next in the episode, whose triplet carries the state
 * when it began and the reward of everything done inside it.
 */
export function withStep<T>(name: string, fn: (span: Span) => T, options: StepOptions = {}): T {
  const span = tracer().startSpan(name, {
    attributes: {
      ...options.attributes,
      [ATTR_RL_ACTION_KIND]: options.kind ?? RL_ACTION_KIND_VALUE_STEP,
      [ATTR_RL_ACTION_NAME]: name,
    },
  });
  return runAndSettle(
    trace.setSpan(context.active(), span),
    () => fn(span),
    () => span.end(),
    (error) => {
      span.recordException(error as Error);
      span.setStatus({
        code: SpanStatusCode.ERROR,
        message: error instanceof Error ? error.message : undefined,
      });
      span.end();
    },
  );
}

/** Runs fn in ctx and calls onDone / onError when it returns, throws, or its promise settles. Errors pass through unchanged. */
function runAndSettle<T>(
  ctx: Context,
  fn: () => T,
  onDone: () => void,
  onError: (error: unknown) => void,
): T {
  let result: T;
  try {
    result = context.with(ctx, fn);
  } catch (error) {
    onError(error);
    throw error;
  }
  if (
    result !== null &&
    typeof result === 'object' &&
    typeof (result as { then?: unknown }).then === 'function'
  ) {
    (result as unknown as PromiseLike<unknown>).then(onDone, onError);
    return result;
  }
  onDone();
  return result;
}

export interface CurrentEpisode {
  readonly id: string;
  /** Step index of the active action, when there is one. */
  readonly step: number | undefined;
}

/** The episode (and step) the code running now belongs to, if any. */
export function currentEpisode(ctx: Context = context.active()): CurrentEpisode | undefined {
  const span = trace.getSpan(ctx);
  const record = recordOf(span);
  const scope = ctx.getValue(EPISODE_SCOPE_KEY) as EpisodeScope | undefined;
  if (record && !(scope && scope.anchor === span && scope.episode !== record.episode)) {
    return { id: record.episode.id, step: record.step >= 0 ? record.step : undefined };
  }
  if (scope) return { id: scope.episode.id, step: undefined };
  const entry = propagation.getBaggage(ctx)?.getEntry(BAGGAGE_RL_EPISODE_ID);
  return entry ? { id: entry.value, step: undefined } : undefined;
}

/** Records how the current episode ends (it ends when its `withEpisode` settles). Warns when there is no episode. */
export function setEpisodeOutcome(outcome: EpisodeOutcome, ctx: Context = context.active()): boolean {
  const scope = ctx.getValue(EPISODE_SCOPE_KEY) as EpisodeScope | undefined;
  if (scope?.episode.span === undefined || scope.episode.ended) {
    warnOnce(
      'outcome-outside-episode',
      'setEpisodeOutcome was called outside a running episode; nothing was recorded',
    );
    return false;
  }
  if (outcome.reward !== undefined && !isFiniteNumber(outcome.reward)) {
    warnOnce(
      'episode-reward-not-finite',
      `an episode reward must be a finite number, got ${String(outcome.reward)}; it was not recorded`,
    );
    return false;
  }
  scope.outcome = { ...scope.outcome, ...outcome };
  return true;
}

function randomId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}
