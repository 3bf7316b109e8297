import { context, type Span, SpanKind, trace } from '@opentelemetry/api';
import { getRPCMetadata, type RPCMetadata, RPCType } from '@opentelemetry/core';
import { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { ATTR_HTTP_ROUTE } from '@opentelemetry/semantic-conventions';
import {
  joinRoutePath,
  moduleExports,
  RlInstrumentationBase,
  recordHandlerError,
  routePattern,
  SeenErrors,
} from '@rl-otel/core/instrumentation';
import type { KoaContext, Middleware, RouterLayer } from './internal-types.ts';
import { type KoaEvents, wrapMatch, wrapRoutes, wrapUse } from './patch-koa.ts';
import { ATTR_KOA_NAME, ATTR_KOA_TYPE, KOA_TYPE_VALUE_MIDDLEWARE, KOA_TYPE_VALUE_ROUTER } from './semconv.ts';
import type { KoaInstrumentationConfig } from './types.ts';
import { isThenable, mountPrefix } from './utils.ts';
import { VERSION } from './version.ts';

export const INSTRUMENTATION_NAME = '@rl-otel/instrumentation-koa';

interface RequestState {
  readonly meta: RPCMetadata;
  route: string | undefined;
  readonly errors: SeenErrors;
}

/** Per Koa context (shared by apps mounted with koa-mount): null when the request has no server span to name. */
const states = new WeakMap<object, RequestState | null>();

type Constructor = { prototype: Record<string, unknown> };

/**
 * Koa 2 and 3 with @koa/router: names the server span and the RL action
 * after the matched route template (router prefixes, nested routers and
 * koa-mount prefixes included), and records what middleware throws or
 * rejects with on it.
 */
export class KoaInstrumentation extends RlInstrumentationBase<KoaInstrumentationConfig> {
  constructor(config: KoaInstrumentationConfig = {}) {
    super(INSTRUMENTATION_NAME, VERSION, config);
  }

  protected override init() {
    return [
      new InstrumentationNodeModuleDefinition('koa', ['>=2.0.0 <4'], (exports: unknown) => {
        const Koa = moduleExports(exports) as Constructor | undefined;
        const events = this.events();
        if (Koa?.prototype)
          this.wrapMethod(Koa.prototype, 'use', (original) => wrapUse(original as never, events));
        return exports;
      }),
      new InstrumentationNodeModuleDefinition('@koa/router', ['>=9.0.0 <16'], (exports: unknown) => {
        const Router = moduleExports(exports) as Constructor | undefined;
        const proto = Router?.prototype;
        if (proto === undefined) return exports;
        const events = this.events();
        this.wrapMethod(proto, 'match', (original) => wrapMatch(original as never, events));
        // `routes` and `middleware` are one function (or one calls the other); a dispatch is wrapped once.
        this.wrapMethod(proto, 'routes', (original) => wrapRoutes(original as never, events));
        this.wrapMethod(proto, 'middleware', (original) => wrapRoutes(original as never, events));
        return exports;
      }),
    ];
  }

  /** The decisions: built on demand, since enable() may run before this subclass's fields exist. */
  private events(): KoaEvents {
    return {
      tracked: (ctx) => this.stateOf(ctx) !== null,
      run: (ctx, middleware, call) => this.run(ctx, middleware, call),
      matched: (ctx, layer) => this.matched(ctx, layer),
      passedOn: (ctx, route) => {
        const state = this.stateOf(ctx);
        if (state !== null && route !== undefined && state.route === route) setRoute(state, undefined);
      },
    };
  }

  private stateOf(ctx: KoaContext): RequestState | null {
    let state = states.get(ctx);
    if (state !== undefined) return state;
    const meta = getRPCMetadata(context.active());
    state =
      meta?.type === RPCType.HTTP && this.isEnabled()
        ? { meta, route: undefined, errors: new SeenErrors() }
        : null;
    states.set(ctx, state);
    return state;
  }

  private matched(ctx: KoaContext, layer: RouterLayer): string | undefined {
    const state = this.stateOf(ctx);
    if (state === null) return undefined;
    const route = joinRoutePath(mountPrefix(ctx), routePattern(layer.path) ?? '/');
    if (route !== state.route) {
      setRoute(state, route);
      this.runHook('requestHook', this.getConfig().requestHook, state.meta.span, { context: ctx, route });
    }
    return route;
  }

  private run(ctx: KoaContext, middleware: Middleware, call: () => unknown): unknown {
    const state = this.stateOf(ctx);
    if (state === null) return call();
    const span = this.getConfig().middlewareSpans === true ? this.startSpan(state, middleware) : undefined;
    const failed = (error: unknown) => {
      if (state.errors.first(error)) recordHandlerError(state.meta.span, error);
      if (span !== undefined) {
        recordHandlerError(span, error);
        span.end();
      }
      throw error;
    };
    let result: unknown;
    try {
      result = span === undefined ? call() : context.with(trace.setSpan(context.active(), span), call);
    } catch (error) {
      return failed(error);
    }
    if (span !== undefined && middleware.router !== undefined) nameRouterSpan(span, state);
    if (!isThenable(result)) {
      span?.end();
      return result;
    }
    return result.then(
      span === undefined
        ? undefined
        : (value) => {
            span.end();
            return value;
          },
      failed,
    );
  }

  private startSpan(state: RequestState, middleware: Middleware): Span {
    const name = middleware._name || middleware.name || '<anonymous>';
    const isRouter = middleware.router !== undefined;
    const active = context.active();
    return this.tracer.startSpan(
      isRouter ? 'router' : `middleware - ${name}`,
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          [ATTR_KOA_NAME]: name,
          [ATTR_KOA_TYPE]: isRouter ? KOA_TYPE_VALUE_ROUTER : KOA_TYPE_VALUE_MIDDLEWARE,
        },
      },
      // Under the middleware that called this one (Koa's onion), or under the server span.
      trace.getSpan(active) === undefined ? trace.setSpan(active, state.meta.span) : active,
    );
  }
}

/** Sets (or clears) the route on the server span, leaving alone a route someone else set meanwhile. */
function setRoute(state: RequestState, route: string | undefined): void {
  if (state.meta.route === state.route) state.meta.route = route;
  state.route = route;
}

/** A router's span is named after the route it matched, once its synchronous part (the match) ran. */
function nameRouterSpan(span: Span, state: RequestState): void {
  if (state.route === undefined) return;
  span.updateName(`router - ${state.route}`);
  span.setAttribute(ATTR_HTTP_ROUTE, state.route);
}
