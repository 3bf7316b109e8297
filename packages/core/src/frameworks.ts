/**
 * What the HTTP framework plugins (Express, Koa, …) share: turning the path
 * patterns routers were given into one route template, and recording the
 * errors that request handlers throw or pass on.
 */
import type { Span } from '@opentelemetry/api';
import { recordError } from './instrumentation.ts';

/**
 * A router's path pattern as text: strings as written, regular expressions
 * as their source literal, alternatives joined by `,`. Never derived from a
 * request, so it stays low-cardinality. Undefined for anything else.
 */
export function routePattern(pattern: unknown): string | undefined {
  if (typeof pattern === 'string') return pattern;
  if (pattern instanceof RegExp) return String(pattern);
  if (Array.isArray(pattern)) {
    const parts = pattern.map(routePattern).filter((p): p is string => p !== undefined);
    return parts.length > 0 ? parts.join(',') : undefined;
  }
  return undefined;
}

/**
 * Joins a mount prefix (`/api`, or '' at the top) and a path pattern into a
 * route template: `('/api', '/tasks/:id')` → `/api/tasks/:id`,
 * `('/api', '/')` → `/api`, `('', '/')` → `/`. Trailing slashes of the
 * prefix are dropped; a pattern without a leading `/` gets one.
 */
export function joinRoutePath(prefix: string, path: string): string {
  let base = prefix;
  while (base.endsWith('/')) base = base.slice(0, -1);
  if (path === '' || path === '/') return base === '' ? '/' : base;
  if (path.startsWith('/')) return base + path;
  // regular-expression patterns (`/\/x/i`) start with `/` too; anything else is a bare segment
  return `${base}/${path}`;
}

/** The HTTP status an error asks for (`status` or `statusCode`, as http-errors and the frameworks set), if any. */
function httpErrorStatus(error: unknown): number | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = typeof status === 'number' ? status : statusCode;
  return typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599
    ? value
    : undefined;
}

/**
 * The error policy of every HTTP framework plugin, for an error a request
 * handler threw, rejected with or passed on (`next(err)`), recorded on the
 * server span (or a middleware span):
 *
 * - an HTTP client error, one that asks for a 4xx status (`status` or
 *   `statusCode`: `createError(404)`, `ctx.throw(400)`, Fastify's validation
 *   errors, Hono's `HTTPException(401)`), is the app answering a client, as
 *   with a 4xx written by hand: an exception event only, the status stays
 *   unset and the reward's `success` stays 1;
 * - any other error is a failure: exception event, `error.type` (its string
 *   `code`, else its class name) and status ERROR, so `success` is 0 whatever
 *   status the app's error handler then answers (an app that maps a
 *   `TypeError` to 400 still failed the action).
 *
 * A 5xx answered without any error is failed by `@rl-otel/instrumentation-http`,
 * which keeps an `error.type` recorded here. The error itself is untouched.
 */
export function recordHandlerError(span: Span, error: unknown): void {
  const status = httpErrorStatus(error);
  if (status !== undefined && status >= 400 && status < 500) {
    try {
      span.recordException(error instanceof Error ? error : new Error(String(error)));
    } catch {
      // a span that cannot record is not the app's problem
    }
    return;
  }
  recordError(span, error);
}

/** Remembers which errors a request already reported, so that one error passed up through layers is recorded once. */
export class SeenErrors {
  private readonly objects = new WeakSet<object>();
  private readonly values = new Set<unknown>();

  /** True the first time `error` is seen. */
  first(error: unknown): boolean {
    if (error !== null && (typeof error === 'object' || typeof error === 'function')) {
      if (this.objects.has(error)) return false;
      this.objects.add(error);
      return true;
    }
    if (this.values.has(error)) return false;
    this.values.add(error);
    return true;
  }
}

/**
 * The exports object a patch should use: import-in-the-middle hands an ES
 * module namespace (the CommonJS `module.exports` under `default`),
 * require-in-the-middle the exports themselves.
 */
export function moduleExports(exports: unknown): unknown {
  const ns = exports as { [Symbol.toStringTag]?: unknown; default?: unknown } | null;
  return ns?.[Symbol.toStringTag] === 'Module' && ns.default !== undefined ? ns.default : exports;
}
