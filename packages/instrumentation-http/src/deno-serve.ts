/**
 * Deno.serve: on Deno every request a `Deno.serve` handler answers becomes an
 * action of kind `http`, as node:http requests do. With Deno's own
 * OpenTelemetry on (`OTEL_DENO=true`), Deno's server span is the active span
 * when the handler runs: the action is made its child, and when it ends its
 * `rl.*` attributes (episode, step, state, reward) are copied onto Deno's span,
 * which Deno exports.
 */
import {
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { RPCType, setRPCMetadata } from '@opentelemetry/core';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import { recordError } from '@rl-otel/core/instrumentation';
import {
  ATTR_RL_ACTION_KIND,
  ATTR_RL_ACTION_NAME,
  RL_ACTION_KIND_VALUE_HTTP,
  RL_ATTRIBUTE_PREFIX,
} from '@rl-otel/semantic-conventions';
import { describeServerOutcome } from './server.ts';
import { normalizeMethod, serverActionName } from './utils.ts';

type Handler = (request: Request, info: unknown) => Response | Promise<Response>;
type Serve = (...args: unknown[]) => unknown;
interface DenoLike {
  serve?: Serve;
}

const ORIGINAL = Symbol.for('@rl-otel/instrumentation-http.deno-serve');

const headerGetter = {
  get: (carrier: Headers, key: string) => carrier.get(key) ?? undefined,
  keys: (carrier: Headers) => [...carrier.keys()],
};

export function patchDenoServe(tracer: () => Tracer): boolean {
  const deno = (globalThis as { Deno?: DenoLike }).Deno;
  if (typeof deno?.serve !== 'function' || (deno.serve as { [ORIGINAL]?: Serve })[ORIGINAL] !== undefined)
    return false;
  const original = deno.serve;
  const serve: Serve = function (this: unknown, ...args: unknown[]) {
    const last = args.length - 1;
    if (typeof args[last] === 'function') args[last] = wrapHandler(args[last] as Handler, tracer);
    else if (
      args[0] !== null &&
      typeof args[0] === 'object' &&
      typeof (args[0] as { handler?: unknown }).handler === 'function'
    ) {
      const options = args[0] as { handler: Handler };
      args[0] = { ...options, handler: wrapHandler(options.handler, tracer) };
    }
    return original.apply(this, args);
  };
  (serve as { [ORIGINAL]?: Serve })[ORIGINAL] = original;
  deno.serve = serve;
  return true;
}

export function unpatchDenoServe(): void {
  const deno = (globalThis as { Deno?: DenoLike }).Deno;
  const original = (deno?.serve as { [ORIGINAL]?: Serve } | undefined)?.[ORIGINAL];
  if (deno !== undefined && original !== undefined) deno.serve = original;
}

function wrapHandler(handler: Handler, tracer: () => Tracer): Handler {
  return function (this: unknown, request, info) {
    const runtimeSpan = trace.getActiveSpan();
    const method = normalizeMethod(request.method);
    let url: URL | undefined;
    try {
      url = new URL(request.url);
    } catch {
      url = undefined;
    }
    // Under Deno's own tracing its server span is the parent; else the caller's context from the headers.
    const parent =
      runtimeSpan !== undefined
        ? context.active()
        : propagation.extract(ROOT_CONTEXT, request.headers, headerGetter);
    const span = tracer().startSpan(
      method,
      {
        kind: runtimeSpan !== undefined ? SpanKind.INTERNAL : SpanKind.SERVER,
        attributes: {
          [ATTR_RL_ACTION_KIND]: RL_ACTION_KIND_VALUE_HTTP,
          [ATTR_RL_ACTION_NAME]: serverActionName(method, undefined),
          [ATTR_HTTP_REQUEST_METHOD]: method,
          [ATTR_URL_PATH]: url?.pathname ?? '/',
          [ATTR_URL_SCHEME]: url?.protocol.replace(':', '') ?? 'http',
        },
      },
      parent,
    );
    const ctx = setRPCMetadata(trace.setSpan(parent, span), { type: RPCType.HTTP, span });
    const finish = (status: number, error?: unknown) => {
      if (error !== undefined) recordError(span, error);
      describeServerOutcome(span, ctx, method, status, false);
      span.end();
      if (runtimeSpan !== undefined) copyRlAttributes(span, runtimeSpan);
    };
    let result: Response | Promise<Response>;
    try {
      result = context.with(ctx, () => handler.call(this, request, info));
    } catch (error) {
      finish(500, error);
      throw error;
    }
    if (result instanceof Promise) {
      return result.then(
        (response) => {
          finish(response.status);
          return response;
        },
        (error: unknown) => {
          finish(500, error);
          throw error;
        },
      );
    }
    finish(result.status);
    return result;
  };
}

/** The `rl.*` attributes the RL processor wrote on our ended span, onto Deno's own span. */
function copyRlAttributes(from: Span, to: Span): void {
  const attributes = (from as unknown as { attributes?: Record<string, unknown> }).attributes;
  if (attributes === undefined) return;
  for (const key in attributes) {
    const value = attributes[key];
    if (
      key.startsWith(RL_ATTRIBUTE_PREFIX) &&
      (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    ) {
      to.setAttribute(key, value);
    }
  }
}
