export { INSTRUMENTATION_NAME, KoaInstrumentation } from './instrumentation.ts';
export type { KoaInstrumentationConfig, KoaRequestInfo } from './types.ts';
export { mountPrefix } from './utils.ts';
