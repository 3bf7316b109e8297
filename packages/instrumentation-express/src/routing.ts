/**
 * Which route a request is in, followed through Express's layers. Routers
 * nest (app → mounted router → sub-app …); each router invocation is a frame
 * with the route template of its mount point. A route handler names the
 * request `frame + route path`; a handler that passes the request on
 * (`next()`) gives the name up again, so a request nobody answers stays
 * unmatched. Errors keep the route they happened in.
 */
import type { Span } from '@opentelemetry/api';
import type { RPCMetadata } from '@opentelemetry/core';
import { joinRoutePath, routePattern, SeenErrors } from '@rl-otel/core/instrumentation';
import type { Layer, LayerContext } from './internal-types.ts';
import { isRouteHandler } from './patch-router.ts';

interface Frame {
  readonly template: string;
  readonly routeAtEntry: string | undefined;
}

export interface RequestState {
  /** The server span's RPC metadata: `route` set here names the span and the action. */
  readonly meta: RPCMetadata;
  readonly frames: Frame[];
  /** Mount template of the last `use` layer started: the template of a router it enters. */
  pending: string | undefined;
  route: string | undefined;
  /** The route is a mount path whose middleware is answering, not a route's. */
  mountOnly: boolean;
  readonly errors: SeenErrors;
  spans: Map<LayerContext, Span> | undefined;
}

export function newState(meta: RPCMetadata): RequestState {
  return {
    meta,
    frames: [],
    pending: undefined,
    route: undefined,
    mountOnly: false,
    errors: new SeenErrors(),
    spans: undefined,
  };
}

function currentTemplate(state: RequestState): string {
  return state.frames.at(-1)?.template ?? '';
}

/** Sets (or clears) the route on the server span, leaving alone a route someone else set meanwhile. */
function setRoute(state: RequestState, route: string | undefined, mountOnly: boolean): void {
  if (state.meta.route === state.route) state.meta.route = route;
  state.route = route;
  state.mountOnly = mountOnly;
}

/** A router starts on the request; the returned function is called when it hands the request back. */
export function enterRouter(state: RequestState): (err: unknown) => void {
  const template = state.pending ?? currentTemplate(state);
  state.pending = undefined;
  // The mount path named the request only while its middleware might answer; a router answers through its routes.
  if (state.mountOnly) setRoute(state, undefined, false);
  const frame: Frame = { template, routeAtEntry: state.route };
  state.frames.push(frame);
  let exited = false;
  return (err) => {
    if (exited) return;
    exited = true;
    const index = state.frames.lastIndexOf(frame);
    if (index !== -1) state.frames.length = index;
    // Handed back without an error: whatever matched inside passed the request on.
    if (!err && state.route !== frame.routeAtEntry) setRoute(state, frame.routeAtEntry, false);
  };
}

/** The template of a `use` layer's mount point: '' for the top, `/api` under `/api`. */
function mountTemplate(base: string, pattern: string | undefined): string {
  if (pattern === undefined || pattern === '' || pattern === '/') return base;
  const joined = joinRoutePath(base, pattern);
  return joined === '/' ? '' : joined;
}

export type LayerKind = 'route' | 'middleware' | 'router' | 'error' | 'param';

export function layerKind(ctx: LayerContext): LayerKind {
  if (ctx.param !== undefined) return 'param';
  if (ctx.errorHandler === true) return 'error';
  if (isRouteHandler(ctx.layer)) return 'route';
  return isRouterLayer(ctx.layer) ? 'router' : 'middleware';
}

/** A mounted router or sub-app (Express names their layer functions so). */
function isRouterLayer(layer: Layer): boolean {
  return layer.name === 'router' || layer.name === 'mounted_app';
}

/**
 * A layer starts. Returns the route it stands for (a route handler's full
 * template, or a middleware's mount template), or undefined.
 */
export function startLayer(state: RequestState, ctx: LayerContext, kind: LayerKind): string | undefined {
  if (kind === 'param' || kind === 'error') return undefined;
  // No router entry seen (express was loaded before the instrumentation): the mount paths are unknown.
  if (state.frames.length === 0) return undefined;
  const base = currentTemplate(state);
  const pattern = routePattern(ctx.route);
  if (kind === 'route') {
    const route = joinRoutePath(base, pattern ?? '/');
    setRoute(state, route, false);
    return route;
  }
  const mount = mountTemplate(base, pattern);
  state.pending = mount;
  // Middleware at a mount path (`app.use('/health', fn)`) names the request
  // while it may answer; at the top it names nothing, and any earlier route
  // was passed on to get here.
  setRoute(state, mount === '' ? undefined : mount, mount !== '');
  return mount === '' ? undefined : mount;
}
