/**
 * `@rl-otel/test-utils/tracing`: in-process tracing for the plugins' unit
 * tests — a tracer provider with the RL processor, an in-memory span exporter
 * and triplet sink, registered globally, and rl-otel's warnings collected.
 * A subpath of its own, so that the e2e helpers load no SDK.
 */
import assert from 'node:assert/strict';
import { context, propagation, type Span, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { InMemoryTripletSink, RLSpanProcessor, resetWarnings, setWarningHandler } from '@rl-otel/core';

export interface TracingHarness {
  readonly provider: TracerProvider;
  readonly exporter: InMemorySpanExporter;
  readonly sink: InMemoryTripletSink;
  /** rl-otel's warnings since the last `reset()`. */
  readonly warnings: string[];
  /** Forgets spans, triplets and warnings (warnings may be given again). */
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

let current: TracingHarness | undefined;

/** Sets up the harness once per process; later calls reset it and hand it out again. */
export function setupTracing(): TracingHarness {
  if (current !== undefined) {
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
    spanProcessors: [new RLSpanProcessor({ sink }), new SimpleSpanProcessor({ exporter })],
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
    },
    async serverSpans(count) {
      for (let i = 0; i < 400; i++) {
        const spans = finishedServerSpans();
        if (spans.length >= count) return spans;
        await new Promise((r) => setTimeout(r, 5));
      }
      assert.fail(`expected ${count} server spans, got ${finishedServerSpans().length}`);
    },
    async action(url) {
      const path = new URL(url).pathname;
      const ofPath = () => finishedServerSpans().filter((s) => s.attributes['url.path'] === path);
      const before = ofPath().length;
      const res = await fetch(url);
      await res.text();
      for (let i = 0; i < 400 && ofPath().length <= before; i++) await new Promise((r) => setTimeout(r, 5));
      const span = ofPath()[before];
      assert.ok(span, `a server span for ${path}`);
      return { status: res.status, action: span.attributes['rl.action.name'] };
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
