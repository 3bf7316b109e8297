import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  OrchestratorInstrumentation,
  type OrchestratorInstrumentationConfig,
} from '@rl-otel/instrumentation-orchestrator';
import { setupTracing, type TracingHarness } from '@rl-otel/test-utils/tracing';

export { waitFor } from '@rl-otel/test-utils/tracing';

export interface Harness extends TracingHarness {
  readonly instrumentation: OrchestratorInstrumentation;
  spans(): ReadableSpan[];
  /** The finished span named `name`; fails if there is none. */
  span(name: string): ReadableSpan;
}

let instrumentation: OrchestratorInstrumentation | undefined;

/**
 * The tracing harness (reset) with one enabled orchestrator instrumentation,
 * its config replaced by `config`.
 */
export function setup(config: OrchestratorInstrumentationConfig = {}): Harness {
  const tracing = setupTracing();
  if (instrumentation === undefined) {
    instrumentation = new OrchestratorInstrumentation({ enabled: false });
    instrumentation.setTracerProvider(tracing.provider);
  }
  instrumentation.disable();
  instrumentation.setConfig(config);
  instrumentation.enable();
  tracing.reset(); // what reconfiguring did is not the test's
  const spans = () => tracing.exporter.getFinishedSpans();
  return {
    ...tracing,
    instrumentation,
    spans,
    span(name) {
      const found = spans().find((s) => s.name === name);
      if (found === undefined) throw new Error(`no span "${name}" in ${spans().map((s) => s.name)}`);
      return found;
    },
  };
}
