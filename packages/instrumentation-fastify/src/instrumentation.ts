import { describeError, warnOnce } from '@rl-otel/core';
import { RlInstrumentationBase, recordHandlerError } from '@rl-otel/core/instrumentation';
import { type FastifyTracing, hookFastify } from './hooks.ts';
import type { InitializationMessage } from './internal-types.ts';
import type { FastifyInstrumentationConfig } from './types.ts';
import { isSupportedFastify, MIN_FASTIFY_VERSION } from './utils.ts';
import { VERSION } from './version.ts';

export const INSTRUMENTATION_NAME = '@rl-otel/instrumentation-fastify';

/**
 * Fastify 4.10+ and 5: gives the server span of each request (made by
 * `@rl-otel/instrumentation-http`, or any HTTP instrumentation that sets
 * OpenTelemetry's RPC metadata) its route template, `GET /api/tasks/:id`, and
 * records the errors Fastify caught on it. It makes no span of its own.
 */
export class FastifyInstrumentation extends RlInstrumentationBase<FastifyInstrumentationConfig> {
  constructor(config: FastifyInstrumentationConfig = {}) {
    super(INSTRUMENTATION_NAME, VERSION, config);
  }

  protected override init() {
    // Fastify publishes its instances on a diagnostics channel: no module is patched.
    return [];
  }

  protected override onEnable(): void {
    const tracing: FastifyTracing = {
      enabled: () => this.isEnabled(),
      onRequest: (span, request) => this.runHook('requestHook', this.getConfig().requestHook, span, request),
      onError: (span, error) => recordHandlerError(span, error),
      failed: (error) =>
        warnOnce(
          `${INSTRUMENTATION_NAME}:request`,
          `${INSTRUMENTATION_NAME} failed on a request and skipped it: ${describeError(error)}`,
        ),
    };
    this.subscribe<InitializationMessage>('fastify.initialization', ({ fastify }) => {
      if (!isSupportedFastify(fastify.version)) {
        warnOnce(
          `${INSTRUMENTATION_NAME}:version`,
          `Fastify ${fastify.version} is older than ${MIN_FASTIFY_VERSION}: its requests are recorded without route templates`,
        );
        return;
      }
      hookFastify(fastify, tracing);
    });
  }
}
