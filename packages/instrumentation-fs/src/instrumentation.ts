import type * as fsTypes from 'node:fs';
import { warnOnce } from '@rl-otel/core';
import { RlInstrumentationBase } from '@rl-otel/core/instrumentation';
import { fsModules, originalStreamFs, patchFileHandle, patchFs, syncEsmBindings } from './patch.ts';
import { ArtifactRoots, unwrapped } from './roots.ts';
import type { StreamHooks } from './streams.ts';
import { FileTracing } from './tracing.ts';
import type { FsInstrumentationConfig } from './types.ts';
import { ARTIFACT_DIRS_ENV, artifactDirs } from './utils.ts';
import { VERSION } from './version.ts';

export const INSTRUMENTATION_NAME = '@rl-otel/instrumentation-fs';

interface State {
  readonly tracing: FileTracing;
  readonly streams: StreamHooks;
  patched: Array<[object, string]>;
  handlePrototype: object | undefined;
}

// Kept outside the instance: InstrumentationBase calls enable() from its
// constructor, before a subclass's own fields are initialised.
const states = new WeakMap<FsInstrumentation, State>();

/**
 * Reads, writes, copies, renames, deletes, folder listings and stats of files
 * inside the artifact folders become actions of kind `file`, named by
 * operation and folder pattern (`write reports/*.md`), with the bytes moved
 * added to the action that caused them. Every other fs call of the process
 * costs one string prefix test and is not recorded.
 */
export class FsInstrumentation extends RlInstrumentationBase<FsInstrumentationConfig> {
  constructor(config: FsInstrumentationConfig = {}) {
    super(INSTRUMENTATION_NAME, VERSION, config);
  }

  protected override init() {
    // node:fs is a built-in: its exports are patched in place at enable(), no module hook is needed.
    return [];
  }

  /** The artifact folders in use (absolute), most specific first. */
  get artifactDirs(): readonly string[] {
    return (
      states.get(this)?.tracing.roots.roots.map((r) => r.dir) ?? this.resolveRoots().roots.map((r) => r.dir)
    );
  }

  override setConfig(config: FsInstrumentationConfig = {}): void {
    super.setConfig(config);
    const state = states.get(this);
    if (state !== undefined) state.tracing.setRoots(this.resolveRoots());
  }

  protected override onEnable(): void {
    const { fs } = fsModules();
    const tracing = new FileTracing(this.resolveRoots(), {
      tracer: () => this.tracer,
      config: () => this.getConfig(),
      shouldTrace: (ctx) => this.shouldTraceClient(ctx),
      runHook: (name, hook, ...args) => this.runHook(name, hook, ...args),
      onHandle: (handle) => this.patchHandles(handle),
    });
    const streams: StreamHooks = {
      originalFs: originalStreamFs(fs),
      watch: (access, args, stream) => tracing.watchStream(access, args, stream),
    };
    const state: State = { tracing, streams, patched: [], handlePrototype: undefined };
    states.set(this, state);
    state.patched = patchFs(tracing, streams, (target, name, wrapper) =>
      this._wrap(target, name as never, wrapper as never),
    );
  }

  protected override onDisable(): void {
    const state = states.get(this);
    if (state === undefined) return;
    states.delete(this);
    for (const [target, name] of state.patched) this._unwrap(target, name as never);
    syncEsmBindings();
  }

  private patchHandles(handle: object): void {
    const state = states.get(this);
    if (state === undefined || state.handlePrototype !== undefined) return;
    const prototype = Object.getPrototypeOf(handle) as object | null;
    if (prototype === null) return;
    state.handlePrototype = prototype;
    state.patched.push(
      ...patchFileHandle(prototype, state.tracing, state.streams, (target, name, wrapper) =>
        this._wrap(target, name as never, wrapper as never),
      ),
    );
  }

  private resolveRoots(): ArtifactRoots {
    const fs = process.getBuiltinModule('node:fs') as typeof fsTypes;
    const stat = unwrapped(fs.statSync);
    const { dirs, problems } = artifactDirs(
      this.getConfig().artifactDirs,
      process.env[ARTIFACT_DIRS_ENV],
      process.cwd(),
      (dir) => {
        try {
          return stat(dir, { throwIfNoEntry: false })?.isFile() === true;
        } catch {
          return false; // a folder above is a file: the path can never be opened, nothing to warn about
        }
      },
    );
    for (const problem of problems) warnOnce(`fs-artifact-dirs:${problem}`, problem);
    return new ArtifactRoots(dirs);
  }
}
