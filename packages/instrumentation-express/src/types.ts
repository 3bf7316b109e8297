import type { IncomingMessage } from 'node:http';
import type { Span } from '@opentelemetry/api';
import type { RlInstrumentationConfig } from '@rl-otel/core/instrumentation';

/** What `requestHook` is told when a request reaches a route handler. */
export interface ExpressRequestInfo {
  /** The Express request (`req.params`, `req.user`, … are set by then). */
  readonly request: IncomingMessage;
  /** The full route template, e.g. `/api/tasks/:id`. */
  readonly route: string;
}

export interface ExpressInstrumentationConfig extends RlInstrumentationConfig {
  /**
   * Also make a span per middleware, router and route handler invocation
   * (children of the server span, not actions). Off by default: the route,
   * errors and the RL action live on the server span.
   * @default false
   */
  middlewareSpans?: boolean;
  /** Called with the server span when a request reaches a route handler, to add attributes. */
  requestHook?: (span: Span, info: ExpressRequestInfo) => void;
}
