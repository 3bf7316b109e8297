import { type Context, trace } from '@opentelemetry/api';
import { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { isTracingSuppressed, RlInstrumentationBase } from '@rl-otel/core/instrumentation';
import { type PgTracing, wrapQuery } from './client.ts';
import { wrapConnect } from './pool.ts';
import type { PgInstrumentationConfig } from './types.ts';
import { VERSION } from './version.ts';

export const INSTRUMENTATION_NAME = '@rl-otel/instrumentation-pg';

type Exports = { Client?: { prototype?: object }; default?: Exports } | ((...args: never) => unknown);

/**
 * `pg` 8: every `Client.query` (and so `Pool.query`) becomes a client span
 * and an action of kind `db` named by its summary (`SELECT tasks`), with the
 * server's SQLSTATE on errors; `pool.connect()` becomes a span whose wait is
 * the action's `db_connect_time_ms`. Queries outside any span (startup
 * migrations) are left out unless `requireParentSpan: false`.
 */
export class PgInstrumentation extends RlInstrumentationBase<PgInstrumentationConfig> {
  constructor(config: PgInstrumentationConfig = {}) {
    super(INSTRUMENTATION_NAME, VERSION, config);
  }

  // Runs from the base constructor: only closures over `this`, read when called.
  protected override init() {
    const tracing: PgTracing = {
      tracer: () => this.tracer,
      shouldTrace: (ctx) => this.shouldTraceIn(ctx),
      config: () => this.getConfig(),
      runHook: (name, hook, ...args) => this.runHook(name, hook, ...args),
    };
    const clientProto = (exports: Exports) => {
      const e = exports as { Client?: { prototype?: object }; default?: { Client?: { prototype?: object } } };
      return (e.Client ?? e.default?.Client)?.prototype;
    };
    const poolProto = (exports: Exports) =>
      (typeof exports === 'function' ? exports : (exports as { default?: { prototype?: object } }).default)
        ?.prototype;
    return [
      new InstrumentationNodeModuleDefinition(
        'pg',
        ['>=8 <9'],
        (exports: Exports) => {
          const proto = clientProto(exports);
          if (proto !== undefined) this._wrap(proto as never, 'query' as never, wrapQuery(tracing) as never);
          return exports;
        },
        (exports: Exports) => {
          const proto = clientProto(exports);
          if (proto !== undefined) this._unwrap(proto as never, 'query' as never);
        },
      ),
      new InstrumentationNodeModuleDefinition(
        'pg-pool',
        ['>=3 <4'],
        (exports: Exports) => {
          const proto = poolProto(exports);
          if (proto !== undefined)
            this._wrap(proto as never, 'connect' as never, wrapConnect(tracing) as never);
          return exports;
        },
        (exports: Exports) => {
          const proto = poolProto(exports);
          if (proto !== undefined) this._unwrap(proto as never, 'connect' as never);
        },
      ),
    ];
  }

  private shouldTraceIn(ctx: Context): boolean {
    if (isTracingSuppressed(ctx)) return false;
    if (this.getConfig().requireParentSpan === false) return true;
    return trace.getSpan(ctx) !== undefined;
  }
}
