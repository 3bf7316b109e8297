/**
 * `@rl-otel/test-utils/tracing`: in-process tracing for the unit tests of core
 * and the plugins — a tracer provider with the RL processor, an in-memory span
 * exporter and triplet sink, registered globally with a context manager and
 * the W3C trace-context and baggage propagators, and rl-otel's warnings
 * collected. A subpath of its own, so that the e2e helpers load no SDK.
 *
 * Core's tests use it too, without listing this package (it depends on core:
 * a cycle turbo refuses); it resolves through the workspace's node_modules.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { context, propagation, type Span, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import {
  InMemoryTripletSink,
  RLSpanProcessor,
  resetWarnings,
  setRewardFunction,
  setRewardWeights,
  setWarningHandler,
} from '@rl-otel/core';
import { ATTR_RL_ACTION_KIND, ATTR_RL_ACTION_NAME } from '@rl-otel/semantic-conventions';

export interface TracingOptions {
  /**
   * Span processors of the test's own (e.g. a plugin's), run after the RL
   * processor and before the exporter. Taken by the first call in a process.
   */
  readonly spanProcessors?: readonly SpanProcessor[];
}

export interface TracingHarness {
  readonly provider: TracerProvider;
  readonly exporter: InMemorySpanExporter;
  readonly sink: InMemoryTripletSink;
  /** rl-otel's warnings since the last `reset()`. */
  readonly warnings: string[];
  /**
   * Forgets spans, triplets and warnings (warnings may be given again) and
   * restores the default reward (weights and no reward function).
   */
  reset(): void;
  /**
   * The finished server spans, once there are `count` of them: a server span
   * ends on the response's 'finish', which can come a moment after the
   * client has the whole body.
   */
  serverSpans(count: number): Promise<ReadableSpan[]>;
  /** GETs `url` (the body read whole), then returns its status and its server span's `rl.action.name`. */
  action(url: string): Promise<{ status: number; action: unknown }>;
  /**
   * The check every plugin has, "a user hook that throws": after a `reset()`,
   * `request(i)` sends the i-th of two requests (with `action`, say); both must
   * still be answered 200 and named `action`, and the failure of `hookName`
   * be reported once. Returns the two server spans.
   */
  brokenHook(
    hookName: string,
    action: string,
    request: (i: number) => Promise<{ status: number; action: unknown }>,
  ): Promise<ReadableSpan[]>;
}

/** A `requestHook` for "a user hook throws": it notes the route it was told (`app.route.seen`), then throws. */
export function throwingRouteHook(span: Span, info: { readonly route: string }): never {
  span.setAttribute('app.route.seen', info.route);
  throw new Error('a broken hook');
}

/** The tracer of the tests' own spans (from the global provider the harness registers). */
export const tracer = () => trace.getTracer('test');

/**
 * Runs `fn` inside an active action span (`rl.action.kind` = `kind`, named
 * `name`), ending it when `fn` returns, or settles if it returns a promise.
 */
export function inAction<T>(name: string, fn: () => T, kind = 'http'): T {
  const attributes = { [ATTR_RL_ACTION_KIND]: kind, [ATTR_RL_ACTION_NAME]: name };
  return tracer().startActiveSpan(name, { attributes }, (span) => {
    let result: T;
    try {
      result = fn();
    } catch (error) {
      span.end();
      throw error;
    }
    if (typeof (result as { then?: unknown } | undefined)?.then === 'function')
      return Promise.resolve(result).finally(() => span.end()) as T;
    span.end();
    return result;
  });
}

/** Waits until `check()` is true (work that ends a moment after what the test awaited); fails after 5 s. */
export async function waitFor(check: () => boolean, what: string | (() => string)): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await sleep(10);
  }
  assert.fail(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
}

let current: TracingHarness | undefined;

/**
 * Sets up the harness once per process (with `options`); later calls reset it
 * and hand it out again.
 */
export function setupTracing(options: TracingOptions = {}): TracingHarness {
  if (current !== undefined) {
    assert.equal(options.spanProcessors, undefined, 'span processors are taken by the first call only');
    current.reset();
    return current;
  }
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  const exporter = new InMemorySpanExporter();
  const sink = new InMemoryTripletSink();
  const provider = new TracerProvider({
    spanProcessors: [
      new RLSpanProcessor({ sink }),
      ...(options.spanProcessors ?? []),
      new SimpleSpanProcessor({ exporter }),
    ],
  });
  trace.setGlobalTracerProvider(provider);
  const warnings: string[] = [];
  setWarningHandler((message) => warnings.push(message));
  const finishedServerSpans = () => exporter.getFinishedSpans().filter((s) => s.kind === 1);
  const harness: TracingHarness = {
    provider,
    exporter,
    sink,
    warnings,
    reset() {
      exporter.reset();
      sink.reset();
      warnings.length = 0;
      resetWarnings();
      setRewardWeights({});
      setRewardFunction(undefined);
    },
    async serverSpans(count) {
      await waitFor(
        () => finishedServerSpans().length >= count,
        () => `${count} server spans (got ${finishedServerSpans().length})`,
      );
      return finishedServerSpans();
    },
    async action(url) {
      const path = new URL(url).pathname;
      const ofPath = () => finishedServerSpans().filter((s) => s.attributes['url.path'] === path);
      const before = ofPath().length;
      const res = await fetch(url);
      await res.text();
      await waitFor(() => ofPath().length > before, `a server span for ${path}`);
      const span = ofPath()[before] as ReadableSpan;
      return { status: res.status, action: span.attributes[ATTR_RL_ACTION_NAME] };
    },
    async brokenHook(hookName, action, request) {
      harness.reset();
      for (const i of [1, 2]) assert.deepEqual(await request(i), { status: 200, action }, `request ${i}`);
      const reported = warnings.filter((w) => w.includes(hookName));
      assert.equal(reported.length, 1, `reported once: ${warnings.join('\n')}`);
      assert.match(reported[0] ?? '', / threw and was ignored: /);
      return (await harness.serverSpans(2)).slice(-2);
    },
  };
  current = harness;
  return harness;
}
