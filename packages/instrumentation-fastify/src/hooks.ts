/**
 * Fastify's side: no patching. Fastify announces every new instance on its
 * `fastify.initialization` diagnostics channel; this adds two hooks to the
 * root instance right then, before the app registers anything, so that they
 * run first and are inherited by every plugin context and prefix.
 */
import { context, type Span } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import type { FastifyInstanceLike, FastifyRequestLike } from './internal-types.ts';

export interface FastifyTracing {
  enabled(): boolean;
  /** A request with a server span started; `route` is its template (undefined: no route matched). */
  onRequest(span: Span, request: FastifyRequestLike): void;
  /** Fastify caught an error of the app (handler, hook, validation) and will answer it. */
  onError(span: Span, error: unknown): void;
  /** Something of ours failed on a request: reported once, the request goes on. */
  failed(error: unknown): void;
}

/** The server span's RPC metadata of the request being handled, if an HTTP server instrumentation made one. */
function httpRequest() {
  const rpc = getRPCMetadata(context.active());
  return rpc?.type === RPCType.HTTP ? rpc : undefined;
}

export function hookFastify(fastify: FastifyInstanceLike, tracing: FastifyTracing): void {
  // Callback style, not async: no promise per request.
  // A hook that throws would make Fastify answer 500: nothing of ours may reach it.
  fastify.addHook('onRequest', function rlOtelRoute(request, _reply, done) {
    if (tracing.enabled()) {
      try {
        const rpc = httpRequest();
        if (rpc !== undefined) {
          // The full template, with every prefix of every plugin it was registered in.
          const route = request.routeOptions?.url;
          if (route !== undefined) rpc.route = route;
          tracing.onRequest(rpc.span, request);
        }
      } catch (error) {
        tracing.failed(error);
      }
    }
    done();
  });
  fastify.addHook('onError', function rlOtelError(_request, _reply, error, done) {
    if (tracing.enabled()) {
      try {
        const rpc = httpRequest();
        if (rpc !== undefined) tracing.onError(rpc.span, error);
      } catch (failure) {
        tracing.failed(failure);
      }
    }
    done();
  });
}
