declare const __RL_OTEL_VERSION__: string | undefined;

/** Version of the package, stamped at build time. */
export const VERSION: string = typeof __RL_OTEL_VERSION__ === 'string' ? __RL_OTEL_VERSION__ : '0.0.0-dev';
