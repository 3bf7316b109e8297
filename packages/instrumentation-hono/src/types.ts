import type { Span } from '@opentelemetry/api';
import type { RlInstrumentationConfig } from '@rl-otel/core/instrumentation';
import type { HonoContextLike } from './internal-types.ts';

export interface HonoInstrumentationConfig extends RlInstrumentationConfig {
  /**
   * Called once per request that has a server span, when Hono dispatches its
   * first handler (middleware included), with that span and Hono's `Context`
   * (`c`). Use it to add attributes; if it throws, that is reported once and
   * the request goes on.
   */
  requestHook?: (span: Span, c: HonoContextLike) => void;
}
