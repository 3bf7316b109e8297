/**
 * The parts of Koa, koa-mount and @koa/router this plugin touches, typed
 * structurally so that no version's own types are needed. Internal.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Next = () => Promise<unknown>;
export type Middleware = ((ctx: KoaContext, next: Next) => unknown) & {
  /** Set on `router.routes()` middleware; nesting routers relies on it. */
  router?: unknown;
  _name?: string;
};

export interface KoaContext {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  /** The path the app sees (koa-mount trims its prefix from it). */
  path: string;
  originalUrl: string;
  /** Set by koa-mount to the prefix it matched. */
  mountPath?: string;
}

export interface KoaApplication {
  middleware: Middleware[];
}

/** A @koa/router layer: a route when it has methods, a `router.use` middleware otherwise. */
export interface RouterLayer {
  path: unknown;
  methods: string[];
}

export interface MatchResult {
  route?: boolean;
  pathAndMethod?: RouterLayer[];
}
