/**
 * One traced query: a span per call, its rows and its error. Whatever can be
 * decided per statement (span name, attributes, options) is decided once in a
 * `StatementRecord`; a call only starts a span, counts rows and ends it.
 */
import { type Attributes, type Span, SpanKind, type SpanOptions, type Tracer } from '@opentelemetry/api';
import {
  ATTR_DB_COLLECTION_NAME,
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_SUMMARY,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_RESPONSE_STATUS_CODE,
  ATTR_DB_SYSTEM_NAME,
} from '@opentelemetry/semantic-conventions';
import { failStep } from '@rl-otel/core';
import { recordError } from '@rl-otel/core/instrumentation';
import {
  ATTR_DB_RESPONSE_AFFECTED_ROWS,
  ATTR_DB_RESPONSE_RETURNED_ROWS,
  ATTR_RL_ACTION_KIND,
  ATTR_RL_ACTION_NAME,
  createSqlAnalyzer,
  DB_SYSTEM_NAME_VALUE_SQLITE,
  RL_ACTION_KIND_VALUE_DB,
} from '@rl-otel/semantic-conventions';
import type { SqliteInstrumentationConfig, SqliteQueryInfo } from './types.ts';

export type Library = SqliteQueryInfo['library'];
export type Method = 'run' | 'get' | 'all' | 'iterate' | 'exec' | 'prepare';
export type Fn = (this: unknown, ...args: unknown[]) => unknown;

/** What the hook files need from the instrumentation. */
export interface QueryTracing {
  readonly library: Library;
  tracer(): Tracer;
  /** Whether a query in the active context gets a span (not suppressed, a parent span unless configured otherwise). */
  shouldTrace(): boolean;
  config(): SqliteInstrumentationConfig;
  /** Runs a user hook; if it throws, that is reported once and the query goes on. */
  runHook<A extends unknown[]>(name: string, hook: ((...args: A) => void) | undefined, ...args: A): void;
}

export interface StatementRecord {
  readonly sql: string;
  readonly name: string;
  readonly options: SpanOptions;
}

const analyze = createSqlAnalyzer('sqlite');

/** Span name, attributes and options of a statement: computed once per prepared statement. */
export function statementRecord(sql: string, namespace: string | undefined): StatementRecord {
  const info = analyze(sql);
  const name = info.summary ?? DB_SYSTEM_NAME_VALUE_SQLITE;
  const attributes: Attributes = {
    [ATTR_RL_ACTION_KIND]: RL_ACTION_KIND_VALUE_DB,
    [ATTR_RL_ACTION_NAME]: name,
    [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_NAME_VALUE_SQLITE,
    [ATTR_DB_QUERY_TEXT]: info.text,
  };
  if (info.summary !== undefined) attributes[ATTR_DB_QUERY_SUMMARY] = info.summary;
  if (info.operation !== undefined) attributes[ATTR_DB_OPERATION_NAME] = info.operation;
  if (info.collection !== undefined) attributes[ATTR_DB_COLLECTION_NAME] = info.collection;
  if (namespace !== undefined) attributes[ATTR_DB_NAMESPACE] = namespace;
  // SQLite runs in-process, but CLIENT is what backends recognise as a database call.
  return { sql, name, options: { kind: SpanKind.CLIENT, attributes } };
}

/** `db.namespace` of a database file: its base name, none for in-memory and temporary databases. */
export function namespaceOf(filename: unknown): string | undefined {
  if (typeof filename !== 'string' || filename === '' || filename === ':memory:') return undefined;
  let name = filename.startsWith('file:') ? filename.slice(5) : filename;
  const query = name.indexOf('?');
  if (query !== -1) name = name.slice(0, query);
  name = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  return name === '' || name === ':memory:' ? undefined : name;
}

/** The statement methods both libraries trace. */
export const STATEMENT_METHODS: readonly Method[] = ['run', 'get', 'all', 'iterate'];

/** Records by statement, made on a statement's first traced run and kept while it lives. */
export function statementRecords<S extends object>(
  describe: (statement: S) => StatementRecord,
): (statement: S) => StatementRecord {
  const records = new WeakMap<S, StatementRecord>();
  return (statement) => {
    let record = records.get(statement);
    if (record === undefined) {
      record = describe(statement);
      records.set(statement, record);
    }
    return record;
  };
}

/** A statement method: straight through when the query is not traced, else one span. */
export function statementWrapper<S extends object>(
  tracing: QueryTracing,
  method: Method,
  recordOf: (statement: S) => StatementRecord,
): (original: Fn) => Fn {
  return (original) =>
    function (this: unknown) {
      // biome-ignore lint/complexity/noArguments: `arguments` passes through without allocating on the untraced path
      if (!tracing.shouldTrace()) return original.apply(this, arguments as never);
      // biome-ignore lint/complexity/noArguments: as above
      return traced(tracing, recordOf(this as S), method, this, original, arguments);
    };
}

/** Runs `original` under a span for `record`; errors pass through unchanged. */
function traced(
  tracing: QueryTracing,
  record: StatementRecord,
  method: Method,
  self: unknown,
  original: Fn,
  args: ArrayLike<unknown>,
): unknown {
  const span = tracing.tracer().startSpan(record.name, record.options);
  const config = tracing.config();
  const hooked = config.requestHook !== undefined || config.responseHook !== undefined;
  const query = hooked ? queryInfo(tracing, record, method) : undefined;
  if (config.requestHook !== undefined)
    tracing.runHook('requestHook', config.requestHook, span, query as SqliteQueryInfo);
  let result: unknown;
  try {
    result = original.apply(self, args as unknown[]);
  } catch (error) {
    fail(span, error, config);
    throw error;
  }
  if (method === 'iterate') return tracedIterator(tracing, span, query, config, result as Iterator<unknown>);
  if (method === 'all') {
    if (Array.isArray(result)) span.setAttribute(ATTR_DB_RESPONSE_RETURNED_ROWS, result.length);
  } else if (method === 'get')
    span.setAttribute(ATTR_DB_RESPONSE_RETURNED_ROWS, result === undefined ? 0 : 1);
  else if (method === 'run') {
    const changes = (result as { changes?: unknown } | null)?.changes;
    if (typeof changes === 'number' || typeof changes === 'bigint')
      span.setAttribute(ATTR_DB_RESPONSE_AFFECTED_ROWS, Number(changes));
  }
  if (config.responseHook !== undefined)
    tracing.runHook('responseHook', config.responseHook, span, query as SqliteQueryInfo, result);
  span.end();
  return result;
}

/**
 * The wrappers both libraries share. `prepare(sql)` is not traced itself (the
 * statement's runs are), except when it fails: bad SQL is a failed query.
 * `exec(sql)` runs a script: one span, named after its statements.
 */
export function prepareWrapper(
  tracing: QueryTracing,
  namespace: (db: unknown) => string | undefined,
  prepared: (db: unknown, statement: object) => void,
): (original: Fn) => Fn {
  return (original) =>
    function (this: unknown, sql: unknown) {
      let statement: object;
      try {
        // biome-ignore lint/complexity/noArguments: passes every argument through unchanged
        statement = original.apply(this, arguments as never) as object;
      } catch (error) {
        if (typeof sql === 'string' && tracing.shouldTrace())
          failedBeforeRun(tracing, statementRecord(sql, namespace(this)), error);
        throw error;
      }
      prepared(this, statement);
      return statement;
    };
}

export function execWrapper(
  tracing: QueryTracing,
  namespace: (db: unknown) => string | undefined,
): (original: Fn) => Fn {
  return (original) =>
    function (this: unknown, sql: unknown) {
      if (typeof sql !== 'string' || !tracing.shouldTrace())
        // biome-ignore lint/complexity/noArguments: passes every argument through unchanged
        return original.apply(this, arguments as never);
      // biome-ignore lint/complexity/noArguments: as above
      return traced(tracing, statementRecord(sql, namespace(this)), 'exec', this, original, arguments);
    };
}

/** A span for a call that failed before any statement ran (`prepare` of bad SQL). */
function failedBeforeRun(tracing: QueryTracing, record: StatementRecord, error: unknown): void {
  const span = tracing.tracer().startSpan(record.name, record.options);
  const config = tracing.config();
  if (config.requestHook !== undefined)
    tracing.runHook('requestHook', config.requestHook, span, queryInfo(tracing, record, 'prepare'));
  fail(span, error, config);
}

function queryInfo(tracing: QueryTracing, record: StatementRecord, method: Method): SqliteQueryInfo {
  return { library: tracing.library, method, sql: record.sql };
}

function fail(span: Span, error: unknown, config: SqliteInstrumentationConfig): void {
  const status = statusCode(error);
  if (status !== undefined) span.setAttribute(ATTR_DB_RESPONSE_STATUS_CODE, status);
  recordError(span, error, status);
  if (config.failActionOnError === true) failStep(span);
  span.end();
}

/**
 * The SQLite result code of an error: better-sqlite3 names it
 * (`SQLITE_CONSTRAINT_UNIQUE`), node:sqlite numbers it (`errcode` 2067).
 */
export function statusCode(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  if (typeof code === 'string' && code.startsWith('SQLITE_')) return code;
  if (typeof errcode === 'number') return String(errcode);
  return undefined;
}

const ITERATOR_PROTOTYPE = Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())) as object;

/**
 * The span of `iterate()` lasts until the rows are exhausted, the loop stops
 * early (`return()`), or a row fails. The wrapper inherits the iterator
 * helpers (`map`, `toArray`, …) where the runtime has them.
 */
function tracedIterator(
  tracing: QueryTracing,
  span: Span,
  query: SqliteQueryInfo | undefined,
  config: SqliteInstrumentationConfig,
  iterator: Iterator<unknown>,
): Iterator<unknown> {
  let rows = 0;
  let open = true;
  const finish = () => {
    if (!open) return;
    open = false;
    span.setAttribute(ATTR_DB_RESPONSE_RETURNED_ROWS, rows);
    if (config.responseHook !== undefined)
      tracing.runHook('responseHook', config.responseHook, span, query as SqliteQueryInfo, rows);
    span.end();
  };
  const wrapper = Object.create(ITERATOR_PROTOTYPE) as Iterator<unknown> & Iterable<unknown>;
  wrapper.next = () => {
    let step: IteratorResult<unknown>;
    try {
      step = iterator.next();
    } catch (error) {
      if (open) {
        open = false;
        fail(span, error, config);
      }
      throw error;
    }
    if (step.done) finish();
    else rows++;
    return step;
  };
  wrapper.return = (value?: unknown) => {
    finish();
    return typeof iterator.return === 'function' ? iterator.return(value) : { done: true, value };
  };
  wrapper[Symbol.iterator] = () => wrapper;
  return wrapper;
}
