import { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { RlInstrumentationBase } from '@rl-otel/core/instrumentation';
import { betterSqlite3Hooks } from './better-sqlite3.ts';
import { nodeSqliteHooks } from './node-sqlite.ts';
import type { Library, QueryTracing } from './query.ts';
import type { Shim } from './shim.ts';
import type { SqliteInstrumentationConfig } from './types.ts';
import { VERSION } from './version.ts';

export const INSTRUMENTATION_NAME = '@rl-otel/instrumentation-sqlite';

/**
 * Every query of `better-sqlite3` (11–13) and `node:sqlite` becomes a client
 * span and an action of kind `db` named by its summary (`SELECT tasks`): the
 * action that caused it gets `db_calls` and `db_time_ms`. Queries outside any
 * span (startup migrations) are left out unless `requireParentSpan: false`.
 */
export class SqliteInstrumentation extends RlInstrumentationBase<SqliteInstrumentationConfig> {
  constructor(config: SqliteInstrumentationConfig = {}) {
    super(INSTRUMENTATION_NAME, VERSION, config);
  }

  // Runs from the base constructor: only closures over `this`, read when called.
  protected override init() {
    const shim: Shim = {
      wrap: (target, name, wrapper) => this._wrap(target as never, name as never, wrapper as never),
      unwrap: (target, name) => {
        const current = (target as Record<string, { __wrapped?: boolean } | undefined>)[name];
        if (current?.__wrapped === true) this._unwrap(target as never, name as never);
      },
    };
    const betterSqlite3 = betterSqlite3Hooks(
      this.queryTracing('better-sqlite3'),
      shim,
      () => this.getConfig().betterSqlite3 !== false,
    );
    const nodeSqlite = nodeSqliteHooks(
      this.queryTracing('node:sqlite'),
      shim,
      () => this.getConfig().nodeSqlite !== false,
    );
    return [
      new InstrumentationNodeModuleDefinition(
        'better-sqlite3',
        ['>=11 <14'],
        (exports) => betterSqlite3.patch(exports),
        (exports) => betterSqlite3.unpatch(exports),
      ),
      new InstrumentationNodeModuleDefinition(
        'node:sqlite',
        ['*'],
        (exports) => nodeSqlite.patch(exports),
        (exports) => nodeSqlite.unpatch(exports),
      ),
    ];
  }

  private queryTracing(library: Library): QueryTracing {
    return {
      library,
      tracer: () => this.tracer,
      shouldTrace: () => this.shouldTraceClient(),
      config: () => this.getConfig(),
      runHook: (name, hook, ...args) => this.runHook(name, hook, ...args),
    };
  }
}
