/**
 * Which paths are artifacts. The test runs on every patched fs call of the
 * process (the module loaders read every module through `fs.readFileSync`), so
 * a path outside every root costs a type check and a string prefix test; the
 * real path is only looked up for paths inside a root, to keep symbolic links
 * from leading the record out of it.
 */
import type * as fsTypes from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ArtifactRoot, Target } from './internal-types.ts';

const SEP = sep.charCodeAt(0);
const SLASH = 47;
const POSIX = sep === '/';
/**
 * How long the real path of a folder or a file is trusted. One replaced by a
 * link to somewhere else is noticed within this time (at once when this
 * process renamed or removed something in a root).
 */
const REAL_PATH_CACHE_MS = 1000;
const MAX_CACHED_REAL_PATHS = 1024;
const NO_THROW = { throwIfNoEntry: false } as const;
// `/./`, `/../`, a trailing `/.` or `/..`: the path must be normalized before it is compared.
const DOT_SEGMENT = /[/\\]\.\.?(?:[/\\]|$)/;

/** The function under any shimmer wraps (ours or another instrumentation's), so that our own checks are never traced. */
export function unwrapped<F>(fn: F): F {
  let f: unknown = fn;
  while (typeof f === 'function' && typeof (f as { __original?: unknown }).__original === 'function')
    f = (f as { __original?: unknown }).__original;
  return f as F;
}

export class ArtifactRoots {
  readonly roots: readonly ArtifactRoot[];
  /** The hot path of every patched call: see `outsideTest`. */
  readonly outside: (path: string) => boolean;
  private readonly lstat: typeof fsTypes.lstatSync;
  private readonly realpath: (path: string) => string;
  /**
   * Real paths of folders and files inside the roots, kept briefly: a `realpath` or an
   * `lstat` per artifact operation is most of its cost.
   */
  private readonly reals = new Map<string, { real: string; at: number }>();

  constructor(dirs: readonly string[]) {
    this.roots = dirs.map((dir) => ({ dir, urlPath: pathToFileURL(dir).pathname, real: undefined }));
    this.outside = outsideTest(dirs);
    const fs = process.getBuiltinModule('node:fs') as typeof fsTypes;
    this.lstat = unwrapped(fs.lstatSync);
    const native = unwrapped(fs.realpathSync).native ?? unwrapped(fs.realpathSync);
    this.realpath = (path) => native(path) as string;
  }

  /** The artifact a path names, by its spelling only; undefined (cheaply) for anything outside. */
  locate(path: unknown): Target | undefined {
    let s: string;
    if (typeof path === 'string') s = path;
    else if (path instanceof URL) {
      if (path.protocol !== 'file:' || !this.urlMayMatch(path.pathname)) return undefined;
      try {
        s = fileURLToPath(path);
      } catch {
        return undefined;
      }
    } else if (path instanceof Uint8Array) {
      s = Buffer.from(path.buffer, path.byteOffset, path.byteLength).toString();
    } else return undefined;
    if (!isAbsolute(s) || needsNormalizing(s)) s = resolve(s);
    return this.match(s);
  }

  private match(s: string): Target | undefined {
    for (const root of this.roots) {
      const d = root.dir;
      if (!s.startsWith(d)) continue;
      if (s.length === d.length) return { root, path: s, rel: '' };
      if (s.charCodeAt(d.length) !== SEP) continue;
      let rel = s.slice(d.length + 1);
      if (sep !== '/') rel = rel.replaceAll(sep, '/');
      // Installed dependencies are never artifacts, even in a root that holds a project.
      if (rel.startsWith('node_modules/') || rel.includes('/node_modules/')) return undefined;
      return { root, path: s, rel };
    }
    return undefined;
  }

  private urlMayMatch(pathname: string): boolean {
    for (const root of this.roots) if (pathname.startsWith(root.urlPath)) return true;
    // A URL that walks up (`/a/../artifacts`) is normalized by the URL parser already.
    return false;
  }

  /**
   * Whether the file the operation touches really lies inside a root: with
   * `follow`, a symbolic link as the last component counts where it points;
   * links in the folders above always do. A path that does not exist yet is
   * judged by its nearest existing folder.
   */
  realInside(target: Target, follow: boolean): boolean {
    const real = this.realLocation(target.path, follow);
    if (real === undefined) return false;
    for (const root of this.roots) {
      const rootReal = root.real ?? this.rootReal(root);
      if (rootReal !== undefined && isInside(real, rootReal)) return true;
    }
    return false;
  }

  private rootReal(root: ArtifactRoot): string | undefined {
    const real = this.realLocation(root.dir, true);
    // Only a folder that exists keeps its real path; a missing one may still be created (or linked) later.
    if (real !== undefined && this.lstat(root.dir, NO_THROW) !== undefined) root.real = real;
    return real;
  }

  private realLocation(path: string, follow: boolean): string | undefined {
    let current = follow ? path : dirname(path);
    let tail = follow ? '' : basename(path);
    for (let depth = 0; depth < 256; depth++) {
      const cached = this.reals.get(current);
      if (cached !== undefined && performance.now() - cached.at < REAL_PATH_CACHE_MS) {
        return tail === '' ? cached.real : join(cached.real, tail);
      }
      let stats: fsTypes.Stats | undefined;
      try {
        stats = this.lstat(current, NO_THROW);
      } catch {
        return undefined; // ENOTDIR, EACCES, ELOOP: where it leads is unknown, so it is not recorded
      }
      if (stats !== undefined) {
        // A file that is not a link lies where its folder really is: only folders need a realpath.
        if (!stats.isDirectory() && !stats.isSymbolicLink()) {
          const folder = this.realLocation(dirname(current), true);
          if (folder === undefined) return undefined;
          const real = join(folder, basename(current));
          this.rememberReal(current, real);
          return tail === '' ? real : join(real, tail);
        }
        let real: string;
        try {
          real = this.realpath(current);
        } catch {
          return undefined; // a dangling link: it could create a file anywhere
        }
        if (stats.isDirectory()) this.rememberReal(current, real);
        return tail === '' ? real : join(real, tail);
      }
      const parent = dirname(current);
      if (parent === current) return undefined;
      tail = tail === '' ? basename(current) : join(basename(current), tail);
      current = parent;
    }
    return undefined;
  }

  private rememberReal(path: string, real: string): void {
    if (this.reals.size >= MAX_CACHED_REAL_PATHS) this.reals.clear();
    this.reals.set(path, { real, at: performance.now() });
  }

  /** Forgets the real paths of folders and files: after a rename or removal inside a root. */
  forgetRealPaths(): void {
    this.reals.clear();
  }
}

/**
 * Whether an absolute path is spelled under no root, by prefix tests alone. An
 * absolute path that climbs into a root from outside (`/srv/x/../artifacts/a.md`)
 * is therefore not recorded; one spelled inside a root always gets the full test.
 *
 * Each folder is captured by a closure of its own, not read from an array: V8 compiles
 * `startsWith` against a captured string to a call of its builtin, which also
 * flattens the concatenated string `path.join` returns. Against a string read
 * from an array or object it inlines the comparison and flattens the path
 * through a runtime call instead: +0.06–0.08 µs per call, measured on statSync.
 * The prefix tests also come before the character read for the same reason.
 */
function outsideTest(dirs: readonly string[]): (path: string) => boolean {
  if (!POSIX) return () => false;
  let test = (path: string) => path.charCodeAt(0) === SLASH;
  for (const dir of dirs.toReversed()) {
    const next = test;
    test = (path) => !path.startsWith(dir) && next(path);
  }
  return test;
}

function needsNormalizing(s: string): boolean {
  return (
    s.includes('//') || (s.includes(`${sep}.`) && DOT_SEGMENT.test(s)) || s.charCodeAt(s.length - 1) === SEP
  );
}

function isInside(path: string, dir: string): boolean {
  return path === dir || (path.startsWith(dir) && path.charCodeAt(dir.length) === SEP);
}
