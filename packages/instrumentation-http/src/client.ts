/**
 * Client side: a span per outgoing `http.request` and `fetch`, with trace
 * context and baggage injected into the request. Neither is patched: Node's
 * `http.client.*` and undici's `undici:request:*` diagnostics channels say
 * when a request is created, answered and finished.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import {
  type Attributes,
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
} from '@opentelemetry/semantic-conventions';
import { recordError } from '@rl-otel/core/instrumentation';
import {
  ATTR_RL_ACTION_KIND,
  ATTR_RL_ACTION_NAME,
  RL_ACTION_KIND_VALUE_HTTP_CLIENT,
} from '@rl-otel/semantic-conventions';
import type { UndiciRequest } from './types.ts';
import { normalizeMethod, safeFullUrl, splitHostHeader } from './utils.ts';

export interface ClientTracing {
  tracer(): Tracer;
  shouldTrace(): boolean;
  ignore(request: ClientRequest): boolean;
  onRequest(span: Span, request: ClientRequest | UndiciRequest): void;
  onResponse(span: Span, response: IncomingMessage | { statusCode: number }): void;
  readonly sensitiveQuery: ReadonlySet<string>;
}

function startClientSpan(
  tracing: ClientTracing,
  method: string,
  rawMethod: string,
  host: string | undefined,
  port: number,
  url: string,
): Span {
  const attributes: Attributes = {
    [ATTR_RL_ACTION_KIND]: RL_ACTION_KIND_VALUE_HTTP_CLIENT,
    [ATTR_RL_ACTION_NAME]: `${method} ${host ?? 'unknown'}`,
    [ATTR_HTTP_REQUEST_METHOD]: method,
    [ATTR_SERVER_PORT]: port,
    [ATTR_URL_FULL]: url,
  };
  if (host !== undefined) attributes[ATTR_SERVER_ADDRESS] = host;
  if (method === '_OTHER') attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = rawMethod;
  return tracing.tracer().startSpan(method, { kind: SpanKind.CLIENT, attributes });
}

function endWithStatus(span: Span, status: number): void {
  span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
  if (status >= 400) {
    span.setAttribute(ATTR_ERROR_TYPE, String(status));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
}

// ---- node:http client -------------------------------------------------------

const httpSpans = new WeakMap<ClientRequest, Span>();

export function onHttpRequestCreated(tracing: ClientTracing, request: ClientRequest): void {
  if (!tracing.shouldTrace() || tracing.ignore(request)) return;
  const rawMethod = request.method;
  const method = normalizeMethod(rawMethod);
  const secure = request.protocol === 'https:';
  const hostHeader = request.getHeader('host');
  const [address, port] = splitHostHeader(
    typeof hostHeader === 'string' ? hostHeader : request.host,
    secure ? 443 : 80,
  );
  const origin = `${request.protocol}//${typeof hostHeader === 'string' ? hostHeader : request.host}`;
  const span = startClientSpan(
    tracing,
    method,
    rawMethod,
    address,
    port,
    safeFullUrl(origin, request.path, tracing.sensitiveQuery),
  );
  httpSpans.set(request, span);
  if (!request.headersSent) {
    propagation.inject(trace.setSpan(context.active(), span), request, {
      set(carrier: ClientRequest, key: string, value: string) {
        carrier.setHeader(key, value);
      },
    });
  }
  tracing.onRequest(span, request);
}

export function onHttpResponse(
  tracing: ClientTracing,
  request: ClientRequest,
  response: IncomingMessage,
): void {
  const span = httpSpans.get(request);
  if (span === undefined) return;
  endWithStatus(span, response.statusCode ?? 0);
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    httpSpans.delete(request);
    tracing.onResponse(span, response);
    span.end();
  };
  if (response.complete || response.destroyed) end();
  else {
    response.once('end', end);
    response.once('close', end);
  }
}

export function onHttpError(request: ClientRequest, error: unknown): void {
  const span = httpSpans.get(request);
  if (span === undefined) return;
  httpSpans.delete(request);
  recordError(span, error);
  span.end();
}

// ---- fetch (undici) ---------------------------------------------------------

const fetchSpans = new WeakMap<UndiciRequest, Span>();

export function onUndiciCreate(tracing: ClientTracing, request: UndiciRequest): void {
  if (!tracing.shouldTrace()) return;
  const rawMethod = request.method;
  const method = normalizeMethod(rawMethod);
  let url: URL;
  try {
    url = new URL(request.origin);
  } catch {
    return;
  }
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  const span = startClientSpan(
    tracing,
    method,
    rawMethod,
    url.hostname,
    port,
    safeFullUrl(url.origin, request.path, tracing.sensitiveQuery),
  );
  fetchSpans.set(request, span);
  propagation.inject(trace.setSpan(context.active(), span), request, {
    set(carrier: UndiciRequest, key: string, value: string) {
      carrier.addHeader(key, value);
    },
  });
  tracing.onRequest(span, request);
}

export function onUndiciHeaders(
  tracing: ClientTracing,
  request: UndiciRequest,
  response: { statusCode: number },
): void {
  const span = fetchSpans.get(request);
  if (span === undefined) return;
  endWithStatus(span, response.statusCode);
  tracing.onResponse(span, response);
}

export function onUndiciDone(request: UndiciRequest): void {
  const span = fetchSpans.get(request);
  if (span === undefined) return;
  fetchSpans.delete(request);
  span.end();
}

export function onUndiciError(request: UndiciRequest, error: unknown): void {
  const span = fetchSpans.get(request);
  if (span === undefined) return;
  fetchSpans.delete(request);
  recordError(span, error);
  span.end();
}
