/**
 * node:sqlite (`DatabaseSync`, `StatementSync`). The module exports both
 * classes, so their prototypes are patched when it is loaded. A statement
 * does not know its database: `prepare` remembers it, for `db.namespace`.
 */
import type { ModuleHooks } from './better-sqlite3.ts';
import {
  execWrapper,
  namespaceOf,
  prepareWrapper,
  type QueryTracing,
  STATEMENT_METHODS,
  statementRecord,
  statementRecords,
  statementWrapper,
} from './query.ts';
import type { Shim } from './shim.ts';

interface StatementSync {
  readonly sourceSQL: string;
}

interface DatabaseSync {
  location?(dbName?: string): string | null;
}

interface NodeSqlite {
  DatabaseSync?: { prototype: Record<string, unknown> };
  StatementSync?: { prototype: Record<string, unknown> };
}

function namespaceOfDatabase(db: DatabaseSync | undefined): string | undefined {
  try {
    return typeof db?.location === 'function' ? namespaceOf(db.location()) : undefined;
  } catch {
    return undefined; // a closed database
  }
}

export function nodeSqliteHooks(tracing: QueryTracing, shim: Shim, enabled: () => boolean): ModuleHooks {
  const owners = new WeakMap<object, DatabaseSync>();
  const recordOf = statementRecords((statement: StatementSync) =>
    statementRecord(statement.sourceSQL, namespaceOfDatabase(owners.get(statement))),
  );

  return {
    patch(moduleExports) {
      if (!enabled()) return moduleExports;
      const { DatabaseSync, StatementSync } = moduleExports as NodeSqlite;
      if (DatabaseSync === undefined || StatementSync === undefined) return moduleExports;
      const statementProto = StatementSync.prototype;
      for (const method of STATEMENT_METHODS) {
        if (typeof statementProto[method] !== 'function') continue;
        shim.wrap(statementProto, method, statementWrapper(tracing, method, recordOf));
      }
      const dbProto = DatabaseSync.prototype;
      const namespace = (db: unknown) => namespaceOfDatabase(db as DatabaseSync);
      shim.wrap(
        dbProto,
        'prepare',
        prepareWrapper(tracing, namespace, (db, statement) => owners.set(statement, db as DatabaseSync)),
      );
      shim.wrap(dbProto, 'exec', execWrapper(tracing, namespace));
      return moduleExports;
    },
    unpatch(moduleExports) {
      const { DatabaseSync, StatementSync } = moduleExports as NodeSqlite;
      if (StatementSync !== undefined)
        for (const method of STATEMENT_METHODS) shim.unwrap(StatementSync.prototype, method);
      if (DatabaseSync !== undefined)
        for (const name of ['prepare', 'exec']) shim.unwrap(DatabaseSync.prototype, name);
    },
  };
}
