import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { InMemoryTripletSink, RLSpanProcessor, resetWarnings, setWarningHandler } from '@rl-otel/core';
import { SqliteInstrumentation, type SqliteInstrumentationConfig } from '@rl-otel/instrumentation-sqlite';

export interface Harness {
  exporter: InMemorySpanExporter;
  sink: InMemoryTripletSink;
  warnings: string[];
  instrumentation: SqliteInstrumentation;
  /** Exported query spans (those with db.system.name). */
  dbSpans(): ReadableSpan[];
}

let current: Harness | undefined;

/**
 * A tracer provider with the RL processor and an in-memory exporter, and the
 * instrumentation enabled before the test loads the library (as --import does).
 */
export function setup(config: SqliteInstrumentationConfig = {}): Harness {
  if (current !== undefined) {
    current.exporter.reset();
    current.sink.reset();
    current.warnings.length = 0;
    resetWarnings();
    current.instrumentation.setConfig(config);
    return current;
  }
  const exporter = new InMemorySpanExporter();
  const sink = new InMemoryTripletSink();
  const provider = new TracerProvider({
    spanProcessors: [new RLSpanProcessor({ sink }), new SimpleSpanProcessor({ exporter })],
  });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const warnings: string[] = [];
  setWarningHandler((message) => warnings.push(message));
  const instrumentation = new SqliteInstrumentation(config);
  instrumentation.setTracerProvider(provider);
  current = {
    exporter,
    sink,
    warnings,
    instrumentation,
    dbSpans: () => exporter.getFinishedSpans().filter((s) => s.attributes['db.system.name'] !== undefined),
  };
  return current;
}

export const tracer = () => trace.getTracer('test');

/** Runs fn inside an active parent span (an HTTP-like action) and ends it. */
export function inAction<T>(name: string, fn: () => T): T {
  return tracer().startActiveSpan(
    name,
    { attributes: { 'rl.action.kind': 'http', 'rl.action.name': name } },
    (span) => {
      try {
        return fn();
      } finally {
        span.end();
      }
    },
  );
}
