import type { Span } from '@opentelemetry/api';
import type { RlInstrumentationConfig } from '@rl-otel/core/instrumentation';

/** Value of `rl.file.operation`: what the app did to the artifact. */
export type FileOperation =
  | 'read'
  | 'write'
  | 'append'
  | 'copy'
  | 'rename'
  | 'delete'
  | 'mkdir'
  | 'readdir'
  | 'stat'
  | 'open';

/** What a hook learns about a file action. Paths are relative to the artifact folder; no content. */
export interface FileOperationInfo {
  readonly operation: FileOperation;
  /** Path relative to its artifact folder, `/`-separated (`.` for the folder itself). */
  readonly path: string;
  /** The artifact folder (absolute). */
  readonly root: string;
  /** The function the app called: `fs.writeFileSync`, `fs.promises.readFile`, `FileHandle.write`, `fs.createWriteStream`, … */
  readonly functionName: string;
}

export interface FsInstrumentationConfig extends RlInstrumentationConfig {
  /**
   * Folders whose files are artifacts; nothing outside them is recorded.
   * Relative folders are resolved against the working directory when the
   * instrumentation is enabled. Paths under `node_modules` are never artifacts.
   * @default the folders in `RL_OTEL_ARTIFACT_DIRS` (separated by `:` on POSIX, `;` on Windows), else `['artifacts']`
   */
  artifactDirs?: string[];
  /**
   * Record the SHA-256 of content written in one piece (`writeFile` in every
   * API style, `FileHandle.writeFile`, a `createWriteStream` that starts at the
   * beginning of the file) as `rl.file.sha256`.
   * @default false
   */
  hashContent?: boolean;
  /** Called when a file action's span starts, to add attributes (or rename the action). */
  requestHook?: (span: Span, info: FileOperationInfo) => void;
  /** Called before a file action's span ends; `error` is the app's error, or undefined. */
  responseHook?: (span: Span, info: FileOperationInfo, error: unknown) => void;
}
