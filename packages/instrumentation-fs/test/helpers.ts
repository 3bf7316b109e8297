import { mkdirSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { FsInstrumentation, type FsInstrumentationConfig } from '@rl-otel/instrumentation-fs';
import { ATTR_RL_ACTION_KIND } from '@rl-otel/semantic-conventions';
import { inAction as inActionOf, setupTracing, type TracingHarness } from '@rl-otel/test-utils/tracing';

export interface Harness extends TracingHarness {
  readonly instrumentation: FsInstrumentation;
  /** Real temporary folder holding `artifacts/` (the root) and `outside/`. */
  readonly base: string;
  readonly root: string;
  readonly outside: string;
}

let current: Harness | undefined;

/**
 * The tracing harness (reset), and, on the first call of a test file, the
 * plugin on a fresh root (with `config`); later calls keep its config.
 */
export function setup(config: FsInstrumentationConfig = {}): Harness {
  const tracing = setupTracing();
  if (current !== undefined) return current;
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'rl-fs-')));
  const root = join(base, 'artifacts');
  const outside = join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  const instrumentation = new FsInstrumentation({ artifactDirs: [root], ...config });
  instrumentation.setTracerProvider(tracing.provider);
  current = { ...tracing, instrumentation, base, root, outside };
  return current;
}

/** Runs `fn` inside an action (a parent span of kind `step`), ending it when `fn` settles. */
export function inAction<T>(fn: () => T | Promise<T>): Promise<T> {
  return inActionOf('step', async () => fn(), 'step');
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
