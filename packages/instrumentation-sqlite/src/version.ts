declare const __RL_OTEL_VERSION__: string | undefined;

export const VERSION: string = typeof __RL_OTEL_VERSION__ === 'string' ? __RL_OTEL_VERSION__ : '0.0.0-dev';
