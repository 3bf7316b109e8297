/**
 * Wrappers of fs functions for the three API styles. They only patch: the
 * cheap path test comes first and anything that is not an artifact calls
 * straight through; every decision about spans is `FsTracing`'s. The app's
 * own errors and results pass through unchanged, and its callbacks run in
 * its own context.
 */
import { context } from '@opentelemetry/api';
import type { FsTracing, OperationSpec, Target } from './internal-types.ts';

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/** Where a call's target comes from. */
export type TargetOf = (tracing: FsTracing, self: unknown, args: unknown[]) => Target | undefined;

/** A path or a descriptor as the first argument; for copy and rename the destination wins when inside. */
export function pathTarget(spec: OperationSpec): TargetOf {
  if (spec.twoPaths) return (t, _self, args) => t.locate(args[1]) ?? t.locate(args[0]);
  return singlePath;
}

const singlePath: TargetOf = (t, _self, args) => {
  const first = args[0];
  if (typeof first === 'number') return t.fdTarget(first);
  // fs/promises functions also take a FileHandle where a path goes.
  return t.locate(first) ?? (typeof first === 'object' && first !== null ? t.handleTarget(first) : undefined);
};

export const fdTarget: TargetOf = (t, _self, args) =>
  typeof args[0] === 'number' ? t.fdTarget(args[0]) : undefined;

export const handleTarget: TargetOf = (t, self) =>
  typeof self === 'object' && self !== null ? t.handleTarget(self) : undefined;

/** Gives the wrapper what callers may read off the original: `util.promisify` hints, `realpath.native`, name and length. */
export function sameShape<F extends AnyFunction>(wrapper: F, original: AnyFunction): F {
  for (const key of Reflect.ownKeys(original)) {
    if (key === 'prototype' || key === 'arguments' || key === 'caller') continue;
    const descriptor = Reflect.getOwnPropertyDescriptor(original, key);
    if (descriptor !== undefined) {
      try {
        Reflect.defineProperty(wrapper, key, descriptor);
      } catch {
        // a property the wrapper cannot take is not one callers rely on
      }
    }
  }
  return wrapper;
}

/**
 * The wrapper that gets installed. What every fs call of the process goes
 * through first: a call whose path is spelled outside every root (module
 * loading, logs, config) reaches the original after a type check and a prefix
 * test, with no argument copied. Only calls that name a single path have it;
 * the rest go to `slow` directly.
 */
function fastOutside(
  slow: AnyFunction,
  original: AnyFunction,
  spec: OperationSpec,
  targetOf: TargetOf,
  t: FsTracing,
): AnyFunction {
  if (targetOf !== singlePath) return sameShape(slow, original);
  const opens = spec.opens === true;
  return sameShape(function (this: unknown, first: unknown) {
    // `open` must see the descriptor it returns while any is remembered (numbers are reused).
    if (typeof first === 'string' && !(opens && t.hasFds()) && t.outside(first)) {
      // biome-ignore lint/complexity/noArguments: copying no arguments is the point of this path
      return arguments.length === 1 ? original.call(this, first) : Reflect.apply(original, this, arguments);
    }
    // biome-ignore lint/complexity/noArguments: as above
    return Reflect.apply(slow, this, arguments);
  }, original);
}

/** `fs.readFileSync` and the other `…Sync` functions. */
export function wrapSync(
  original: AnyFunction,
  name: string,
  spec: OperationSpec,
  targetOf: TargetOf,
  t: FsTracing,
): AnyFunction {
  const slow = function (this: unknown, ...args: unknown[]) {
    const target = targetOf(t, this, args);
    if (target === undefined) {
      if (spec.opens && t.hasFds()) {
        const fd = original.apply(this, args);
        t.forgetFd(fd); // the number is reused: whatever it named before is closed
        return fd;
      }
      return original.apply(this, args);
    }
    const access = t.begin(spec, name, args, target);
    if (access === undefined) return original.apply(this, args);
    let result: unknown;
    try {
      result = t.runSync(() => original.apply(this, args));
    } catch (error) {
      t.end(access, args, error, undefined);
      throw error;
    }
    t.end(access, args, undefined, result);
    return result;
  };
  return fastOutside(slow, original, spec, targetOf, t);
}

/** `fs.readFile(path, cb)` and the other callback functions: the callback is the last argument. */
export function wrapCallback(
  original: AnyFunction,
  name: string,
  spec: OperationSpec,
  targetOf: TargetOf,
  t: FsTracing,
): AnyFunction {
  const slow = function (this: unknown, ...args: unknown[]) {
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback !== 'function') return original.apply(this, args);
    const target = targetOf(t, this, args);
    if (target === undefined) {
      if (spec.opens && t.hasFds()) {
        args[last] = function (this: unknown, ...results: unknown[]) {
          if (results[0] == null) t.forgetFd(results[1]);
          return callback.apply(this, results);
        };
      }
      return original.apply(this, args);
    }
    const access = t.begin(spec, name, args, target);
    if (access === undefined) return original.apply(this, args);
    args[last] = function (this: unknown, ...results: unknown[]) {
      t.end(access, args, results[0] ?? undefined, results[1]);
      return context.with(access.outer, () => callback.apply(this, results));
    };
    try {
      return t.runAsync(access, () => original.apply(this, args));
    } catch (error) {
      t.end(access, args, error, undefined);
      throw error;
    }
  };
  return fastOutside(slow, original, spec, targetOf, t);
}

/** `fs.promises.readFile` and the other promise functions, and FileHandle methods. */
export function wrapPromise(
  original: AnyFunction,
  name: string,
  spec: OperationSpec,
  targetOf: TargetOf,
  t: FsTracing,
): AnyFunction {
  const slow = function (this: unknown, ...args: unknown[]) {
    const target = targetOf(t, this, args);
    if (target === undefined) return original.apply(this, args);
    const access = t.begin(spec, name, args, target);
    if (access === undefined) return original.apply(this, args);
    let promise: Promise<unknown>;
    try {
      promise = t.runAsync(access, () => original.apply(this, args)) as Promise<unknown>;
    } catch (error) {
      t.end(access, args, error, undefined);
      throw error;
    }
    // A new promise that settles like the original: a rejection the app does not handle stays unhandled.
    return promise.then(
      (result) => {
        t.end(access, args, undefined, result);
        return result;
      },
      (error: unknown) => {
        t.end(access, args, error, undefined);
        throw error;
      },
    );
  };
  return fastOutside(slow, original, spec, targetOf, t);
}
