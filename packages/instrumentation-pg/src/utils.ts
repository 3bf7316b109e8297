/** Pure helpers of the pg plugin: span attributes of a query, rows of a result, SQLSTATE of an error. */
import type { Attributes } from '@opentelemetry/api';
import {
  ATTR_DB_COLLECTION_NAME,
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_SUMMARY,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_SYSTEM_NAME,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  DB_SYSTEM_NAME_VALUE_POSTGRESQL,
} from '@opentelemetry/semantic-conventions';
import {
  ATTR_RL_ACTION_KIND,
  ATTR_RL_ACTION_NAME,
  createSqlAnalyzer,
  RL_ACTION_KIND_VALUE_DB,
} from '@rl-otel/semantic-conventions';

export interface Connection {
  database?: unknown;
  host?: unknown;
  port?: unknown;
}

const analyze = createSqlAnalyzer('postgresql');

/** `db.*` and `server.*` attributes of a connection. */
export function connectionAttributes(connection: Connection | undefined): Attributes {
  const attributes: Attributes = { [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_NAME_VALUE_POSTGRESQL };
  if (connection === undefined) return attributes;
  // db.namespace is the database given at connect time; the schema would take a query to know.
  if (typeof connection.database === 'string' && connection.database !== '')
    attributes[ATTR_DB_NAMESPACE] = connection.database;
  if (typeof connection.host === 'string' && connection.host !== '')
    attributes[ATTR_SERVER_ADDRESS] = connection.host;
  const port = Number(connection.port);
  if (Number.isInteger(port) && port > 0) attributes[ATTR_SERVER_PORT] = port;
  return attributes;
}

/** Span name and attributes of a query; `text` may be missing for a named statement run again by name. */
export function queryAttributes(
  connection: Connection | undefined,
  text: string | undefined,
): [string, Attributes] {
  const attributes = connectionAttributes(connection);
  let name: string = DB_SYSTEM_NAME_VALUE_POSTGRESQL;
  if (text !== undefined) {
    const info = analyze(text);
    attributes[ATTR_DB_QUERY_TEXT] = info.text;
    if (info.summary !== undefined) {
      attributes[ATTR_DB_QUERY_SUMMARY] = info.summary;
      name = info.summary;
    }
    if (info.operation !== undefined) attributes[ATTR_DB_OPERATION_NAME] = info.operation;
    if (info.collection !== undefined) attributes[ATTR_DB_COLLECTION_NAME] = info.collection;
  }
  attributes[ATTR_RL_ACTION_KIND] = RL_ACTION_KIND_VALUE_DB;
  attributes[ATTR_RL_ACTION_NAME] = name;
  return [name, attributes];
}

interface ResultLike {
  command?: unknown;
  rowCount?: unknown;
  fields?: unknown;
  rows?: unknown;
}

const WRITES = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE', 'COPY']);

/** Rows a result returned (statements with a row description) and rows its writes changed. */
export function rowCounts(result: unknown): { returned?: number; affected?: number } {
  const results = (Array.isArray(result) ? result : [result]) as Array<ResultLike | null | undefined>;
  let returned: number | undefined;
  let affected: number | undefined;
  for (const r of results) {
    if (r === null || typeof r !== 'object') continue;
    const count =
      typeof r.rowCount === 'number' ? r.rowCount : Array.isArray(r.rows) ? r.rows.length : undefined;
    if (count === undefined) continue;
    if (Array.isArray(r.fields) && r.fields.length > 0) returned = (returned ?? 0) + count;
    if (typeof r.command === 'string' && WRITES.has(r.command)) affected = (affected ?? 0) + count;
  }
  return { returned, affected };
}

/** The SQLSTATE of a server error (`23505`), if the error is one. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}
