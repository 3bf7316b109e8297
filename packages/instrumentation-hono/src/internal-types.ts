/**
 * The few parts of Hono this plugin touches, written out structurally so that
 * its types need no `hono` package.
 */

/** A route as Hono registers it; `path` is the full template, `method` is `ALL` for `use()`, `all()` and `mount()`. */
export interface RouteInfo {
  readonly path: string;
  readonly method: string;
}

/** A Hono `Context` (`c`), as far as this plugin reads it. */
export interface HonoContextLike {
  /** Set by Hono when a handler's error went to an `onError` handler. */
  readonly error?: unknown;
  /** `c.req.matchedRoutes`: every route that matched the request, in order (deprecated in Hono 4, so optional). */
  readonly req?: { readonly matchedRoutes?: readonly RouteInfo[] };
}

export type HonoHandler = (this: unknown, c: HonoContextLike, next: unknown) => unknown;

/** What Hono stores per route: `[handler, { path, method, … }]`; `path` is the full template. */
export type RouteEntry = [HonoHandler, RouteInfo];

export interface HonoRouterLike {
  add(method: string, path: string, entry: RouteEntry): void;
}

/** A Hono app (`new Hono()`), as far as this plugin reads it. */
export interface HonoAppLike {
  readonly router?: HonoRouterLike;
}
