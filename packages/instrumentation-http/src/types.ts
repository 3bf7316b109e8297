import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { Span } from '@opentelemetry/api';
import type { RlInstrumentationConfig } from '@rl-otel/core/instrumentation';

/** A `fetch` request as undici's diagnostics channels describe it. */
export interface UndiciRequest {
  readonly origin: string;
  readonly method: string;
  readonly path: string;
  headers: string | string[];
  addHeader(name: string, value: string): unknown;
}

export interface HttpInstrumentationConfig extends RlInstrumentationConfig {
  /** Record incoming requests as server spans (actions of kind `http`). @default true */
  server?: boolean;
  /** Record outgoing `http.request` / `https.request` calls (actions of kind `http.client`). @default true */
  client?: boolean;
  /** Record outgoing `fetch` calls through undici's diagnostics channels. @default true */
  fetch?: boolean;
  /** Return true to leave an incoming request untraced (health checks, say). */
  ignoreIncomingRequestHook?: (request: IncomingMessage) => boolean;
  /** Return true to leave an outgoing `http.request` untraced. */
  ignoreOutgoingRequestHook?: (request: ClientRequest) => boolean;
  /** Called when a server span starts, to add attributes. */
  requestHook?: (span: Span, request: IncomingMessage | ClientRequest | UndiciRequest) => void;
  /** Called before a server or client span ends. */
  responseHook?: (span: Span, response: ServerResponse | IncomingMessage | { statusCode: number }) => void;
  /**
   * Query parameters whose values are replaced by `REDACTED` in `url.query` and `url.full`
   * (compared without case). Adds to the built-in list unless `replaceRedactedQueryParams` is set.
   * @default ['sig', 'signature', 'x-goog-signature', 'awsaccesskeyid', 'token', 'access_token', 'id_token', 'refresh_token', 'api_key', 'apikey', 'key', 'password', 'passwd', 'secret', 'client_secret', 'code', 'session', 'auth']
   */
  redactedQueryParams?: string[];
  /** Use `redactedQueryParams` as the whole list instead of adding to the built-in one. @default false */
  replaceRedactedQueryParams?: boolean;
}
