export { HttpInstrumentation, INSTRUMENTATION_NAME } from './instrumentation.ts';
export type { HttpInstrumentationConfig, UndiciRequest } from './types.ts';
export { normalizeMethod, redactQuery, serverActionName } from './utils.ts';
