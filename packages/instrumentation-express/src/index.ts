export { ExpressInstrumentation, INSTRUMENTATION_NAME } from './instrumentation.ts';
export type { ExpressInstrumentationConfig, ExpressRequestInfo } from './types.ts';
