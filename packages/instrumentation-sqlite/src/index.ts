export { INSTRUMENTATION_NAME, SqliteInstrumentation } from './instrumentation.ts';
export type { SqliteInstrumentationConfig, SqliteQueryInfo } from './types.ts';
