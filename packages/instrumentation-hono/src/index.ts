export { HonoInstrumentation, INSTRUMENTATION_NAME } from './instrumentation.ts';
export type { HonoContextLike } from './internal-types.ts';
export type { HonoInstrumentationConfig } from './types.ts';
export { mountedRoute } from './utils.ts';
