import type { Span } from '@opentelemetry/api';
import type { RlInstrumentationConfig } from '@rl-otel/core/instrumentation';

/** What a query hook is told about the query. */
export interface SqliteQueryInfo {
  /** `better-sqlite3` or `node:sqlite`. */
  readonly library: 'better-sqlite3' | 'node:sqlite';
  /** The method that ran it: `run`, `get`, `all`, `iterate`, `exec` or `prepare`. */
  readonly method: string;
  /** The SQL text as the app wrote it (it may hold literals: do not export it as it is). */
  readonly sql: string;
}

export interface SqliteInstrumentationConfig extends RlInstrumentationConfig {
  /** Instrument `better-sqlite3` (11, 12, 13). @default true */
  betterSqlite3?: boolean;
  /** Instrument `node:sqlite` (`DatabaseSync`, `StatementSync`). @default true */
  nodeSqlite?: boolean;
  /**
   * A failed query makes the step action it belongs to unsuccessful (reward
   * component `success` 0) even when the app catches the error. By default
   * only an error that escapes fails the action (its own span then fails); a
   * caught one counts in the action's `errors` component.
   * @default false
   */
  failActionOnError?: boolean;
  /** Called when a query span starts, to add attributes. Runs on every traced query: keep it cheap. */
  requestHook?: (span: Span, query: SqliteQueryInfo) => void;
  /** Called before a query span ends with the query's result (rows, or `{ changes }` for `run`). */
  responseHook?: (span: Span, query: SqliteQueryInfo, result: unknown) => void;
}
