/** Pure helpers of the Koa plugin. */
import type { KoaContext } from './internal-types.ts';

/**
 * The prefix koa-mount took off the path before a mounted app saw it
 * (`/v1` for `mount('/v1', app)`, `/v1/admin` for mounts in mounts), or ''.
 * koa-mount prefixes are literal paths (no parameters), so the prefix read
 * off the request is the template; it is only trusted when it ends with the
 * `ctx.mountPath` koa-mount set.
 */
export function mountPrefix(ctx: Pick<KoaContext, 'mountPath' | 'originalUrl' | 'path'>): string {
  const mountPath = ctx.mountPath;
  if (typeof mountPath !== 'string' || mountPath === '' || mountPath === '/') return '';
  const q = ctx.originalUrl.indexOf('?');
  const original = q === -1 ? ctx.originalUrl : ctx.originalUrl.slice(0, q);
  const current = ctx.path;
  let prefix: string;
  if (current !== '/' && original.endsWith(current))
    prefix = original.slice(0, original.length - current.length);
  else if (current === '/') prefix = original.endsWith('/') ? original.slice(0, -1) : original;
  else return '';
  const literal = mountPath.endsWith('/') ? mountPath.slice(0, -1) : mountPath;
  return prefix !== '' && prefix.endsWith(literal) ? prefix : '';
}

/** The route a @koa/router match stands for: its last layer with methods (a `router.use` layer has none). */
export function routeLayerOf<L extends { methods: string[] }>(
  layers: readonly L[] | undefined,
): L | undefined {
  if (layers === undefined) return undefined;
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i] as L;
    if (layer.methods.length > 0) return layer;
  }
  return undefined;
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
