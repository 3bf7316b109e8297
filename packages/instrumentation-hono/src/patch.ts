/**
 * Hono's side. Hono has no diagnostics channels, and the handler that answers
 * a request is only known inside its dispatch, so this wraps — and only this:
 * the `Hono` class (a Proxy that hooks each new app) and each app's router's
 * `add`, which wraps every handler as it is registered. Apps mounted with
 * `route()` and `basePath()` copies share their parent's router, so every
 * handler is wrapped exactly once, with its full route template.
 */
import type { Span } from '@opentelemetry/api';
import type {
  HonoAppLike,
  HonoContextLike,
  HonoHandler,
  HonoRouterLike,
  RouteEntry,
  RouteInfo,
} from './internal-types.ts';
import { isAnswer } from './utils.ts';

export interface RequestLike {
  readonly span: Span;
  route?: string;
}

export interface HonoTracing {
  /** The request being handled, if it has a server span and the plugin is on. */
  current(): RequestLike | undefined;
  /** A handler is about to run for `request`. */
  dispatched(request: RequestLike, c: HonoContextLike): void;
  /** A handler registered as `route` in `owner`'s router returned (`answered`: with a response) or threw. */
  ended(
    request: RequestLike,
    route: RouteInfo,
    owner: object,
    c: HonoContextLike,
    answered: boolean,
    threw: boolean,
    error: unknown,
  ): void;
}

/** The `Hono` class, with every app it constructs (or a subclass does) passed to `onCreate`. */
export function proxyHono<T extends new (...args: never[]) => object>(
  Hono: T,
  onCreate: (app: HonoAppLike) => void,
): T {
  return new Proxy(Hono, {
    construct(target, args, newTarget) {
      const app = Reflect.construct(target, args, newTarget) as HonoAppLike;
      onCreate(app);
      return app;
    },
  });
}

const wrappedRouters = new WeakSet<object>();

export function wrapRouter(router: HonoRouterLike | undefined, tracing: HonoTracing): void {
  if (router === undefined || typeof router.add !== 'function' || wrappedRouters.has(router)) return;
  wrappedRouters.add(router);
  const add = router.add;
  router.add = function add_(this: unknown, method, path, entry) {
    const route = Array.isArray(entry) ? entry[1] : undefined;
    if (typeof entry?.[0] !== 'function' || typeof route?.path !== 'string')
      return add.call(this, method, path, entry);
    const wrapped: RouteEntry = [wrapHandler(entry[0], route, router, tracing), route];
    return add.call(this, method, path, wrapped);
  };
}

function wrapHandler(
  handler: HonoHandler,
  route: RouteInfo,
  owner: object,
  tracing: HonoTracing,
): HonoHandler {
  return function rlOtelHandler(this: unknown, c, next) {
    const request = tracing.current();
    if (request === undefined) return handler.call(this, c, next);
    tracing.dispatched(request, c);
    let result: unknown;
    try {
      result = handler.call(this, c, next);
    } catch (error) {
      tracing.ended(request, route, owner, c, false, true, error);
      throw error;
    }
    if (result instanceof Promise) {
      return result.then(
        (value: unknown) => {
          tracing.ended(request, route, owner, c, isAnswer(value, c), false, undefined);
          return value;
        },
        (error: unknown) => {
          tracing.ended(request, route, owner, c, false, true, error);
          throw error;
        },
      );
    }
    tracing.ended(request, route, owner, c, isAnswer(result, c), false, undefined);
    return result;
  };
}
