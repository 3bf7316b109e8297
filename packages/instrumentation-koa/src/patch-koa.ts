/**
 * The hook layer: Koa and @koa/router publish nothing, so `app.use`,
 * `router.routes()` / `router.middleware()` and `router.match` are wrapped.
 * The wrappers report to `KoaEvents`; the instrumentation decides.
 */
import type {
  KoaApplication,
  KoaContext,
  MatchResult,
  Middleware,
  Next,
  RouterLayer,
} from './internal-types.ts';
import { routeLayerOf } from './utils.ts';

export interface KoaEvents {
  /** Whether the request is traced (creates its state on first sight). */
  tracked(ctx: KoaContext): boolean;
  /** Runs one middleware invocation (`call`), seeing what it throws or rejects with. */
  run(ctx: KoaContext, middleware: Middleware, call: () => unknown): unknown;
  /** @koa/router matched `layer`; returns the route it names the request with. */
  matched(ctx: KoaContext, layer: RouterLayer): string | undefined;
  /** A router hands the request on downstream: a route it matched no longer answers it. */
  passedOn(ctx: KoaContext, route: string | undefined): void;
}

/** Marks a middleware wrapped by `app.use`, and a router dispatch wrapped by `routes()`: two layers. */
const USE_WRAPPED = Symbol('rl-otel.koa.use');
const DISPATCH_WRAPPED = Symbol('rl-otel.koa.dispatch');
type Mark = typeof USE_WRAPPED | typeof DISPATCH_WRAPPED;
type Marked = Middleware & { [USE_WRAPPED]?: true; [DISPATCH_WRAPPED]?: true };

/** Gives `wrapper` the name and the properties (`router`, `_name`, marks) of `fn`. */
function dress(wrapper: Marked, fn: Middleware, mark: Mark): Middleware {
  Object.defineProperty(wrapper, 'name', { value: fn.name, configurable: true });
  Object.assign(wrapper, fn);
  wrapper[mark] = true;
  return wrapper;
}

export function wrapMiddleware(fn: Middleware, events: KoaEvents): Middleware {
  if ((fn as Marked)[USE_WRAPPED]) return fn;
  const wrapper = function (this: unknown, ctx: KoaContext, next: Next) {
    if (!events.tracked(ctx)) return fn.call(this, ctx, next);
    return events.run(ctx, fn, () => fn.call(this, ctx, next));
  };
  return dress(wrapper, fn, USE_WRAPPED);
}

type Use = (this: KoaApplication, fn: unknown) => unknown;

/** `Application#use`: wraps what it pushed (after Koa 2 converted a generator function). */
export function wrapUse(original: Use, events: KoaEvents): Use {
  return function use(this: KoaApplication, fn) {
    const before = Array.isArray(this?.middleware) ? this.middleware.length : -1;
    const result = original.call(this, fn);
    if (before >= 0 && this.middleware.length === before + 1) {
      const pushed = this.middleware[before] as Middleware;
      this.middleware[before] = wrapMiddleware(pushed, events);
    }
    return result;
  };
}

interface Dispatch {
  readonly ctx: KoaContext;
  matched: boolean;
  route: string | undefined;
}

/** The dispatch running synchronously now: `router.match` is called from it before anything awaits. */
let dispatching: Dispatch | undefined;

function wrapDispatch(dispatch: Middleware, events: KoaEvents): Middleware {
  if ((dispatch as Marked)[DISPATCH_WRAPPED]) return dispatch;
  const wrapper = function (this: unknown, ctx: KoaContext, next: Next) {
    if (!events.tracked(ctx)) return dispatch.call(this, ctx, next);
    const call: Dispatch = { ctx, matched: false, route: undefined };
    let passed = false;
    const handOn: Next = () => {
      if (!passed) {
        passed = true;
        events.passedOn(ctx, call.route);
      }
      return next();
    };
    const outer = dispatching;
    dispatching = call;
    try {
      return dispatch.call(this, ctx, handOn);
    } finally {
      dispatching = outer;
    }
  };
  return dress(wrapper, dispatch, DISPATCH_WRAPPED);
}

type Routes = (this: unknown, ...args: unknown[]) => Middleware;

/** `Router#routes` / `Router#middleware`: the dispatch middleware they return is wrapped. */
export function wrapRoutes(original: Routes, events: KoaEvents): Routes {
  return function routes(this: unknown, ...args) {
    const dispatch = original.apply(this, args);
    return typeof dispatch === 'function' ? wrapDispatch(dispatch, events) : dispatch;
  };
}

type Match = (this: unknown, ...args: unknown[]) => MatchResult;

/** `Router#match`: the first call of a dispatch says which route matched. */
export function wrapMatch(original: Match, events: KoaEvents): Match {
  return function match(this: unknown, ...args) {
    const result = original.apply(this, args);
    const call = dispatching;
    if (call !== undefined && !call.matched) {
      call.matched = true;
      const layer = result?.route ? routeLayerOf(result.pathAndMethod) : undefined;
      if (layer !== undefined) call.route = events.matched(call.ctx, layer);
    }
    return result;
  };
}
