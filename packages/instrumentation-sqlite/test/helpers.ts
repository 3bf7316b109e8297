import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { SqliteInstrumentation, type SqliteInstrumentationConfig } from '@rl-otel/instrumentation-sqlite';
import { setupTracing, type TracingHarness } from '@rl-otel/test-utils/tracing';

export { inAction } from '@rl-otel/test-utils/tracing';

export interface Harness extends TracingHarness {
  readonly instrumentation: SqliteInstrumentation;
  /** Exported query spans (those with db.system.name). */
  dbSpans(): ReadableSpan[];
}

let instrumentation: SqliteInstrumentation | undefined;

/**
 * The tracing harness (reset) with the instrumentation, its config replaced by
 * `config`; enabled by the first call, before the test loads the library (as
 * --import does).
 */
export function setup(config: SqliteInstrumentationConfig = {}): Harness {
  const tracing = setupTracing();
  if (instrumentation === undefined) {
    instrumentation = new SqliteInstrumentation(config);
    instrumentation.setTracerProvider(tracing.provider);
  } else instrumentation.setConfig(config);
  return {
    ...tracing,
    instrumentation,
    dbSpans: () =>
      tracing.exporter.getFinishedSpans().filter((s) => s.attributes['db.system.name'] !== undefined),
  };
}
