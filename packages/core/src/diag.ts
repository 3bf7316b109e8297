/**
 * Warnings for people, not for log pipelines: each distinct problem is reported
 * once, in plain words, on stderr. Telemetry problems never throw into the app.
 */
import { shared } from './shared.ts';

export type WarningHandler = (message: string) => void;

const defaultHandler: WarningHandler = (message) => {
  console.warn(`[rl-otel] ${message}`);
};

/** Reports `message` once per `key` for the life of the process. Returns whether it was printed. */
export function warnOnce(key: string, message: string): boolean {
  const state = shared();
  if (state.warned.has(key)) return false;
  state.warned.add(key);
  try {
    (state.warningHandler ?? defaultHandler)(message);
  } catch {
    // a broken handler must not break the caller
  }
  return true;
}

/** Replaces where warnings go (tests, or an app that wants them in its own log). Pass `undefined` to restore stderr. */
export function setWarningHandler(handler: WarningHandler | undefined): void {
  shared().warningHandler = handler;
}

/** Forgets which warnings were printed (for tests). */
export function resetWarnings(): void {
  shared().warned.clear();
}

/**
 * Runs a user-supplied callback; if it throws, reports that once under `key`
 * and returns `fallback`. The app's work goes on either way.
 */
export function safeRun<T>(key: string, what: string, fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch (error) {
    warnOnce(`safeRun:${key}`, `${what} threw and was ignored: ${describeError(error)}`);
    return fallback;
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
