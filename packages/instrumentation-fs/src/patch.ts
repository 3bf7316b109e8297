/**
 * Patching `node:fs`. It is a built-in module: there is no module load to
 * hook, so the exports object of `node:fs` and `node:fs/promises` is patched
 * in place (what `require('fs')`, `require('node:fs')` and a default
 * `import fs from 'node:fs'` all see), and `module.syncBuiltinESMExports()`
 * then updates the named ES module bindings (`import { writeFile } from
 * 'node:fs/promises'`), including those imported before the patch.
 */
import type * as fsTypes from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import type { FsTracing } from './internal-types.ts';
import { FD_FUNCTIONS, HANDLE_METHODS, PATH_FUNCTIONS, STREAM_READ, STREAM_WRITE } from './operations.ts';
import { unwrapped } from './roots.ts';
import { type StreamHooks, wrapCreateStream } from './streams.ts';
import {
  fdTarget,
  handleTarget,
  pathTarget,
  sameShape,
  wrapCallback,
  wrapPromise,
  wrapSync,
} from './wrap.ts';

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/** The instrumentation's shimmer `_wrap`, bound. */
export type WrapFn = (target: object, name: string, wrapper: (original: AnyFunction) => AnyFunction) => void;

export function fsModules(): { fs: typeof fsTypes; promises: typeof fsTypes.promises } {
  return {
    fs: process.getBuiltinModule('node:fs') as typeof fsTypes,
    promises: process.getBuiltinModule('node:fs/promises') as typeof fsTypes.promises,
  };
}

/** The unpatched functions an fs stream does its I/O with (its `fs` option). */
export function originalStreamFs(fs: typeof fsTypes): object {
  const original: Record<string, unknown> = {};
  for (const name of ['open', 'read', 'write', 'writev', 'close', 'fsync'] as const)
    original[name] = unwrapped(fs[name]);
  return original;
}

/** Patches every recorded function of `node:fs` and `node:fs/promises`; returns what to unpatch. */
export function patchFs(t: FsTracing, streams: StreamHooks, wrap: WrapFn): Array<[object, string]> {
  const { fs, promises } = fsModules();
  const patched: Array<[object, string]> = [];
  const patch = (target: object, name: string, wrapper: (original: AnyFunction) => AnyFunction) => {
    if (typeof (target as Record<string, unknown>)[name] !== 'function') return;
    wrap(target, name, wrapper);
    patched.push([target, name]);
  };
  for (const [name, spec] of Object.entries(PATH_FUNCTIONS)) {
    const targetOf = pathTarget(spec);
    patch(fs, name, (o) => wrapCallback(o, `fs.${name}`, spec, targetOf, t));
    patch(fs, `${name}Sync`, (o) => wrapSync(o, `fs.${name}Sync`, spec, targetOf, t));
    patch(promises, name, (o) => wrapPromise(o, `fs.promises.${name}`, spec, targetOf, t));
  }
  for (const [name, spec] of Object.entries(FD_FUNCTIONS)) {
    patch(fs, name, (o) => wrapCallback(o, `fs.${name}`, spec, fdTarget, t));
    patch(fs, `${name}Sync`, (o) => wrapSync(o, `fs.${name}Sync`, spec, fdTarget, t));
  }
  for (const name of ['close', 'closeSync']) {
    patch(fs, name, (o) =>
      sameShape(function (this: unknown, ...args: unknown[]) {
        t.forgetFd(args[0]);
        return o.apply(this, args);
      }, o),
    );
  }
  patch(fs, 'createReadStream', (o) =>
    wrapCreateStream(o, 'fs.createReadStream', STREAM_READ, false, t, streams),
  );
  patch(fs, 'createWriteStream', (o) =>
    wrapCreateStream(o, 'fs.createWriteStream', STREAM_WRITE, false, t, streams),
  );
  syncBuiltinESMExports();
  return patched;
}

/** Patches the methods of the FileHandle class (reached through the first handle of an artifact). */
export function patchFileHandle(
  prototype: object,
  t: FsTracing,
  streams: StreamHooks,
  wrap: WrapFn,
): Array<[object, string]> {
  const patched: Array<[object, string]> = [];
  const patch = (name: string, wrapper: (original: AnyFunction) => AnyFunction) => {
    if (typeof (prototype as Record<string, unknown>)[name] !== 'function') return;
    wrap(prototype, name, wrapper);
    patched.push([prototype, name]);
  };
  for (const [name, spec] of Object.entries(HANDLE_METHODS))
    patch(name, (o) => wrapPromise(o, `FileHandle.${name}`, spec, handleTarget, t));
  patch('createReadStream', (o) =>
    wrapCreateStream(o, 'FileHandle.createReadStream', STREAM_READ, true, t, streams),
  );
  patch('createWriteStream', (o) =>
    wrapCreateStream(o, 'FileHandle.createWriteStream', STREAM_WRITE, true, t, streams),
  );
  return patched;
}

/** Puts the named ES module bindings back in step after unpatching. */
export function syncEsmBindings(): void {
  syncBuiltinESMExports();
}
