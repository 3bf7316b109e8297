import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CBaggagePropagator } from '@opentelemetry/core';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
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
import {
  OrchestratorInstrumentation,
  type OrchestratorInstrumentationConfig,
} from '@rl-otel/instrumentation-orchestrator';

export interface Harness {
  exporter: InMemorySpanExporter;
  sink: InMemoryTripletSink;
  warnings: string[];
  instrumentation: OrchestratorInstrumentation;
  provider: TracerProvider;
  spans(): ReadableSpan[];
  span(name: string): ReadableSpan;
}

let current: Harness | undefined;

/**
 * A provider with the RL processor, an in-memory exporter and sink, and one
 * enabled orchestrator instrumentation (the config replaced per test).
 */
export function setup(config: OrchestratorInstrumentationConfig = {}): Harness {
  if (current === undefined) {
    const exporter = new InMemorySpanExporter();
    const sink = new InMemoryTripletSink();
    const provider = new TracerProvider({
      spanProcessors: [new RLSpanProcessor({ sink }), new SimpleSpanProcessor({ exporter })],
    });
    trace.setGlobalTracerProvider(provider);
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CBaggagePropagator());
    const warnings: string[] = [];
    setWarningHandler((message) => warnings.push(message));
    const instrumentation = new OrchestratorInstrumentation({ enabled: false });
    instrumentation.setTracerProvider(provider);
    current = {
      exporter,
      sink,
      warnings,
      instrumentation,
      provider,
      spans: () => exporter.getFinishedSpans(),
      span(name) {
        const found = exporter.getFinishedSpans().find((s) => s.name === name);
        if (found === undefined)
          throw new Error(`no span "${name}" in ${exporter.getFinishedSpans().map((s) => s.name)}`);
        return found;
      },
    };
  }
  const h = current;
  h.instrumentation.disable();
  h.instrumentation.setConfig(config);
  h.instrumentation.enable();
  h.exporter.reset();
  h.sink.reset();
  h.warnings.length = 0;
  resetWarnings();
  setRewardWeights({});
  setRewardFunction(undefined);
  return h;
}

/** Waits until `check()` is true (work the library finishes after its promise resolved); fails after 5 s. */
export async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}
