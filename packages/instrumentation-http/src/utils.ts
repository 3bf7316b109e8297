/** Pure helpers of the HTTP plugin. */
import { SpanStatusCode } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';

const KNOWN_METHODS = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'QUERY',
  'TRACE',
]);

/** The method as semconv wants it: a known method in upper case, else `_OTHER`. */
export function normalizeMethod(method: string | undefined): string {
  if (method === undefined) return 'GET';
  if (KNOWN_METHODS.has(method)) return method;
  const upper = method.toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : '_OTHER';
}

/** Action name of a server request: the route template, or one name per method when no route matched. */
export function serverActionName(method: string, route: string | undefined): string {
  return route ? `${method} ${route}` : `${method} (unmatched)`;
}

export const DEFAULT_REDACTED_QUERY_PARAMS: readonly string[] = [
  'sig',
  'signature',
  'x-goog-signature',
  'awsaccesskeyid',
  'token',
  'access_token',
  'id_token',
  'refresh_token',
  'api_key',
  'apikey',
  'key',
  'password',
  'passwd',
  'secret',
  'client_secret',
  'code',
  'session',
  'auth',
];

/** Replaces the values of sensitive query parameters by `REDACTED`; everything else stays as sent. */
export function redactQuery(query: string, sensitive: ReadonlySet<string>): string {
  if (query === '') return query;
  const parts = query.split('&');
  let changed = false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    const eq = part.indexOf('=');
    const name = eq === -1 ? part : part.slice(0, eq);
    let decoded = name;
    try {
      decoded = decodeURIComponent(name);
    } catch {
      // keep the raw name
    }
    if (eq !== -1 && sensitive.has(decoded.toLowerCase())) {
      parts[i] = `${name}=REDACTED`;
      changed = true;
    }
  }
  return changed ? parts.join('&') : query;
}

/** Splits a request target into path and query (without `?`). */
export function splitTarget(target: string): [path: string, query: string | undefined] {
  const q = target.indexOf('?');
  return q === -1 ? [target, undefined] : [target.slice(0, q), target.slice(q + 1)];
}

/** `host[:port]` (or `[v6]:port`) into address and port; the port falls back to `defaultPort`. */
export function splitHostHeader(
  host: string | undefined,
  defaultPort: number,
): [address: string | undefined, port: number] {
  if (!host) return [undefined, defaultPort];
  const close = host.startsWith('[') ? host.indexOf(']') : -1;
  const colon = host.lastIndexOf(':');
  if (colon > close && colon !== -1) {
    const port = Number(host.slice(colon + 1));
    return [
      host.slice(close === -1 ? 0 : 1, close === -1 ? colon : close),
      Number.isInteger(port) ? port : defaultPort,
    ];
  }
  return [close === -1 ? host : host.slice(1, close), defaultPort];
}

/** A URL for `url.full`: credentials removed, sensitive query values redacted. */
export function safeFullUrl(origin: string, pathAndQuery: string, sensitive: ReadonlySet<string>): string {
  const [path, query] = splitTarget(pathAndQuery);
  let base = origin;
  const at = origin.indexOf('@');
  if (at !== -1) {
    const scheme = origin.indexOf('://');
    base = origin.slice(0, scheme + 3) + origin.slice(at + 1);
  }
  return query === undefined ? base + path : `${base}${path}?${redactQuery(query, sensitive)}`;
}

/**
 * What was already recorded on a span as failure: its `error.type` and
 * whether its status is ERROR. Read off the OpenTelemetry SDK's spans, which
 * are `ReadableSpan`s too (public `attributes` and `status`); a span of
 * another implementation reads as nothing recorded.
 */
export function recordedError(span: object): { type: string | undefined; failed: boolean } {
  const { attributes, status } = span as {
    attributes?: Record<string, unknown>;
    status?: { code?: unknown };
  };
  const type = attributes?.[ATTR_ERROR_TYPE];
  return { type: typeof type === 'string' ? type : undefined, failed: status?.code === SpanStatusCode.ERROR };
}
