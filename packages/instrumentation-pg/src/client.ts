/**
 * `Client.prototype.query`, in every form pg accepts: text and values with a
 * callback or a promise, a config object (named prepared statements
 * included), and submittables (`Query` objects, cursors, streams). The span
 * starts when the app calls `query` and ends when pg hands the result or the
 * error back. Callbacks run in the caller's context: pg calls them from its
 * socket, which belongs to whichever request opened the connection.
 */
import { type Context, context, type Span, SpanKind, type Tracer } from '@opentelemetry/api';
import { ATTR_DB_RESPONSE_STATUS_CODE } from '@opentelemetry/semantic-conventions';
import { failStep } from '@rl-otel/core';
import { recordError } from '@rl-otel/core/instrumentation';
import {
  ATTR_DB_RESPONSE_AFFECTED_ROWS,
  ATTR_DB_RESPONSE_RETURNED_ROWS,
} from '@rl-otel/semantic-conventions';
import type { PgInstrumentationConfig, PgQueryInfo } from './types.ts';
import { type Connection, queryAttributes, rowCounts, sqlState } from './utils.ts';

export type Fn = (this: unknown, ...args: unknown[]) => unknown;

export interface PgTracing {
  tracer(): Tracer;
  shouldTrace(ctx: Context): boolean;
  config(): PgInstrumentationConfig;
  runHook<A extends unknown[]>(name: string, hook: ((...args: A) => void) | undefined, ...args: A): void;
}

interface Client extends Connection {
  user?: unknown;
}

interface Submittable {
  submit: unknown;
  callback?: unknown;
  text?: unknown;
  name?: unknown;
  emit?: Fn;
  handleError?: (this: Submittable, ...args: unknown[]) => unknown;
  handleReadyForQuery?: (this: Submittable, ...args: unknown[]) => unknown;
  _results?: unknown;
  _canceledDueToError?: unknown;
}

// Text of named prepared statements, for when they are run again by name only.
const namedTexts = new Map<string, string>();

function textOf(config: unknown): [string | undefined, string | undefined] {
  if (typeof config === 'string') return [config, undefined];
  if (config === null || typeof config !== 'object') return [undefined, undefined];
  const { text, name } = config as { text?: unknown; name?: unknown };
  const named = typeof name === 'string' && name !== '' ? name : undefined;
  let sql = typeof text === 'string' ? text : undefined;
  if (named !== undefined) {
    if (sql !== undefined) {
      if (namedTexts.size >= 1000 && !namedTexts.has(named))
        namedTexts.delete(namedTexts.keys().next().value as string);
      namedTexts.set(named, sql);
    } else sql = namedTexts.get(named);
  }
  return [sql, named];
}

export function wrapQuery(tracing: PgTracing) {
  return (original: Fn) =>
    function query(this: Client, config: unknown, _values: unknown, _callback: unknown) {
      // biome-ignore lint/complexity/noArguments: pg looks at how many arguments it got
      const args = Array.prototype.slice.call(arguments) as unknown[];
      if (config === null || config === undefined) return original.apply(this, args);
      const ctx = context.active();
      if (!tracing.shouldTrace(ctx)) {
        bindCallbacks(args, ctx, undefined);
        return original.apply(this, args);
      }
      const [text, name] = textOf(config);
      const [spanName, attributes] = queryAttributes(this, text);
      const span = tracing.tracer().startSpan(spanName, { kind: SpanKind.CLIENT, attributes }, ctx);
      const conf = tracing.config();
      const info: PgQueryInfo | undefined =
        conf.requestHook || conf.responseHook
          ? {
              text,
              name,
              connection: {
                database: this.database as string | undefined,
                host: this.host as string | undefined,
                port: this.port as number | undefined,
                user: this.user as string | undefined,
              },
            }
          : undefined;
      if (conf.requestHook) tracing.runHook('requestHook', conf.requestHook, span, info as PgQueryInfo);
      let ended = false;
      const done = (error: unknown, result?: unknown) => {
        if (ended) return;
        ended = true;
        finish(tracing, span, info, error, result);
      };
      const submittable = typeof (config as Submittable).submit === 'function';
      if (submittable) watchSubmittable(config as Submittable, done);
      const hasCallback = bindCallbacks(args, ctx, done);
      let result: unknown;
      try {
        result = original.apply(this, args);
      } catch (error) {
        done(error);
        throw error;
      }
      if (!submittable && !hasCallback && result instanceof Promise) {
        return result.then(
          (value) => {
            done(undefined, value);
            return value;
          },
          (error) => {
            done(error);
            throw error;
          },
        );
      }
      return result;
    };
}

/**
 * Binds the query's callback, wherever pg takes it from, to the caller's
 * context, calling `done` first when given. Returns whether there was one.
 */
function bindCallbacks(
  args: unknown[],
  ctx: Context,
  done: ((error: unknown, result?: unknown) => void) | undefined,
): boolean {
  const wrap = (cb: Fn): Fn => {
    const bound = context.bind(ctx, cb);
    if (done === undefined) return bound;
    return function (this: unknown, error: unknown, result: unknown) {
      done(error, result);
      // biome-ignore lint/complexity/noArguments: the callback gets what pg gave
      return bound.apply(this, arguments as never);
    };
  };
  const config = args[0] as Submittable | { callback?: unknown };
  if (typeof (config as Submittable).submit === 'function') {
    // A submittable's own callback, or the one pg will assign to it from the arguments;
    // its events ('row', 'end', 'error') are emitted in the caller's context too.
    const sub = config as Submittable;
    const emit = sub.emit;
    if (typeof emit === 'function')
      sub.emit = function (this: unknown) {
        // biome-ignore lint/complexity/noArguments: passes through
        return context.with(ctx, () => emit.apply(this, arguments as never));
      };
    if (typeof sub.callback === 'function') sub.callback = context.bind(ctx, sub.callback as Fn);
    else if (typeof args[1] === 'function') args[1] = context.bind(ctx, args[1] as Fn);
    else if (typeof args[2] === 'function') args[2] = context.bind(ctx, args[2] as Fn);
    return false;
  }
  if (typeof args[1] === 'function') {
    args[1] = wrap(args[1] as Fn);
    return true;
  }
  if (typeof args[2] === 'function') {
    args[2] = wrap(args[2] as Fn);
    return true;
  }
  if (config !== null && typeof config === 'object' && typeof config.callback === 'function') {
    args[0] = { ...config, callback: wrap(config.callback as Fn) };
    return true;
  }
  return false;
}

/**
 * Every submittable ends with exactly one of `handleError` or
 * `handleReadyForQuery`: the span ends there, before the app's callback or
 * events run.
 */
function watchSubmittable(query: Submittable, done: (error: unknown, result?: unknown) => void): void {
  const { handleError, handleReadyForQuery } = query;
  if (typeof handleError === 'function') {
    query.handleError = function (this: Submittable, error: unknown) {
      done(error);
      // biome-ignore lint/complexity/noArguments: passes through
      return handleError.apply(this, arguments as never);
    };
  }
  if (typeof handleReadyForQuery === 'function') {
    query.handleReadyForQuery = function (this: Submittable) {
      // pg's Query turns a row it could not parse into an error here
      if (this._canceledDueToError) done(this._canceledDueToError);
      else done(undefined, this._results);
      // biome-ignore lint/complexity/noArguments: passes through
      return handleReadyForQuery.apply(this, arguments as never);
    };
  }
}

function finish(
  tracing: PgTracing,
  span: Span,
  info: PgQueryInfo | undefined,
  error: unknown,
  result: unknown,
): void {
  const conf = tracing.config();
  if (error) {
    const state = sqlState(error);
    if (state !== undefined) span.setAttribute(ATTR_DB_RESPONSE_STATUS_CODE, state);
    recordError(span, error, state);
    if (conf.failActionOnError === true) failStep(span);
  } else {
    const { returned, affected } = rowCounts(result);
    if (returned !== undefined) span.setAttribute(ATTR_DB_RESPONSE_RETURNED_ROWS, returned);
    if (affected !== undefined) span.setAttribute(ATTR_DB_RESPONSE_AFFECTED_ROWS, affected);
    if (conf.responseHook)
      tracing.runHook('responseHook', conf.responseHook, span, info as PgQueryInfo, result);
  }
  span.end();
}
