/**
 * The parts of Express 4 and of `router` 2 (Express 5's router) this plugin
 * touches, typed structurally so that no version's own types are needed.
 * Internal: free to change.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Next = (err?: unknown) => void;

/** A router layer: a `use` middleware, a route's dispatcher, or one handler inside a route. */
export interface Layer {
  handle: (...args: never[]) => unknown;
  name: string;
  /** Set on a route's dispatcher layer. */
  route?: Route;
  /** Own property (possibly `undefined`) on the handler layers inside a route, absent elsewhere. */
  method?: string;
}

export interface Route {
  path: unknown;
}

export interface ExpressRequest extends IncomingMessage {
  /** The route that matched last (Express sets it before dispatching to the route). */
  route?: Route;
  /** The innermost router's `next`, restored by each router when it hands the request back. */
  next?: Next;
}

/**
 * One layer invocation, shaped like the context that `router` ≥ 2.3 publishes
 * on its `express.router.request` tracing channel; the patched versions
 * report the same shape.
 */
export interface LayerContext {
  req: ExpressRequest;
  res: ServerResponse;
  layer: Layer;
  /** The path pattern that matched: the route's for route handlers, the mount path for middleware. */
  route?: unknown;
  /** Set for `router.param()` callbacks. */
  param?: string;
  /** True for error-handling middleware (4 arguments). */
  errorHandler?: boolean;
  incomingError?: unknown;
  error?: unknown;
  result?: unknown;
}

/** What the hooks report; the instrumentation decides what it means. */
export interface RouterEvents {
  /** A router starts on a request; returns what to call when it hands the request back, or undefined when the request is not traced. */
  enter(req: ExpressRequest): ((err: unknown) => void) | undefined;
  /** Whether the request is traced at all (cheap check before building a context). */
  tracked(req: ExpressRequest): boolean;
  start(ctx: LayerContext): void;
  error(ctx: LayerContext): void;
  /** The invocation finished: it called `next`, or its promise settled. */
  done(ctx: LayerContext): void;
}
