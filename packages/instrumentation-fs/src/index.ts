export { FsInstrumentation, INSTRUMENTATION_NAME } from './instrumentation.ts';
export type { FileOperation, FileOperationInfo, FsInstrumentationConfig } from './types.ts';
export { ARTIFACT_DIRS_ENV, actionName, DEFAULT_ARTIFACT_DIR, folderPattern } from './utils.ts';
