/**
 * Span decisions for artifact file access: whether a call is recorded, its
 * attributes, action name, bytes and reward components. The patching layer
 * (`wrap.ts`, `streams.ts`, `patch.ts`) asks; this answers.
 */
import type * as crypto from 'node:crypto';
import { type Attributes, type Context, context, type Span, SpanKind, type Tracer } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { ATTR_CODE_FUNCTION_NAME } from '@opentelemetry/semantic-conventions';
import { addRewardComponent, describeError, warnOnce } from '@rl-otel/core';
import { isTracingSuppressed, recordError } from '@rl-otel/core/instrumentation';
import {
  ATTR_FILE_EXTENSION,
  ATTR_FILE_NAME,
  ATTR_FILE_PATH,
  ATTR_FILE_SIZE,
  ATTR_RL_ACTION_KIND,
  ATTR_RL_ACTION_NAME,
  ATTR_RL_FILE_BYTES_READ,
  ATTR_RL_FILE_BYTES_WRITTEN,
  ATTR_RL_FILE_OPERATION,
  ATTR_RL_FILE_SHA256,
  RL_ACTION_KIND_VALUE_FILE,
  RL_REWARD_COMPONENT_ARTIFACT_READS,
  RL_REWARD_COMPONENT_ARTIFACT_WRITES,
  RL_REWARD_COMPONENT_BYTES_READ,
  RL_REWARD_COMPONENT_BYTES_WRITTEN,
} from '@rl-otel/semantic-conventions';
import type { Access, Facts, FsTracing, OperationSpec, Target } from './internal-types.ts';
import type { ArtifactRoots } from './roots.ts';
import { isStreaming } from './streams.ts';
import type { FileOperation, FileOperationInfo, FsInstrumentationConfig } from './types.ts';
import { actionName, baseName, fileExtension, flagOf, isAppendFlag } from './utils.ts';

/** What the tracing needs from the instrumentation that owns it. */
export interface TracingHost {
  tracer(): Tracer;
  config(): FsInstrumentationConfig;
  /** Not suppressed, and a parent span unless `requireParentSpan: false`. */
  shouldTrace(ctx: Context): boolean;
  runHook<A extends unknown[]>(name: string, hook: ((...args: A) => void) | undefined, ...args: A): void;
  /** A FileHandle of an artifact was opened (its class's methods get patched once). */
  onHandle(handle: object): void;
}

type Hash = ReturnType<typeof crypto.createHash>;

const O_APPEND = (process.getBuiltinModule('node:fs') as typeof import('node:fs')).constants.O_APPEND;
const streamHashes = new WeakMap<object, Hash>();

export class FileTracing implements FsTracing {
  private readonly fds = new Map<number, Target>();
  private readonly handles = new WeakMap<object, Target>();
  /** How many synchronous originals are running (nested: `writeFileSync` calls `openSync`). */
  private syncDepth = 0;
  private current: ArtifactRoots;
  /** The roots' own test, held here so that the wrappers reach it in one step. */
  outside: (path: string) => boolean;
  private readonly host: TracingHost;

  constructor(roots: ArtifactRoots, host: TracingHost) {
    this.current = roots;
    this.outside = roots.outside;
    this.host = host;
  }

  get roots(): ArtifactRoots {
    return this.current;
  }

  setRoots(roots: ArtifactRoots): void {
    this.current = roots;
    this.outside = roots.outside;
  }

  locate(path: unknown): Target | undefined {
    return this.roots.locate(path);
  }

  fdTarget(fd: number): Target | undefined {
    return this.fds.size === 0 ? undefined : this.fds.get(fd);
  }

  handleTarget(handle: object): Target | undefined {
    const target = this.handles.get(handle);
    return target === undefined || isStreaming(handle) ? undefined : target;
  }

  hasFds(): boolean {
    return this.fds.size !== 0;
  }

  forgetFd(fd: unknown): void {
    if (typeof fd === 'number') this.fds.delete(fd);
  }

  begin(
    spec: OperationSpec,
    functionName: string,
    args: readonly unknown[],
    target: Target,
  ): Access | undefined {
    try {
      if (this.syncDepth !== 0) return undefined;
      const outer = context.active();
      if (isTracingSuppressed(outer)) return undefined;
      const traced = this.host.shouldTrace(outer);
      // An untraced open is still remembered: the writes through it may happen inside an action.
      if (!traced && !spec.opens) return undefined;
      if (target.verified !== true && !this.roots.realInside(target, spec.follow)) return undefined;
      // A folder renamed or removed may come back as a link elsewhere: re-read real paths from now on.
      if (spec.operation === 'rename' || spec.operation === 'delete') this.roots.forgetRealPaths();
      const operation = operationOf(spec, args, target);
      const span = traced ? this.startSpan(spec, operation, functionName, target, outer) : undefined;
      return { spec, operation, functionName, target, span, outer };
    } catch (error) {
      warnOnce(
        'fs-begin',
        `the fs instrumentation failed to start a span and skipped it: ${describeError(error)}`,
      );
      return undefined;
    }
  }

  // A counter rather than a suppressed context: a synchronous original makes its nested
  // calls before it returns, and entering a context cost ~0.5 µs per artifact operation.
  runSync<T>(fn: () => T): T {
    this.syncDepth++;
    try {
      return fn();
    } finally {
      this.syncDepth--;
    }
  }

  runAsync<T>(access: Access, fn: () => T): T {
    return context.with(suppressTracing(access.outer), fn);
  }

  private startSpan(
    spec: OperationSpec,
    operation: FileOperation,
    functionName: string,
    target: Target,
    outer: Context,
  ): Span {
    const name = actionName(operation, target.rel, spec.directory === true);
    const attributes: Attributes = {
      [ATTR_RL_ACTION_KIND]: RL_ACTION_KIND_VALUE_FILE,
      [ATTR_RL_ACTION_NAME]: name,
      [ATTR_RL_FILE_OPERATION]: operation,
      [ATTR_FILE_PATH]: target.rel === '' ? '.' : target.rel,
      [ATTR_CODE_FUNCTION_NAME]: functionName,
    };
    if (target.rel !== '') {
      const base = baseName(target.rel);
      attributes[ATTR_FILE_NAME] = base;
      const ext = spec.directory ? undefined : fileExtension(base);
      if (ext !== undefined) attributes[ATTR_FILE_EXTENSION] = ext;
    }
    const span = this.host.tracer().startSpan(name, { kind: SpanKind.INTERNAL, attributes }, outer);
    const hook = this.host.config().requestHook;
    if (hook !== undefined)
      this.host.runHook('requestHook', hook, span, info(operation, functionName, target));
    return span;
  }

  end(access: Access, args: readonly unknown[], error: unknown, result: unknown): void {
    try {
      const { span, spec, operation, target } = access;
      if (error === undefined && spec.opens) this.remember(result, target, args);
      if (span === undefined) return;
      if (error === undefined) {
        const facts = spec.measure?.(args, result);
        if (facts !== undefined) this.record(span, operation, target, facts);
        const hash = typeof result === 'object' && result !== null ? streamHashes.get(result) : undefined;
        if (hash !== undefined) span.setAttribute(ATTR_RL_FILE_SHA256, hash.digest('hex'));
        if (operation === 'read') addRewardComponent(span, RL_REWARD_COMPONENT_ARTIFACT_READS, 1);
        else if (operation === 'write' || operation === 'append' || operation === 'copy')
          addRewardComponent(span, RL_REWARD_COMPONENT_ARTIFACT_WRITES, 1);
      } else recordError(span, error);
      const hook = this.host.config().responseHook;
      if (hook !== undefined)
        this.host.runHook('responseHook', hook, span, info(operation, access.functionName, target), error);
      span.end();
    } catch (failure) {
      warnOnce('fs-end', `the fs instrumentation failed to end a span: ${describeError(failure)}`);
    }
  }

  private record(span: Span, operation: FileOperation, target: Target, facts: Facts): void {
    if (facts.read !== undefined) {
      span.setAttribute(ATTR_RL_FILE_BYTES_READ, facts.read);
      addRewardComponent(span, RL_REWARD_COMPONENT_BYTES_READ, facts.read);
    }
    if (facts.written !== undefined) {
      span.setAttribute(ATTR_RL_FILE_BYTES_WRITTEN, facts.written);
      addRewardComponent(span, RL_REWARD_COMPONENT_BYTES_WRITTEN, facts.written);
    }
    // A whole-file read or write through a path (not a descriptor, which has a position) moves exactly the file.
    const wholeFile = facts.whole === true && operation !== 'append' && target.verified !== true;
    const size = facts.size ?? (wholeFile ? (facts.read ?? facts.written) : undefined);
    if (size !== undefined) span.setAttribute(ATTR_FILE_SIZE, size);
    if (operation === 'write' && facts.content !== undefined && this.host.config().hashContent === true) {
      const hash = createSha256();
      if (typeof facts.content === 'string') hash.update(facts.content, facts.encoding ?? 'utf8');
      else
        hash.update(new Uint8Array(facts.content.buffer, facts.content.byteOffset, facts.content.byteLength));
      span.setAttribute(ATTR_RL_FILE_SHA256, hash.digest('hex'));
    }
  }

  private remember(result: unknown, target: Target, args: readonly unknown[]): void {
    const opened: Target = { ...target, verified: true, append: isAppendFlag(args[1], O_APPEND) };
    if (typeof result === 'number') this.fds.set(result, opened);
    else if (typeof result === 'object' && result !== null) {
      this.handles.set(result, opened);
      this.host.onHandle(result);
    }
  }

  /** A stream was created for a traced access: hash what it writes (if asked), end the action on `close`. */
  watchStream(access: Access, args: readonly unknown[], stream: unknown): void {
    const s = stream as {
      once?: (event: string, fn: () => void) => unknown;
      errored?: unknown;
      start?: unknown;
      _write?: (chunk: Uint8Array, encoding: string, cb: unknown) => unknown;
      _writev?: (chunks: Array<{ chunk: Uint8Array }>, cb: unknown) => unknown;
    };
    if (typeof s.once !== 'function') {
      this.end(access, args, undefined, stream);
      return;
    }
    if (access.operation === 'write' && s.start === undefined && this.host.config().hashContent === true) {
      const hash = createSha256();
      streamHashes.set(s, hash);
      const write = s._write;
      const writev = s._writev;
      if (typeof write === 'function')
        s._write = function (chunk, encoding, cb) {
          hash.update(chunk);
          return write.call(this, chunk, encoding, cb);
        };
      if (typeof writev === 'function')
        s._writev = function (chunks, cb) {
          for (const { chunk } of chunks) hash.update(chunk);
          return writev.call(this, chunks, cb);
        };
    }
    // fs streams emit `close` after an error too. No `error` listener: that would change what an unhandled stream error does.
    s.once('close', () => this.end(access, args, s.errored ?? undefined, stream));
  }
}

function operationOf(spec: OperationSpec, args: readonly unknown[], target: Target): FileOperation {
  if (spec.operation !== 'write') return spec.operation;
  if (target.append === true) return 'append';
  if (spec.flagIndex !== undefined && isAppendFlag(flagOf(args[spec.flagIndex]), O_APPEND)) return 'append';
  return 'write';
}

function info(operation: FileOperation, functionName: string, target: Target): FileOperationInfo {
  return { operation, path: target.rel === '' ? '.' : target.rel, root: target.root.dir, functionName };
}

function createSha256(): Hash {
  return (process.getBuiltinModule('node:crypto') as typeof crypto).createHash('sha256');
}
