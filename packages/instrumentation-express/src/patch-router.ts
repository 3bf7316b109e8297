/**
 * The hook layer: wrappers for Express 4's router and `router` 2.0–2.2, which
 * publish nothing. They report each layer invocation to `RouterEvents` in the
 * shape `router` ≥ 2.3 publishes on `express.router.request`, plus router
 * entry and exit (which no version publishes). No span decisions here.
 */
import type { ServerResponse } from 'node:http';
import type { ExpressRequest, Layer, LayerContext, Next, RouterEvents } from './internal-types.ts';

/** The path each `use` layer was registered with (Express 4 and `router` < 2.3 do not keep it). */
const mountPaths = new WeakMap<object, unknown>();

type Handle = (this: unknown, req: ExpressRequest, res: ServerResponse, callback: Next) => unknown;

/** `Router#handle`: the request enters a router (the app's, a mounted router's, a sub-app's) and leaves it through `callback`. */
export function wrapRouterHandle(original: Handle, events: RouterEvents): Handle {
  return function handle(this: unknown, req, res, callback) {
    if (typeof callback !== 'function') return original.call(this, req, res, callback);
    const exit = events.enter(req);
    if (exit === undefined) return original.call(this, req, res, callback);
    return original.call(this, req, res, function (this: unknown, ...args: unknown[]) {
      exit(args[0]);
      return (callback as (...a: unknown[]) => unknown).apply(this, args);
    });
  };
}

type Use = (this: { stack: Layer[] }, ...args: unknown[]) => unknown;

/** `Router#use`: remembers the mount path of the layers it adds, as the router itself resolves its arguments. */
export function wrapUse(original: Use): Use {
  return function use(this: { stack: Layer[] }, ...args) {
    const before = Array.isArray(this?.stack) ? this.stack.length : -1;
    const result = original.apply(this, args);
    if (before >= 0) {
      let path: unknown = '/';
      let first: unknown = args[0];
      while (Array.isArray(first) && first.length > 0) first = first[0];
      if (typeof args[0] !== 'function' && typeof first !== 'function') path = args[0];
      for (let i = before; i < this.stack.length; i++) {
        const layer = this.stack[i];
        if (layer !== undefined && layer.route === undefined) mountPaths.set(layer, path);
      }
    }
    return result;
  };
}

/** A layer inside a route (one of `app.get('/x', a, b)`'s handlers): route.js always sets its own `method`. */
export function isRouteHandler(layer: Layer): boolean {
  return Object.hasOwn(layer, 'method');
}

function patternOf(layer: Layer, req: ExpressRequest): unknown {
  return isRouteHandler(layer) ? req.route?.path : mountPaths.get(layer);
}

function invoke(events: RouterEvents, ctx: LayerContext, next: Next, run: (next: Next) => unknown): unknown {
  let finished = false;
  const wrappedNext: Next = (err) => {
    if (err && err !== 'route' && err !== 'router') {
      ctx.error = err;
      events.error(ctx);
    }
    if (!finished) {
      finished = true;
      events.done(ctx);
    }
    next(err);
  };
  events.start(ctx);
  // The original layer catches what the handler throws (and, in router 2, what
  // its promise rejects with) and passes it to wrappedNext.
  return run(wrappedNext);
}

type HandleRequest = (this: Layer, req: ExpressRequest, res: ServerResponse, next: Next) => unknown;
type HandleError = (
  this: Layer,
  error: unknown,
  req: ExpressRequest,
  res: ServerResponse,
  next: Next,
) => unknown;

/** `Layer#handle_request` (Express 4) or `Layer#handleRequest` (router 2.0–2.2). */
export function wrapHandleRequest(original: HandleRequest, events: RouterEvents): HandleRequest {
  return function handleRequest(this: Layer, req, res, next) {
    // Route dispatchers are skipped (their handlers are reported one by one), as router 2.3 does.
    if (this.route !== undefined || this.handle.length > 3 || !events.tracked(req))
      return original.call(this, req, res, next);
    const ctx: LayerContext = { req, res, layer: this, route: patternOf(this, req) };
    return invoke(events, ctx, next, (wrapped) => original.call(this, req, res, wrapped));
  };
}

/** `Layer#handle_error` (Express 4) or `Layer#handleError` (router 2.0–2.2). */
export function wrapHandleError(original: HandleError, events: RouterEvents): HandleError {
  return function handleError(this: Layer, error, req, res, next) {
    if (this.handle.length !== 4 || !events.tracked(req)) return original.call(this, error, req, res, next);
    const ctx: LayerContext = {
      req,
      res,
      layer: this,
      route: patternOf(this, req),
      errorHandler: true,
      incomingError: error,
    };
    return invoke(events, ctx, next, (wrapped) => original.call(this, error, req, res, wrapped));
  };
}
