/**
 * Read and write streams: one action per stream, from creation to `close`,
 * with the bytes the stream counted. A stream on an artifact does its chunk
 * reads and writes through the unpatched fs functions (its documented `fs`
 * option), or, on a FileHandle, while the handle is marked as streaming, so
 * that chunks never become actions of their own.
 */
import type { Access, FsTracing, OperationSpec, Target } from './internal-types.ts';
import { sameShape } from './wrap.ts';

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

const streaming = new WeakSet<object>();

/** Whether a FileHandle is read or written by a stream right now (its own methods then call straight through). */
export function isStreaming(handle: object): boolean {
  return streaming.has(handle);
}

export interface StreamHooks {
  /** The unpatched `open`, `read`, `write`, `writev`, `close`, `fsync`, as a stream's `fs` option. */
  readonly originalFs: object;
  /** Starts recording a stream that was just created (hashing, end on close). */
  watch(access: Access, args: readonly unknown[], stream: unknown): void;
}

/**
 * `fs.createReadStream(path, options)` / `createWriteStream`, or, with
 * `onHandle`, `FileHandle.prototype.createReadStream(options)`.
 */
export function wrapCreateStream(
  original: AnyFunction,
  name: string,
  spec: OperationSpec,
  onHandle: boolean,
  t: FsTracing,
  hooks: StreamHooks,
): AnyFunction {
  return sameShape(function (this: unknown, ...args: unknown[]) {
    let target: Target | undefined;
    let handle: object | undefined;
    let fd: number | undefined;
    if (onHandle) {
      if (typeof this === 'object' && this !== null) {
        handle = this;
        target = t.handleTarget(this);
      }
    } else {
      const options = args[1];
      const given =
        typeof options === 'object' && options !== null ? (options as { fd?: unknown }).fd : undefined;
      if (given == null) target = t.locate(args[0]);
      else if (typeof given === 'number') {
        fd = given;
        target = t.fdTarget(given);
      } else if (typeof given === 'object') {
        handle = given;
        target = t.handleTarget(given);
      }
      if (target !== undefined && handle === undefined) args[1] = withFs(options, hooks.originalFs);
    }
    if (target === undefined) return original.apply(this, args);
    const access = t.begin(spec, name, args, target);
    if (handle !== undefined) streaming.add(handle);
    let stream: unknown;
    try {
      // The stream is created in the caller's context: its events reach the app's listeners there.
      stream = original.apply(this, args);
    } catch (error) {
      if (handle !== undefined) streaming.delete(handle);
      if (access !== undefined) t.end(access, args, error, undefined);
      throw error;
    }
    const closesFd = fd !== undefined && readOption(onHandle ? args[0] : args[1], 'autoClose') !== false;
    if (handle !== undefined || closesFd) {
      (stream as { once?: (event: string, fn: () => void) => unknown }).once?.('close', () => {
        if (handle !== undefined) streaming.delete(handle);
        if (closesFd) t.forgetFd(fd);
      });
    }
    if (access !== undefined) hooks.watch(access, args, stream);
    return stream;
  }, original);
}

/** The options with the unpatched fs functions, unless the app brought its own. */
function withFs(options: unknown, fs: object): unknown {
  if (typeof options === 'string') return { encoding: options, fs };
  if (typeof options !== 'object' || options === null) return { fs };
  if ((options as { fs?: unknown }).fs != null) return options;
  return { ...(options as object), fs };
}

function readOption(options: unknown, key: string): unknown {
  return typeof options === 'object' && options !== null
    ? (options as Record<string, unknown>)[key]
    : undefined;
}
