import type { Context, Span } from '@opentelemetry/api';
import type { FileOperation } from './types.ts';

export interface ArtifactRoot {
  /** Absolute and normalized, without a trailing separator. */
  readonly dir: string;
  /** The same folder as the pathname of a `file:` URL (the ES module loader reads files by URL). */
  readonly urlPath: string;
  /** Its real path, once it exists. */
  real: string | undefined;
}

/** A path inside an artifact folder. */
export interface Target {
  readonly root: ArtifactRoot;
  /** Absolute and normalized. */
  readonly path: string;
  /** Relative to the root, `/`-separated; `''` for the root itself. */
  readonly rel: string;
  /** Set once the real path was checked (descriptors and handles opened inside a root). */
  readonly verified?: boolean;
  /** Opened for appending: writes through it are appends. */
  readonly append?: boolean;
}

/** What was measured when an operation ended. */
export interface Facts {
  read?: number;
  written?: number;
  size?: number;
  /** The whole file was read or written at once: through a path, its size is the bytes moved. */
  whole?: boolean;
  /** Content written in one piece, for `hashContent`. */
  content?: string | ArrayBufferView;
  encoding?: BufferEncoding;
}

/** How one patched function is recorded. */
export interface OperationSpec {
  readonly operation: FileOperation;
  /** Copy and rename: the first two arguments are paths (the destination is the recorded one when inside). */
  readonly twoPaths?: boolean;
  /** Whether a symbolic link as the last path component is followed (false for lstat, unlink, rename…). */
  readonly follow: boolean;
  /** The target is a folder (mkdir, readdir): the action name keeps the folder. */
  readonly directory?: boolean;
  /** Index of the options argument whose `flag` may turn a write into an append. */
  readonly flagIndex?: number;
  /** Returns a descriptor or a FileHandle to remember. */
  readonly opens?: boolean;
  readonly measure?: (args: readonly unknown[], result: unknown) => Facts | undefined;
}

/** One traced (or only remembered) call. */
export interface Access {
  readonly spec: OperationSpec;
  readonly operation: FileOperation;
  readonly functionName: string;
  readonly target: Target;
  readonly span: Span | undefined;
  /** The caller's context: the app's callbacks run in it. */
  readonly outer: Context;
}

/** What the patching layer asks of the instrumentation. */
export interface FsTracing {
  /** Lexical test, cheap when the path is outside every root. */
  locate(path: unknown): Target | undefined;
  /** The prefix test alone: an absolute path spelled under no root. */
  readonly outside: (path: string) => boolean;
  /** A descriptor opened inside a root, or undefined. */
  fdTarget(fd: number): Target | undefined;
  /** A FileHandle opened inside a root, or undefined. */
  handleTarget(handle: object): Target | undefined;
  /** Whether any descriptor is remembered (so that `open` must watch for reused numbers). */
  hasFds(): boolean;
  forgetFd(fd: unknown): void;
  /** Decides whether to record; starts the span. Undefined: call straight through. */
  begin(
    spec: OperationSpec,
    functionName: string,
    args: readonly unknown[],
    target: Target,
  ): Access | undefined;
  end(access: Access, args: readonly unknown[], error: unknown, result: unknown): void;
  /**
   * Runs a synchronous original: what it calls in turn (Node's own nested fs
   * calls, such as `openSync` inside `writeFileSync`) is not recorded.
   */
  runSync<T>(fn: () => T): T;
  /** Starts an asynchronous original with tracing suppressed, so that its nested fs calls are not recorded. */
  runAsync<T>(access: Access, fn: () => T): T;
}
