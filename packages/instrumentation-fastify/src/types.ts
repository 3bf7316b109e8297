import type { Span } from '@opentelemetry/api';
import type { RlInstrumentationConfig } from '@rl-otel/core/instrumentation';
import type { FastifyRequestLike } from './internal-types.ts';

export interface FastifyInstrumentationConfig extends RlInstrumentationConfig {
  /**
   * Called when Fastify starts handling a request that has a server span, with
   * that span and Fastify's request (a `FastifyRequest`; its `routeOptions.url`
   * is the route template, undefined when no route matched). Use it to add
   * attributes; if it throws, that is reported once and the request goes on.
   */
  requestHook?: (span: Span, request: FastifyRequestLike) => void;
}
