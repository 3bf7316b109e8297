/**
 * Tracing suppression, as `@opentelemetry/core`'s `suppressTracing()` marks it
 * (context keys are registered symbols, so this needs no dependency on it).
 * Instrumentations skip suppressed work: exporters mark their own requests,
 * and the triplet sink marks its own file writes.
 */
import { type Context, context } from '@opentelemetry/api';

export const SUPPRESS_TRACING_KEY = Symbol.for('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

/** Runs `fn` with tracing suppressed, so that no instrumentation records what it does. */
export function withTracingSuppressed<T>(fn: () => T): T {
  return context.with(context.active().setValue(SUPPRESS_TRACING_KEY, true), fn);
}

export function isTracingSuppressed(ctx: Context): boolean {
  return ctx.getValue(SUPPRESS_TRACING_KEY) === true;
}
