import { context } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { describeError, warnOnce } from '@rl-otel/core';
import { RlInstrumentationBase, recordHandlerError } from '@rl-otel/core/instrumentation';
import type { HonoAppLike, HonoContextLike, RouteInfo } from './internal-types.ts';
import { type HonoTracing, proxyHono, type RequestLike, wrapRouter } from './patch.ts';
import type { HonoInstrumentationConfig } from './types.ts';
import { endpointRoute, isMiddlewareRoute, isWildcard, mountedRoute, withExport } from './utils.ts';
import { VERSION } from './version.ts';

export const INSTRUMENTATION_NAME = '@rl-otel/instrumentation-hono';

type HonoClass = new (...args: never[]) => object;
type HonoExports = { Hono?: HonoClass };

/** What one request has seen so far; kept only while its server span is referenced. */
interface RequestState {
  /** The router (app) whose handler named the route. */
  owner?: object;
  /** The last error recorded, so that one error seen by several handlers is recorded once. */
  error?: unknown;
  hooked?: boolean;
}

/**
 * Hono 4 (on `@hono/node-server`, or any server whose requests have an HTTP
 * server span): gives the server span its route template — the route of the
 * handler that answered, with `basePath()` and `route()` prefixes and apps
 * mounted with `mount()` — and records the errors Hono caught on it. It makes
 * no span of its own.
 */
export class HonoInstrumentation extends RlInstrumentationBase<HonoInstrumentationConfig> {
  constructor(config: HonoInstrumentationConfig = {}) {
    super(INSTRUMENTATION_NAME, VERSION, config);
  }

  protected override init() {
    const proxies = new WeakMap<object, HonoClass>();
    const tracing = this.tracing();
    return [
      new InstrumentationNodeModuleDefinition(
        'hono',
        ['>=4.0.0 <5'],
        (exports: HonoExports) => {
          const Hono = exports.Hono;
          if (typeof Hono !== 'function' || proxies.has(Hono)) return exports;
          const proxied = proxyHono(Hono, (app) => this.onApp(app, tracing));
          proxies.set(proxied, Hono);
          return withExport(exports, 'Hono', proxied);
        },
        (exports: HonoExports) => {
          const original = exports.Hono === undefined ? undefined : proxies.get(exports.Hono);
          if (original !== undefined) withExport(exports, 'Hono', original);
        },
      ),
    ];
  }

  private onApp(app: HonoAppLike, tracing: HonoTracing): void {
    if (!this.isEnabled()) return;
    try {
      wrapRouter(app.router, tracing);
    } catch (error) {
      warnOnce(
        `${INSTRUMENTATION_NAME}:app`,
        `${INSTRUMENTATION_NAME} could not hook a Hono app (${describeError(error)}); its requests are recorded without route templates`,
      );
    }
  }

  // init() runs inside the base constructor: no instance fields may be relied on here.
  private tracing(): HonoTracing {
    const states = new WeakMap<RequestLike, RequestState>();
    const stateOf = (request: RequestLike) => {
      let state = states.get(request);
      if (state === undefined) states.set(request, (state = {}));
      return state;
    };
    return {
      current: () => {
        if (!this.isEnabled()) return undefined;
        const rpc = getRPCMetadata(context.active());
        return rpc?.type === RPCType.HTTP ? rpc : undefined;
      },
      dispatched: (request, c) => {
        const hook = this.getConfig().requestHook;
        if (hook === undefined) return;
        const state = stateOf(request);
        if (state.hooked) return;
        state.hooked = true;
        this.runHook('requestHook', hook, request.span, c);
      },
      ended: (request, route, owner, c, answered, threw, error) => {
        try {
          this.ended(stateOf(request), request, route, owner, c, answered, threw, error);
        } catch (failure) {
          warnOnce(
            `${INSTRUMENTATION_NAME}:ended`,
            `${INSTRUMENTATION_NAME} failed on a request and skipped it: ${describeError(failure)}`,
          );
        }
      },
    };
  }

  private ended(
    state: RequestState,
    request: RequestLike,
    route: RouteInfo,
    owner: object,
    c: HonoContextLike,
    answered: boolean,
    threw: boolean,
    thrown: unknown,
  ): void {
    // A handler's error reaches its own wrapper first; Hono then hands it to
    // `onError` and notes it in `c.error` (also for apps with their own `onError`
    // mounted by `route()`, whose wrapper only sees the answer).
    const error = threw ? thrown : c.error;
    if (error !== undefined && state.error !== error) {
      state.error = error;
      recordHandlerError(request.span, error);
    }
    if (!answered && !threw) return;
    if (state.owner === undefined) {
      // The innermost handler that answered (or threw) ends first: it names the
      // action — or, if it is a middleware that answered early (an auth check),
      // the route the request was meant for.
      state.owner = owner;
      request.route = isMiddlewareRoute(route) ? endpointRoute(c.req?.matchedRoutes, route) : route.path;
    } else if (state.owner !== owner && isWildcard(route.path) && request.route !== undefined) {
      // Another app answered inside this handler: an app mounted here with `mount()`.
      state.owner = owner;
      request.route = mountedRoute(route.path, request.route);
    }
  }
}
