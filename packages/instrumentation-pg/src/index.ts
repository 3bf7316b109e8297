export { INSTRUMENTATION_NAME, PgInstrumentation } from './instrumentation.ts';
export type { PgInstrumentationConfig, PgQueryInfo } from './types.ts';
