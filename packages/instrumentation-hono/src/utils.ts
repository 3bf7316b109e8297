/** Pure helpers of the Hono plugin. */
import type { RouteInfo } from './internal-types.ts';

/**
 * Whether a handler's return value is the answer: a response. Middleware
 * returns nothing, or what `next()` resolves to — the `Context` itself.
 */
export function isAnswer(value: unknown, c: unknown): boolean {
  return value !== undefined && value !== null && value !== c;
}

/** Whether a route ends in a wildcard, as `app.mount()` routes do (`/legacy/*`). */
export function isWildcard(route: string): boolean {
  return route.endsWith('*');
}

/** A route registered for every method on a wildcard path: how `use()` middleware looks (`/*`, `/admin/*`). */
export function isMiddlewareRoute(route: RouteInfo): boolean {
  return route.method === 'ALL' && isWildcard(route.path);
}

/**
 * The route a request was meant for when a middleware answered it (an auth
 * check's 401): the first matched route that is not middleware-like, else the
 * middleware's own.
 */
export function endpointRoute(matched: readonly RouteInfo[] | undefined, answeredBy: RouteInfo): string {
  const endpoint = matched?.find((r) => !isMiddlewareRoute(r));
  return endpoint === undefined ? answeredBy.path : endpoint.path;
}

/** The template of a route answered by an app mounted at `mountRoute` (`/legacy/*` + `/users/:id`). */
export function mountedRoute(mountRoute: string, inner: string): string {
  const prefix = mountRoute.replace(/\/?\*$/, '');
  if (inner === '/' || inner === '') return prefix || '/';
  return prefix + (inner.startsWith('/') ? inner : `/${inner}`);
}

/**
 * Hands out `exports` with `name` replaced: in place where the binding is
 * writable (ES module namespaces through the loader hook, plain CommonJS
 * exports), else as a copy (getter-only CommonJS exports of older bundles).
 */
export function withExport<T extends object>(exports: T, name: string, value: unknown): T {
  try {
    (exports as Record<string, unknown>)[name] = value;
  } catch {
    // a read-only binding: copied below
  }
  if ((exports as Record<string, unknown>)[name] === value) return exports;
  return { ...exports, [name]: value };
}
