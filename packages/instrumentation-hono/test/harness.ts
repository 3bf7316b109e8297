/** In-process tracing for unit tests: the RL processor and in-memory span and triplet stores. */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CBaggagePropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { InMemoryTripletSink, RLSpanProcessor, resetWarnings, setWarningHandler } from '@rl-otel/core';

export interface Harness {
  readonly provider: TracerProvider;
  readonly exporter: InMemorySpanExporter;
  readonly sink: InMemoryTripletSink;
  readonly warnings: string[];
  reset(): void;
}

export function setupTracing(): Harness {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CBaggagePropagator());
  const exporter = new InMemorySpanExporter();
  const sink = new InMemoryTripletSink();
  const provider = new TracerProvider({
    spanProcessors: [new RLSpanProcessor({ sink }), new SimpleSpanProcessor({ exporter })],
  });
  trace.setGlobalTracerProvider(provider);
  const warnings: string[] = [];
  setWarningHandler((message) => warnings.push(message));
  return {
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
  };
}
