/**
 * Server side: a span per incoming request, made active while the app
 * handles it. Every `node:http` and `node:https` server hands requests out
 * through `emit('request')`, which both inherit from `net.Server`; wrapping
 * that one method covers both without loading `https` up front.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type Context,
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { getRPCMetadata, RPCType, setRPCMetadata } from '@opentelemetry/core';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PROTOCOL_VERSION,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import { recordError } from '@rl-otel/core/instrumentation';
import {
  ATTR_RL_ACTION_KIND,
  ATTR_RL_ACTION_NAME,
  RL_ACTION_KIND_VALUE_HTTP,
} from '@rl-otel/semantic-conventions';
import {
  normalizeMethod,
  recordedError,
  redactQuery,
  serverActionName,
  splitHostHeader,
  splitTarget,
} from './utils.ts';

export interface ServerTracing {
  tracer(): import('@opentelemetry/api').Tracer;
  ignore(request: IncomingMessage): boolean;
  onRequest(span: Span, request: IncomingMessage): void;
  onResponse(span: Span, response: ServerResponse): void;
  readonly sensitiveQuery: ReadonlySet<string>;
}

type Emit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;

const headerGetter = {
  get(carrier: IncomingMessage['headers'], key: string) {
    return carrier[key];
  },
  keys(carrier: IncomingMessage['headers']) {
    return Object.keys(carrier);
  },
};

export function wrapServerEmit(
  original: Emit,
  tracing: ServerTracing,
  ServerResponseClass: typeof ServerResponse,
): Emit {
  return function emit(this: unknown, event, ...args) {
    if (event !== 'request') return original.call(this, event, ...args);
    const request = args[0] as IncomingMessage;
    const response = args[1] as ServerResponse;
    // http2's compatibility API also emits 'request', with other objects: leave it alone.
    if (!(response instanceof ServerResponseClass)) return original.call(this, event, ...args);
    let started: [Span, Context] | undefined;
    try {
      if (!tracing.ignore(request)) started = startServerSpan(tracing, request, response);
    } catch {
      started = undefined;
    }
    if (started === undefined) return original.call(this, event, ...args);
    const [span, ctx] = started;
    return context.with(ctx, () => {
      try {
        return original.call(this, event, ...args);
      } catch (error) {
        recordError(span, error);
        throw error;
      }
    });
  };
}

function startServerSpan(
  tracing: ServerTracing,
  request: IncomingMessage,
  response: ServerResponse,
): [Span, Context] {
  const method = normalizeMethod(request.method);
  const [path, query] = splitTarget(request.url ?? '/');
  const encrypted = (request.socket as { encrypted?: boolean } | null)?.encrypted === true;
  const [address, port] = splitHostHeader(request.headers.host, encrypted ? 443 : 80);
  const attributes: Record<string, string | number> = {
    [ATTR_RL_ACTION_KIND]: RL_ACTION_KIND_VALUE_HTTP,
    [ATTR_RL_ACTION_NAME]: serverActionName(method, undefined),
    [ATTR_HTTP_REQUEST_METHOD]: method,
    [ATTR_URL_PATH]: path,
    [ATTR_URL_SCHEME]: encrypted ? 'https' : 'http',
    [ATTR_SERVER_PORT]: port,
    [ATTR_NETWORK_PROTOCOL_VERSION]: request.httpVersion,
  };
  if (method === '_OTHER' && request.method) attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = request.method;
  if (address !== undefined) attributes[ATTR_SERVER_ADDRESS] = address;
  if (query !== undefined) attributes[ATTR_URL_QUERY] = redactQuery(query, tracing.sensitiveQuery);
  const parent = propagation.extract(ROOT_CONTEXT, request.headers, headerGetter);
  const span = tracing.tracer().startSpan(method, { kind: SpanKind.SERVER, attributes }, parent);
  const ctx = setRPCMetadata(trace.setSpan(parent, span), { type: RPCType.HTTP, span });
  tracing.onRequest(span, request);
  let done = false;
  const end = (aborted: boolean) => {
    if (done) return;
    done = true;
    finishServerSpan(tracing, span, ctx, method, response, aborted);
  };
  response.once('finish', () => end(false));
  response.once('close', () => end(!response.writableFinished));
  return [span, ctx];
}

function finishServerSpan(
  tracing: ServerTracing,
  span: Span,
  ctx: Context,
  method: string,
  response: ServerResponse,
  aborted: boolean,
): void {
  describeServerOutcome(span, ctx, method, response.statusCode, aborted);
  tracing.onResponse(span, response);
  span.end();
}

/**
 * What every server action records when its response is known: the status
 * code, the route a framework plugin supplied (as `http.route`, the span
 * name and the action name) and, for a 5xx or an aborted response, the
 * failure. Shared by `node:http` servers and `Deno.serve`.
 */
export function describeServerOutcome(
  span: Span,
  ctx: Context,
  method: string,
  status: number,
  aborted: boolean,
): void {
  span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
  const route = getRPCMetadata(ctx)?.route;
  if (route) {
    span.setAttribute(ATTR_HTTP_ROUTE, route);
    span.updateName(`${method} ${route}`);
  }
  span.setAttribute(ATTR_RL_ACTION_NAME, serverActionName(method, route));
  if (status >= 500 || aborted) {
    // A framework plugin that recorded the handler's error (`recordHandlerError`)
    // set a more telling `error.type` (`TypeError`) and status message: keep them.
    const recorded = recordedError(span);
    if (recorded.type === undefined)
      span.setAttribute(ATTR_ERROR_TYPE, status >= 500 ? String(status) : 'aborted');
    if (!recorded.failed)
      span.setStatus(
        status >= 500
          ? { code: SpanStatusCode.ERROR }
          : { code: SpanStatusCode.ERROR, message: 'the connection closed before the response was complete' },
      );
  }
}
