/**
 * The table of what is recorded: each patched function, the operation it is,
 * and how its bytes are counted from its arguments and result.
 */
import type { Facts, OperationSpec } from './internal-types.ts';
import { byteLength, encodingOf } from './utils.ts';

/** Whole-file read: the result is the content (`optionsIndex`: where the encoding is). */
function readWhole(optionsIndex: number): OperationSpec {
  return {
    operation: 'read',
    follow: true,
    measure: (args, result) => {
      const read = byteLength(result, encodingOf(args[optionsIndex]));
      return read === undefined ? undefined : { read, whole: true };
    },
  };
}

/** Whole-file write or append: the data is an argument. */
function writeWhole(operation: 'write' | 'append', dataIndex: number): OperationSpec {
  const optionsIndex = dataIndex + 1;
  return {
    operation,
    follow: true,
    flagIndex: optionsIndex,
    measure: (args) => {
      const data = args[dataIndex];
      const encoding = encodingOf(args[optionsIndex]);
      const written = byteLength(data, encoding);
      if (written === undefined) return undefined;
      const facts: Facts = { written, whole: true, content: data as string | ArrayBufferView };
      if (encoding !== undefined) facts.encoding = encoding;
      return facts;
    },
  };
}

/** A count of bytes: a number (callback and sync APIs) or `{ bytesRead | bytesWritten }` (FileHandle). */
function counted(operation: 'read' | 'write'): OperationSpec {
  const key = operation === 'read' ? 'bytesRead' : 'bytesWritten';
  return {
    operation,
    follow: true,
    measure: (_args, result) => {
      const n = typeof result === 'number' ? result : (result as Record<string, unknown> | undefined)?.[key];
      if (typeof n !== 'number') return undefined;
      return operation === 'read' ? { read: n } : { written: n };
    },
  };
}

function stats(follow: boolean): OperationSpec {
  return {
    operation: 'stat',
    follow,
    measure: (_args, result) => {
      const size = (result as { size?: unknown } | undefined)?.size;
      if (typeof size === 'number') return { size };
      if (typeof size === 'bigint') return { size: Number(size) };
      return undefined;
    },
  };
}

const copy: OperationSpec = { operation: 'copy', twoPaths: true, follow: true };
const remove: OperationSpec = { operation: 'delete', follow: false };

/**
 * Functions that take a path (or a descriptor) first, under the same name in
 * the callback API, the sync API (`…Sync`) and `fs/promises`.
 */
export const PATH_FUNCTIONS: Readonly<Record<string, OperationSpec>> = {
  readFile: readWhole(1),
  writeFile: writeWhole('write', 1),
  appendFile: writeWhole('append', 1),
  copyFile: copy,
  cp: copy,
  rename: { operation: 'rename', twoPaths: true, follow: false },
  unlink: remove,
  rm: remove,
  rmdir: { ...remove, directory: true },
  mkdir: { operation: 'mkdir', follow: true, directory: true },
  readdir: { operation: 'readdir', follow: true, directory: true },
  stat: stats(true),
  lstat: stats(false),
  open: { operation: 'open', follow: true, opens: true },
};

/** Functions of the callback and sync APIs that take a descriptor from `open`. */
export const FD_FUNCTIONS: Readonly<Record<string, OperationSpec>> = {
  read: counted('read'),
  readv: counted('read'),
  write: counted('write'),
  writev: counted('write'),
  fstat: stats(true),
};

/** Methods of a `FileHandle` from `fs.promises.open`. */
export const HANDLE_METHODS: Readonly<Record<string, OperationSpec>> = {
  readFile: readWhole(0),
  writeFile: writeWhole('write', 0),
  appendFile: writeWhole('append', 0),
  read: counted('read'),
  readv: counted('read'),
  write: counted('write'),
  writev: counted('write'),
  stat: stats(true),
};

/** Streams: one action from creation to `close`, bytes counted by the stream. */
export const STREAM_READ: OperationSpec = {
  operation: 'read',
  follow: true,
  measure: (_args, stream) => {
    const n = (stream as { bytesRead?: unknown }).bytesRead;
    return typeof n === 'number' ? { read: n } : undefined;
  },
};

export const STREAM_WRITE: OperationSpec = {
  operation: 'write',
  follow: true,
  flagIndex: 1,
  measure: (_args, stream) => {
    const n = (stream as { bytesWritten?: unknown }).bytesWritten;
    return typeof n === 'number' ? { written: n } : undefined;
  },
};
