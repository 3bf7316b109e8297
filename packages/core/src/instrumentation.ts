/**
 * `@rl-otel/core/instrumentation`: what every rl-otel plugin shares on Node.js.
 * Kept out of the main entry so that `@rl-otel/core` itself stays free of
 * module-patching code and runs unchanged on Deno.
 */
import * as diagnosticsChannel from 'node:diagnostics_channel';
import { type Context, context, type Span, SpanStatusCode, trace } from '@opentelemetry/api';
import { InstrumentationBase, type InstrumentationConfig, isWrapped } from '@opentelemetry/instrumentation';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import { describeError, safeRun, warnOnce } from './diag.ts';
import { isTracingSuppressed } from './suppress.ts';

export { isTracingSuppressed };

/** Options every rl-otel plugin accepts. */
export interface RlInstrumentationConfig extends InstrumentationConfig {
  /**
   * Only record client-side actions (queries, outgoing calls, file access)
   * that happen inside another span, i.e. inside an action or an episode.
   * Startup work (migrations, config fetches) then stays out of the data.
   * @default true
   */
  requireParentSpan?: boolean;
}

type Handler = (message: unknown, name: string | symbol) => void;

// Kept outside the instance: InstrumentationBase calls enable() from its
// constructor, before a subclass's own fields are initialised.
const subscriptions = new WeakMap<object, Array<[string, Handler]>>();
const wrappedMethods = new WeakMap<object, Array<[object, string]>>();

/**
 * Base of rl-otel plugins. Subclasses implement `onEnable` / `onDisable`
 * (which may run during construction, so they must not rely on the subclass's
 * own field initialisers) and subscribe to diagnostics channels with
 * `subscribe`, which `disable()` undoes. Exceptions of a subscriber are
 * reported once and never reach the library that published.
 */
export abstract class RlInstrumentationBase<
  C extends RlInstrumentationConfig = RlInstrumentationConfig,
> extends InstrumentationBase<C> {
  protected onEnable(): void {}

  protected onDisable(): void {}

  override enable(): void {
    const was = this.isEnabled();
    super.enable();
    if (!was) {
      try {
        this.onEnable();
      } catch (error) {
        warnOnce(
          `enable:${this.instrumentationName}`,
          `${this.instrumentationName} could not start: ${describeError(error)}`,
        );
      }
    }
  }

  override disable(): void {
    if (!this.isEnabled()) return;
    super.disable();
    for (const [name, handler] of subscriptions.get(this) ?? [])
      diagnosticsChannel.unsubscribe(name, handler);
    subscriptions.delete(this);
    for (const [target, name] of wrappedMethods.get(this) ?? []) this._unwrap(target as never, name as never);
    wrappedMethods.delete(this);
    try {
      this.onDisable();
    } catch (error) {
      warnOnce(
        `disable:${this.instrumentationName}`,
        `${this.instrumentationName} could not stop cleanly: ${describeError(error)}`,
      );
    }
  }

  /** Subscribes to a diagnostics channel until `disable()`. */
  protected subscribe<M>(name: string, onMessage: (message: M) => void): void {
    const key = `channel:${this.instrumentationName}:${name}`;
    const handler: Handler = (message) => {
      try {
        onMessage(message as M);
      } catch (error) {
        warnOnce(
          key,
          `${this.instrumentationName} failed on a "${name}" event and skipped it: ${describeError(error)}`,
        );
      }
    };
    diagnosticsChannel.subscribe(name, handler);
    let list = subscriptions.get(this);
    if (list === undefined) subscriptions.set(this, (list = []));
    list.push([name, handler]);
  }

  /**
   * Wraps a method of a library object (a prototype, usually) until
   * `disable()`. A method that is already wrapped (the ESM and the CommonJS
   * copy of a package can share objects) is left as it is.
   */
  protected wrapMethod(target: object, name: string, wrapper: (original: never) => unknown): void {
    const current = (target as Record<string, unknown>)[name];
    if (typeof current !== 'function' || isWrapped(current)) return;
    this._wrap(target as Record<string, never>, name as never, wrapper as never);
    let list = wrappedMethods.get(this);
    if (list === undefined) wrappedMethods.set(this, (list = []));
    list.push([target, name]);
  }

  /** Runs a user hook from the configuration; if it throws, that is reported once and the span goes on. */
  protected runHook<A extends unknown[]>(
    hookName: string,
    hook: ((...args: A) => void) | undefined,
    ...args: A
  ): void {
    if (hook === undefined) return;
    safeRun(
      `${this.instrumentationName}:${hookName}`,
      `the ${hookName} of ${this.instrumentationName}`,
      () => hook(...args),
      undefined,
    );
  }

  /**
   * Whether a client-side action may be recorded in `ctx`: tracing is not
   * suppressed (exporters suppress it for their own calls) and, when
   * `requireParentSpan` is on (the default), some span is active.
   */
  protected shouldTraceClient(ctx: Context = context.active()): boolean {
    if (isTracingSuppressed(ctx)) return false;
    if (this.getConfig().requireParentSpan === false) return true;
    return trace.getSpan(ctx) !== undefined;
  }
}

/** Records an application error on a span: exception event, `error.type`, error status. The error itself is untouched. */
export function recordError(span: Span, error: unknown, errorType?: string): void {
  try {
    const err = error instanceof Error ? error : new Error(String(error));
    span.recordException(err);
    const code = (error as { code?: unknown } | null)?.code;
    span.setAttribute(ATTR_ERROR_TYPE, errorType ?? (typeof code === 'string' ? code : err.name || 'Error'));
    span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
  } catch {
    // a span that cannot record is not the app's problem
  }
}

export {
  joinRoutePath,
  moduleExports,
  recordHandlerError,
  routePattern,
  SeenErrors,
} from './frameworks.ts';
