/**
 * `pool.connect()`: the time an action waits for a pooled connection (a new
 * one, an idle one, or one another request releases). A plain span (not an
 * action of its own, so it adds no `db_calls`) whose duration goes to the
 * action as `db_connect_time_ms`. The callback runs in the caller's context:
 * pg-pool calls it from whichever request released the connection, and
 * `pool.query` runs its query inside it.
 */
import { context, SpanKind } from '@opentelemetry/api';
import { addRewardComponent } from '@rl-otel/core';
import { recordError } from '@rl-otel/core/instrumentation';
import { RL_REWARD_COMPONENT_DB_CONNECT_TIME_MS } from '@rl-otel/semantic-conventions';
import type { Fn, PgTracing } from './client.ts';
import { connectionAttributes } from './utils.ts';

export const POOL_CONNECT_SPAN_NAME = 'pg-pool.connect';

interface Pool {
  options?: { database?: unknown; host?: unknown; port?: unknown };
}

export function wrapConnect(tracing: PgTracing) {
  return (original: Fn) =>
    function connect(this: Pool, callback: unknown) {
      const ctx = context.active();
      const traced = tracing.config().poolConnect !== false && tracing.shouldTrace(ctx);
      if (!traced) {
        if (typeof callback === 'function') return original.call(this, context.bind(ctx, callback as Fn));
        // biome-ignore lint/complexity/noArguments: passes through
        return original.apply(this, arguments as never);
      }
      const span = tracing
        .tracer()
        .startSpan(
          POOL_CONNECT_SPAN_NAME,
          { kind: SpanKind.INTERNAL, attributes: connectionAttributes(this.options) },
          ctx,
        );
      const started = performance.now();
      let ended = false;
      const done = (error: unknown) => {
        if (ended) return;
        ended = true;
        if (error) recordError(span, error);
        addRewardComponent(span, RL_REWARD_COMPONENT_DB_CONNECT_TIME_MS, performance.now() - started);
        span.end();
      };
      if (typeof callback === 'function') {
        const bound = context.bind(ctx, callback as Fn);
        return original.call(this, function (this: unknown, error: unknown) {
          done(error);
          // biome-ignore lint/complexity/noArguments: the callback gets client and release as pg-pool gives them
          return bound.apply(this, arguments as never);
        });
      }
      let result: unknown;
      try {
        result = original.call(this);
      } catch (error) {
        done(error);
        throw error;
      }
      if (!(result instanceof Promise)) return result;
      return result.then(
        (client) => {
          done(undefined);
          return client;
        },
        (error) => {
          done(error);
          throw error;
        },
      );
    };
}
