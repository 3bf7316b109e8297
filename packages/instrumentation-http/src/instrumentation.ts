import type { ClientRequest, IncomingMessage } from 'node:http';
import type * as net from 'node:net';
import { safeRun } from '@rl-otel/core';
import { RlInstrumentationBase } from '@rl-otel/core/instrumentation';
import {
  type ClientTracing,
  onHttpError,
  onHttpRequestCreated,
  onHttpResponse,
  onUndiciCreate,
  onUndiciDone,
  onUndiciError,
  onUndiciHeaders,
} from './client.ts';
import { patchDenoServe, unpatchDenoServe } from './deno-serve.ts';
import { type ServerTracing, wrapServerEmit } from './server.ts';
import type { HttpInstrumentationConfig, UndiciRequest } from './types.ts';
import { DEFAULT_REDACTED_QUERY_PARAMS } from './utils.ts';
import { VERSION } from './version.ts';

export const INSTRUMENTATION_NAME = '@rl-otel/instrumentation-http';

/**
 * Incoming requests of `node:http` / `node:https` servers become server spans
 * and actions of kind `http` (named `METHOD /route` once a framework plugin
 * supplies the route, `METHOD (unmatched)` until then — never the raw path).
 * Outgoing `http.request` and `fetch` calls become client spans of kind
 * `http.client`, carrying `traceparent` and `baggage`.
 */
export class HttpInstrumentation extends RlInstrumentationBase<HttpInstrumentationConfig> {
  constructor(config: HttpInstrumentationConfig = {}) {
    super(INSTRUMENTATION_NAME, VERSION, config);
  }

  protected override init() {
    // node:http is patched at enable() through net.Server.prototype: no module hook is needed.
    return [];
  }

  protected override onEnable(): void {
    const config = this.getConfig();
    const sensitiveQuery = new Set(
      [
        ...(config.replaceRedactedQueryParams ? [] : DEFAULT_REDACTED_QUERY_PARAMS),
        ...(config.redactedQueryParams ?? []),
      ].map((p) => p.toLowerCase()),
    );
    if (config.server !== false) {
      const netModule = process.getBuiltinModule('node:net') as typeof net;
      const http = process.getBuiltinModule('node:http') as typeof import('node:http');
      const tracing: ServerTracing = {
        tracer: () => this.tracer,
        ignore: (request) => this.ignoreIncoming(request),
        onRequest: (span, request) =>
          this.runHook('requestHook', this.getConfig().requestHook, span, request),
        onResponse: (span, response) =>
          this.runHook('responseHook', this.getConfig().responseHook, span, response),
        sensitiveQuery,
      };
      patchDenoServe(() => this.tracer);
      this._wrap(
        netModule.Server.prototype,
        'emit',
        (original) => wrapServerEmit(original as never, tracing, http.ServerResponse) as never,
      );
    }
    const client: ClientTracing = {
      tracer: () => this.tracer,
      shouldTrace: () => this.shouldTraceClient(),
      ignore: (request) => this.ignoreOutgoing(request),
      onRequest: (span, request) => this.runHook('requestHook', this.getConfig().requestHook, span, request),
      onResponse: (span, response) =>
        this.runHook('responseHook', this.getConfig().responseHook, span, response),
      sensitiveQuery,
    };
    if (config.client !== false) {
      this.subscribe<{ request: ClientRequest }>('http.client.request.created', ({ request }) =>
        onHttpRequestCreated(client, request),
      );
      this.subscribe<{ request: ClientRequest; response: IncomingMessage }>(
        'http.client.response.finish',
        (m) => onHttpResponse(client, m.request, m.response),
      );
      this.subscribe<{ request: ClientRequest; error: unknown }>('http.client.request.error', (m) =>
        onHttpError(m.request, m.error),
      );
    }
    if (config.fetch !== false) {
      this.subscribe<{ request: UndiciRequest }>('undici:request:create', ({ request }) =>
        onUndiciCreate(client, request),
      );
      this.subscribe<{ request: UndiciRequest; response: { statusCode: number } }>(
        'undici:request:headers',
        (m) => onUndiciHeaders(client, m.request, m.response),
      );
      this.subscribe<{ request: UndiciRequest }>('undici:request:trailers', ({ request }) =>
        onUndiciDone(request),
      );
      this.subscribe<{ request: UndiciRequest; error: unknown }>('undici:request:error', (m) =>
        onUndiciError(m.request, m.error),
      );
    }
  }

  protected override onDisable(): void {
    unpatchDenoServe();
    const netModule = process.getBuiltinModule('node:net') as typeof net;
    this._unwrap(netModule.Server.prototype, 'emit');
  }

  private ignoreIncoming(request: IncomingMessage): boolean {
    const hook = this.getConfig().ignoreIncomingRequestHook;
    if (hook === undefined) return false;
    return safeRun(
      `${INSTRUMENTATION_NAME}:ignoreIncoming`,
      'ignoreIncomingRequestHook',
      () => hook(request) === true,
      false,
    );
  }

  private ignoreOutgoing(request: ClientRequest): boolean {
    const hook = this.getConfig().ignoreOutgoingRequestHook;
    if (hook === undefined) return false;
    return safeRun(
      `${INSTRUMENTATION_NAME}:ignoreOutgoing`,
      'ignoreOutgoingRequestHook',
      () => hook(request) === true,
      false,
    );
  }
}
