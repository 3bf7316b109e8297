import type { Span } from '@opentelemetry/api';
import type { RlInstrumentationConfig } from '@rl-otel/core/instrumentation';

/** What a query hook is told about the query. */
export interface PgQueryInfo {
  /** The SQL text as the app wrote it (it may hold literals: do not export it as it is). */
  readonly text: string | undefined;
  /** Name of a prepared statement, when the query has one. */
  readonly name: string | undefined;
  /** Connection settings of the client (no password). */
  readonly connection: { database?: string; host?: string; port?: number; user?: string };
}

export interface PgInstrumentationConfig extends RlInstrumentationConfig {
  /**
   * A failed query makes the step action it belongs to unsuccessful (reward
   * component `success` 0) even when the app catches the error. By default
   * only an error that escapes fails the action (its own span then fails); a
   * caught one counts in the action's `errors` component.
   * @default false
   */
  failActionOnError?: boolean;
  /** Record `pool.connect()` (the wait for a pooled connection) as a span and a `db_connect_time_ms` reward component. @default true */
  poolConnect?: boolean;
  /** Called when a query span starts, to add attributes. */
  requestHook?: (span: Span, query: PgQueryInfo) => void;
  /** Called before a query span ends, with pg's result (a `Result`, or an array of them for several statements). */
  responseHook?: (span: Span, query: PgQueryInfo, result: unknown) => void;
}
