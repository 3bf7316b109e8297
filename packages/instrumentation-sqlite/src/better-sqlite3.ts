/**
 * better-sqlite3 11, 12 and 13. Statements are native objects whose class the
 * module does not export, so their prototype is patched from the first
 * statement `prepare` returns. `pragma()` and `transaction()` prepare their
 * statements natively (BEGIN, COMMIT, `PRAGMA …`): they make sure the
 * prototype is patched before they run, and their statements are then traced
 * like any other.
 */
import {
  execWrapper,
  type Fn,
  namespaceOf,
  prepareWrapper,
  type QueryTracing,
  STATEMENT_METHODS,
  statementRecord,
  statementRecords,
  statementWrapper,
} from './query.ts';
import type { Shim } from './shim.ts';

interface Statement {
  readonly source: string;
  readonly database?: { readonly name?: unknown };
}

interface Database {
  readonly name?: unknown;
  prepare(sql: string): Statement;
}

export interface ModuleHooks {
  patch<T>(moduleExports: T): T;
  unpatch(moduleExports: unknown): void;
}

export function betterSqlite3Hooks(tracing: QueryTracing, shim: Shim, enabled: () => boolean): ModuleHooks {
  const prototypes: object[] = [];
  let lastPrototype: object | undefined;
  const recordOf = statementRecords((statement: Statement) =>
    statementRecord(statement.source, namespaceOf(statement.database?.name)),
  );

  const patchStatements = (prototype: object) => {
    lastPrototype = prototype;
    if (prototypes.includes(prototype)) return;
    prototypes.push(prototype);
    for (const method of STATEMENT_METHODS) {
      if (typeof (prototype as Record<string, unknown>)[method] !== 'function') continue;
      shim.wrap(prototype, method, statementWrapper(tracing, method, recordOf));
    }
  };

  const ensurePatched = (db: Database) => {
    if (prototypes.length > 0) return;
    try {
      db.prepare('SELECT 1');
    } catch {
      // a closed or busy database: its next prepare() patches instead
    }
  };

  return {
    patch(moduleExports) {
      if (!enabled()) return moduleExports;
      const Database = (
        typeof moduleExports === 'function' ? moduleExports : (moduleExports as { default?: unknown }).default
      ) as { prototype?: Record<string, unknown> } | undefined;
      const proto = Database?.prototype;
      if (proto === undefined || typeof proto.prepare !== 'function') return moduleExports;
      const namespace = (db: unknown) => namespaceOf((db as Database).name);
      shim.wrap(
        proto,
        'prepare',
        prepareWrapper(tracing, namespace, (_db, statement) => {
          const prototype = Object.getPrototypeOf(statement) as object | null;
          if (prototype !== lastPrototype && prototype !== null) patchStatements(prototype);
        }),
      );
      shim.wrap(proto, 'exec', execWrapper(tracing, namespace));
      for (const name of ['pragma', 'transaction']) {
        if (typeof proto[name] !== 'function') continue;
        shim.wrap(
          proto,
          name,
          (original: Fn) =>
            function (this: Database) {
              ensurePatched(this);
              // biome-ignore lint/complexity/noArguments: passes every argument through unchanged
              return original.apply(this, arguments as never);
            },
        );
      }
      return moduleExports;
    },
    unpatch(moduleExports) {
      const Database = (
        typeof moduleExports === 'function' ? moduleExports : (moduleExports as { default?: unknown }).default
      ) as { prototype?: object } | undefined;
      const proto = Database?.prototype;
      if (proto !== undefined)
        for (const name of ['prepare', 'exec', 'pragma', 'transaction']) shim.unwrap(proto, name);
      for (const prototype of prototypes.splice(0))
        for (const method of STATEMENT_METHODS) shim.unwrap(prototype, method);
      lastPrototype = undefined;
    },
  };
}
