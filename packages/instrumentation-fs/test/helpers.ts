import { mkdirSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import { InMemoryTripletSink, RLSpanProcessor, resetWarnings, setWarningHandler } from '@rl-otel/core';
import { FsInstrumentation, type FsInstrumentationConfig } from '@rl-otel/instrumentation-fs';
import { ATTR_RL_ACTION_KIND, ATTR_RL_ACTION_NAME } from '@rl-otel/semantic-conventions';

export interface Harness {
  readonly exporter: InMemorySpanExporter;
  readonly sink: InMemoryTripletSink;
  readonly provider: TracerProvider;
  readonly instrumentation: FsInstrumentation;
  /** Real temporary folder holding `artifacts/` (the root) and `outside/`. */
  readonly base: string;
  readonly root: string;
  readonly outside: string;
  readonly warnings: string[];
}

let current: Harness | undefined;

/** Once per test file: a provider with the RL processor, an in-memory exporter and sink, and the plugin on a fresh root. */
export function setup(config: FsInstrumentationConfig = {}): Harness {
  if (current !== undefined) return reset();
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'rl-fs-')));
  const root = join(base, 'artifacts');
  const outside = join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  const exporter = new InMemorySpanExporter();
  const sink = new InMemoryTripletSink();
  const provider = new TracerProvider({
    spanProcessors: [new RLSpanProcessor({ sink }), new SimpleSpanProcessor({ exporter })],
  });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const warnings: string[] = [];
  setWarningHandler((message) => warnings.push(message));
  const instrumentation = new FsInstrumentation({ artifactDirs: [root], ...config });
  instrumentation.setTracerProvider(provider);
  current = { exporter, sink, provider, instrumentation, base, root, outside, warnings };
  return current;
}

export function reset(): Harness {
  const h = current as Harness;
  h.exporter.reset();
  h.sink.reset();
  h.warnings.length = 0;
  resetWarnings();
  return h;
}

/** Runs `fn` inside an action (a parent span of kind `step`), ending it when `fn` settles. */
export async function inAction<T>(fn: () => T | Promise<T>): Promise<T> {
  return trace
    .getTracer('test')
    .startActiveSpan(
      'step',
      { attributes: { [ATTR_RL_ACTION_KIND]: 'step', [ATTR_RL_ACTION_NAME]: 'step' } },
      async (span) => {
        try {
          return await fn();
        } finally {
          span.end();
        }
      },
    );
}

export function fileSpans(): ReadableSpan[] {
  return (current as Harness).exporter
    .getFinishedSpans()
    .filter((s) => s.attributes[ATTR_RL_ACTION_KIND] === 'file');
}

/** [code.function.name, rl.file.operation, file.path] of the file spans, in end order. */
export function summary(): Array<[unknown, unknown, unknown]> {
  return fileSpans().map((s) => [
    s.attributes['code.function.name'],
    s.attributes['rl.file.operation'],
    s.attributes['file.path'],
  ]);
}

/** Calls a callback-style function and settles with its result. */
export function callback<T = unknown>(fn: (...args: never[]) => unknown, ...args: unknown[]): Promise<T> {
  return new Promise((resolve, reject) => {
    (fn as (...a: unknown[]) => unknown)(...args, (error: unknown, result: T) =>
      error ? reject(error) : resolve(result),
    );
  });
}
