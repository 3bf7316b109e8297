/** Pure helpers of the fs plugin: folder lists, action names, byte counts. */
import { delimiter, isAbsolute, parse, resolve } from 'node:path';
import type { FileOperation } from './types.ts';

/** Artifact folder used when neither the option nor `RL_OTEL_ARTIFACT_DIRS` names one (relative to the working directory). */
export const DEFAULT_ARTIFACT_DIR = 'artifacts';

export const ARTIFACT_DIRS_ENV = 'RL_OTEL_ARTIFACT_DIRS';

export interface ArtifactDirs {
  /** Absolute, normalized folders, most specific first. */
  readonly dirs: string[];
  /** Plain sentences, one per rejected entry. */
  readonly problems: string[];
}

/**
 * The artifact folders from the option or, without it, from `RL_OTEL_ARTIFACT_DIRS`
 * (separated by `path.delimiter`: `:` on POSIX, `;` on Windows), resolved against
 * `cwd`. Entries that cannot be an artifact folder are reported and left out;
 * when none is left, the default folder is used.
 */
export function artifactDirs(
  option: readonly string[] | undefined,
  envValue: string | undefined,
  cwd: string,
  isFile: (dir: string) => boolean = () => false,
): ArtifactDirs {
  const problems: string[] = [];
  let source: string;
  let entries: unknown[];
  if (option !== undefined) {
    source = 'the artifactDirs option';
    entries = Array.isArray(option) ? option : [option];
  } else if (envValue !== undefined && envValue.trim() !== '') {
    source = ARTIFACT_DIRS_ENV;
    entries = envValue.split(delimiter);
  } else {
    return { dirs: [resolve(cwd, DEFAULT_ARTIFACT_DIR)], problems };
  }
  const dirs: string[] = [];
  for (const entry of entries) {
    if (typeof entry !== 'string') {
      problems.push(`${source} has ${String(entry)}, which is not a folder name; it was ignored`);
      continue;
    }
    const raw = entry.trim();
    if (raw === '') continue;
    if (raw.includes('\0')) {
      problems.push(`${source} has a folder name with a NUL character; it was ignored`);
      continue;
    }
    const dir = isAbsolute(raw) ? resolve(raw) : resolve(cwd, raw);
    if (parse(dir).root === dir) {
      problems.push(
        `${source} has "${raw}", the root of the file system, which would trace every file; it was ignored`,
      );
      continue;
    }
    if (isFile(dir)) {
      problems.push(`${source} has "${raw}", which is a file, not a folder; it was ignored`);
      continue;
    }
    if (!dirs.includes(dir)) dirs.push(dir);
  }
  if (dirs.length === 0) {
    const fallback = resolve(cwd, DEFAULT_ARTIFACT_DIR);
    if (problems.length === 0) problems.push(`${source} names no folder`);
    problems[problems.length - 1] += `; artifacts are traced in ${fallback}`;
    dirs.push(fallback);
  }
  // The most specific folder wins, so that a path is relative to the nearest root.
  dirs.sort((a, b) => b.length - a.length);
  return { dirs, problems };
}

// A folder name that identifies one run, date or object rather than a kind of artifact.
const ID_SEGMENT = /\d{3}|^(?=[^/]*\d)[0-9a-f-]{8,}$/i;
const MAX_NAME_DEPTH = 3;
const EXTENSION = /^[A-Za-z0-9_+-]{1,16}$/;

/** Extension without the dot (`md`), as `file.extension` wants it; undefined for none or an odd one. */
export function fileExtension(name: string): string | undefined {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return undefined;
  const ext = name.slice(dot + 1);
  return EXTENSION.test(ext) ? ext : undefined;
}

/** Last segment of a `/`-separated relative path. */
export function baseName(rel: string): string {
  return rel.slice(rel.lastIndexOf('/') + 1);
}

const MAX_REMEMBERED_PATTERNS = 1024;
const patterns = new Map<string, string>();

/** A folder path with ids, dates and numbers replaced by `*` and depth capped. */
export function folderPattern(rel: string): string {
  let pattern = patterns.get(rel);
  if (pattern === undefined) {
    // Apps write to a few folders again and again: each is split and matched once.
    if (patterns.size >= MAX_REMEMBERED_PATTERNS) patterns.clear();
    pattern = patternOf(rel);
    patterns.set(rel, pattern);
  }
  return pattern;
}

function patternOf(rel: string): string {
  if (rel === '') return '.';
  const parts = rel.split('/');
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (i === MAX_NAME_DEPTH) {
      out.push('**');
      break;
    }
    const part = parts[i] as string;
    out.push(part.length > 40 || ID_SEGMENT.test(part) ? '*' : part);
  }
  return out.join('/');
}

/**
 * Low-cardinality action name: `write reports/*.md`, never the file's own name.
 * A directory operation names the folder pattern itself (`mkdir reports/*`).
 */
export function actionName(operation: FileOperation, rel: string, directory: boolean): string {
  if (directory) return `${operation} ${folderPattern(rel)}`;
  const slash = rel.lastIndexOf('/');
  const ext = fileExtension(rel.slice(slash + 1));
  const file = ext === undefined ? '*' : `*.${ext}`;
  return slash === -1 ? `${operation} ${file}` : `${operation} ${folderPattern(rel.slice(0, slash))}/${file}`;
}

/** Whether an `open`/`writeFile` flag appends (`'a'`, `'a+'`, `'as'`, or `O_APPEND` in a number). */
export function isAppendFlag(flag: unknown, appendBit: number): boolean {
  if (typeof flag === 'string') return flag.includes('a');
  if (typeof flag === 'number') return (flag & appendBit) !== 0;
  return false;
}

/** The `encoding` of an fs options argument (a string or `{ encoding }`). */
export function encodingOf(options: unknown): BufferEncoding | undefined {
  if (typeof options === 'string') return options as BufferEncoding;
  if (typeof options === 'object' && options !== null) {
    const encoding = (options as { encoding?: unknown }).encoding;
    if (typeof encoding === 'string') return encoding as BufferEncoding;
  }
  return undefined;
}

/** The `flag` (or `flags`) of an fs options argument. */
export function flagOf(options: unknown): unknown {
  if (typeof options === 'object' && options !== null) {
    const o = options as { flag?: unknown; flags?: unknown };
    return o.flag ?? o.flags;
  }
  return undefined;
}

/** Bytes of data written or read as a string or a buffer; undefined for anything else (iterables, streams). */
export function byteLength(data: unknown, encoding: BufferEncoding | undefined): number | undefined {
  if (typeof data === 'string') {
    try {
      return Buffer.byteLength(data, encoding ?? 'utf8');
    } catch {
      return Buffer.byteLength(data, 'utf8');
    }
  }
  if (ArrayBuffer.isView(data)) return data.byteLength;
  return undefined;
}
