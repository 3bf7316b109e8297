import type { Span } from '@opentelemetry/api';
import type { RlInstrumentationConfig } from '@rl-otel/core/instrumentation';

/** What `requestHook` is told when @koa/router matches a route. */
export interface KoaRequestInfo {
  /** The Koa context (`ctx.params`, `ctx.state`, … are there). */
  readonly context: unknown;
  /** The full route template, e.g. `/api/tasks/:id`. */
  readonly route: string;
}

export interface KoaInstrumentationConfig extends RlInstrumentationConfig {
  /**
   * Also make a span per middleware invocation (`app.use`, including the
   * router's dispatch), nested as Koa runs them; not actions. Off by
   * default: the route, errors and the RL action live on the server span.
   * @default false
   */
  middlewareSpans?: boolean;
  /** Called with the server span when @koa/router matches a route, to add attributes. */
  requestHook?: (span: Span, info: KoaRequestInfo) => void;
}
