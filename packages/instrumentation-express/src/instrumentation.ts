import type { ServerResponse } from 'node:http';
import { context, type Span, SpanKind, trace } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import { moduleExports, RlInstrumentationBase, recordHandlerError } from '@rl-otel/core/instrumentation';
import type { ExpressRequest, Layer, LayerContext, RouterEvents } from './internal-types.ts';
import { wrapHandleError, wrapHandleRequest, wrapRouterHandle, wrapUse } from './patch-router.ts';
import {
  enterRouter,
  type LayerKind,
  layerKind,
  newState,
  type RequestState,
  startLayer,
} from './routing.ts';
import {
  ATTR_EXPRESS_NAME,
  ATTR_EXPRESS_TYPE,
  EXPRESS_TYPE_VALUE_MIDDLEWARE,
  EXPRESS_TYPE_VALUE_REQUEST_HANDLER,
  EXPRESS_TYPE_VALUE_ROUTER,
} from './semconv.ts';
import type { ExpressInstrumentationConfig } from './types.ts';
import { VERSION } from './version.ts';

export const INSTRUMENTATION_NAME = '@rl-otel/instrumentation-express';

/** The tracing channel `router` ≥ 2.3 (Express 5) publishes every layer invocation on. */
const ROUTER_CHANNEL = 'express.router.request';

/** Per request: null when the request has no server span to name (not traced, or no HTTP instrumentation). */
const states = new WeakMap<object, RequestState | null>();

type RouterModule = { prototype: Record<string, unknown> } & ((...args: unknown[]) => unknown);
type Express4Module = { Router: Record<string, unknown> & ((...args: unknown[]) => unknown) };

/**
 * Express 4 and 5: names the server span and the RL action after the full
 * route template (`GET /api/tasks/:id`), through nested routers, mount paths
 * and sub-apps, and records handler errors on it. Express 5's router (≥ 2.3)
 * is followed through its `express.router.request` tracing channel; older
 * routers and Express 4 are patched.
 */
export class ExpressInstrumentation extends RlInstrumentationBase<ExpressInstrumentationConfig> {
  constructor(config: ExpressInstrumentationConfig = {}) {
    super(INSTRUMENTATION_NAME, VERSION, config);
  }

  protected override init() {
    return [
      new InstrumentationNodeModuleDefinition('express', ['>=4.0.0 <5'], (exports: unknown) => {
        this.patchExpress4(moduleExports(exports) as Express4Module);
        return exports;
      }),
      // Express 5 routes through the `router` package.
      new InstrumentationNodeModuleDefinition(
        'router',
        ['>=2.0.0 <3'],
        (exports: unknown, version?: string) => {
          this.patchRouter2(moduleExports(exports) as RouterModule, publishesChannel(version));
          return exports;
        },
      ),
    ];
  }

  protected override onEnable(): void {
    const events = this.events();
    this.subscribe<LayerContext>(`tracing:${ROUTER_CHANNEL}:start`, (ctx) => events.start(ctx));
    this.subscribe<LayerContext>(`tracing:${ROUTER_CHANNEL}:error`, (ctx) => events.error(ctx));
    // `result` or `error` present at `end` means the invocation is over; otherwise its promise settles later.
    this.subscribe<LayerContext>(`tracing:${ROUTER_CHANNEL}:end`, (ctx) => {
      if ('result' in ctx || 'error' in ctx) events.done(ctx);
    });
    this.subscribe<LayerContext>(`tracing:${ROUTER_CHANNEL}:asyncEnd`, (ctx) => events.done(ctx));
  }

  private patchExpress4(express: Express4Module): void {
    const proto = express?.Router;
    if (typeof proto !== 'function') return;
    const layerProto = sampleLayerPrototype(() => (proto as () => { use(fn: unknown): unknown })());
    const events = this.events();
    this.wrapMethod(proto, 'handle', (original) => wrapRouterHandle(original as never, events));
    this.wrapMethod(proto, 'use', (original) => wrapUse(original as never));
    if (layerProto !== undefined) {
      this.wrapMethod(layerProto, 'handle_request', (original) =>
        wrapHandleRequest(original as never, events),
      );
      this.wrapMethod(layerProto, 'handle_error', (original) => wrapHandleError(original as never, events));
    }
  }

  private patchRouter2(Router: RouterModule, traced: boolean): void {
    const proto = Router?.prototype;
    if (proto === undefined) return;
    const events = this.events();
    this.wrapMethod(proto, 'handle', (original) => wrapRouterHandle(original as never, events));
    // router ≥ 2.3 reports its layers on the tracing channel; older ones are patched.
    if (traced) return;
    const layerProto = sampleLayerPrototype(
      () => new (Router as unknown as new () => { use(fn: unknown): unknown })(),
    );
    this.wrapMethod(proto, 'use', (original) => wrapUse(original as never));
    if (layerProto !== undefined) {
      this.wrapMethod(layerProto, 'handleRequest', (original) =>
        wrapHandleRequest(original as never, events),
      );
      this.wrapMethod(layerProto, 'handleError', (original) => wrapHandleError(original as never, events));
    }
  }

  /** The decisions: built on demand, since enable() may run before this subclass's fields exist. */
  private events(): RouterEvents {
    return {
      enter: (req) => {
        const state = this.stateOf(req);
        return state === null ? undefined : enterRouter(state);
      },
      tracked: (req) => this.stateOf(req) !== null,
      start: (ctx) => this.onLayerStart(ctx),
      error: (ctx) => this.onLayerError(ctx),
      done: (ctx) => {
        const span = states.get(ctx.req)?.spans?.get(ctx);
        if (span === undefined) return;
        states.get(ctx.req)?.spans?.delete(ctx);
        span.end();
      },
    };
  }

  private stateOf(req: ExpressRequest): RequestState | null {
    let state = states.get(req);
    if (state !== undefined) return state;
    const meta = getRPCMetadata(context.active());
    state = meta?.type === RPCType.HTTP && this.isEnabled() ? newState(meta) : null;
    states.set(req, state);
    return state;
  }

  private onLayerStart(ctx: LayerContext): void {
    const state = this.stateOf(ctx.req);
    if (state === null) return;
    const kind = layerKind(ctx);
    const previous = state.route;
    const route = startLayer(state, ctx, kind);
    if (kind === 'route' && route !== undefined && route !== previous) {
      const hook = this.getConfig().requestHook;
      this.runHook('requestHook', hook, state.meta.span, { request: ctx.req, route });
    }
    if (this.getConfig().middlewareSpans === true) this.startLayerSpan(state, ctx, kind, route);
  }

  private onLayerError(ctx: LayerContext): void {
    const state = this.stateOf(ctx.req);
    if (state === null || !state.errors.first(ctx.error)) return;
    recordHandlerError(state.meta.span, ctx.error);
    const span = state.spans?.get(ctx);
    if (span !== undefined) recordHandlerError(span, ctx.error);
  }

  private startLayerSpan(
    state: RequestState,
    ctx: LayerContext,
    kind: LayerKind,
    route: string | undefined,
  ): void {
    const name = ctx.layer.name || '<anonymous>';
    let spanName: string;
    let type: string;
    if (kind === 'route') {
      spanName = `request handler - ${route}`;
      type = EXPRESS_TYPE_VALUE_REQUEST_HANDLER;
    } else if (kind === 'router') {
      spanName = `router - ${route ?? '/'}`;
      type = EXPRESS_TYPE_VALUE_ROUTER;
    } else {
      spanName = `middleware - ${name}`;
      type = EXPRESS_TYPE_VALUE_MIDDLEWARE;
    }
    const attributes: Record<string, string> = { [ATTR_EXPRESS_NAME]: name, [ATTR_EXPRESS_TYPE]: type };
    if (kind === 'route' && route !== undefined) attributes[ATTR_HTTP_ROUTE] = route;
    const parent = trace.setSpan(context.active(), state.meta.span);
    const span = this.tracer.startSpan(spanName, { kind: SpanKind.INTERNAL, attributes }, parent);
    if (state.spans === undefined) {
      const spans = new Map<LayerContext, Span>();
      state.spans = spans;
      // A handler that never calls next and never settles still ends with the response.
      (ctx.res as ServerResponse).once('close', () => {
        for (const open of spans.values()) open.end();
        spans.clear();
      });
    }
    state.spans.set(ctx, span);
  }
}

/** `router` publishes its tracing channel from 2.3.0 on. */
export function publishesChannel(version: string | undefined): boolean {
  const [major, minor] = (version ?? '').split('.').map(Number);
  return major !== undefined && minor !== undefined && (major > 2 || (major === 2 && minor >= 3));
}

/** Layer is not exported; a throwaway router built by the library itself shows its prototype. */
function sampleLayerPrototype(build: () => { use(fn: unknown): unknown }): Layer | undefined {
  try {
    const router = build() as { use(fn: unknown): unknown; stack?: Layer[] };
    router.use(function sample() {});
    const layer = router.stack?.[0];
    return layer === undefined ? undefined : (Object.getPrototypeOf(layer) as Layer);
  } catch {
    return undefined;
  }
}
