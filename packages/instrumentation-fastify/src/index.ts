export { FastifyInstrumentation, INSTRUMENTATION_NAME } from './instrumentation.ts';
export type { FastifyInstanceLike, FastifyRequestLike } from './internal-types.ts';
export type { FastifyInstrumentationConfig } from './types.ts';
export { isSupportedFastify } from './utils.ts';
