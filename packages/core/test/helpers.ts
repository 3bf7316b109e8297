import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import {
  InMemoryTripletSink,
  RLSpanProcessor,
  resetWarnings,
  setRewardFunction,
  setRewardWeights,
  setWarningHandler,
} from '@rl-otel/core';

export interface Harness {
  exporter: InMemorySpanExporter;
  sink: InMemoryTripletSink;
  processor: RLSpanProcessor;
  warnings: string[];
  provider: TracerProvider;
}

let current: Harness | undefined;

/** A tracer provider with the RL processor and in-memory exporter and sink, registered globally. */
export function setup(): Harness {
  if (current !== undefined) {
    current.exporter.reset();
    current.sink.reset();
    current.warnings.length = 0;
    resetWarnings();
    setRewardWeights({});
    setRewardFunction(undefined);
    return current;
  }
  const exporter = new InMemorySpanExporter();
  const sink = new InMemoryTripletSink();
  const processor = new RLSpanProcessor({ sink });
  const provider = new TracerProvider({ spanProcessors: [processor, new SimpleSpanProcessor({ exporter })] });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({ propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()] }),
  );
  const warnings: string[] = [];
  setWarningHandler((message) => warnings.push(message));
  current = { exporter, sink, processor, warnings, provider };
  return current;
}

export const tracer = () => trace.getTracer('test');

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
