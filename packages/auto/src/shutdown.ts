/**
 * Flushing at exit without changing how the app exits: triplets are written
 * synchronously on `exit` and on SIGTERM/SIGINT; spans are exported on
 * `beforeExit` and on signals. When the app has no handler of its own for a
 * signal, the signal is raised again after the flush, so the process ends
 * exactly as it would have without us (same signal, same exit status).
 */
import { describeError, warnOnce } from '@rl-otel/core';

export interface Flushable {
  /** Synchronous part: triplets to disk. */
  flushSync(): void;
  /** Asynchronous part: spans to the exporters. */
  flush(): Promise<void>;
  /** Counter of spans ended so far, to skip needless flushes. */
  endedSpans(): number;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

export function installShutdown(target: Flushable, timeoutMs: number): () => void {
  let flushedAt = -1;
  const safeSync = () => {
    try {
      target.flushSync();
    } catch (error) {
      warnOnce('flush-sync', `writing triplets at exit failed: ${describeError(error)}`);
    }
  };
  const flushWithTimeout = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      timer.unref();
      target
        .flush()
        // A failing backend was already reported, once, by the exporter wrapper.
        .catch(() => {})
        .finally(() => {
          clearTimeout(timer);
          resolve();
        });
    });

  const onBeforeExit = () => {
    const ended = target.endedSpans();
    if (ended === flushedAt) return;
    flushedAt = ended;
    safeSync();
    void flushWithTimeout();
  };
  const onExit = () => safeSync();
  const handlers = new Map<string, () => void>();
  let stopping = false;
  for (const signal of SIGNALS) {
    const handler = () => {
      safeSync();
      const appHandles = process.listenerCount(signal) > 1;
      if (appHandles) {
        // The app decides how to stop; export what we can meanwhile.
        void flushWithTimeout();
        return;
      }
      const reraise = () => {
        safeSync();
        process.removeListener(signal, handler);
        process.kill(process.pid, signal);
      };
      if (stopping) {
        reraise();
        return;
      }
      stopping = true;
      flushWithTimeout().finally(reraise);
    };
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
  process.on('beforeExit', onBeforeExit);
  process.on('exit', onExit);
  return () => {
    process.removeListener('beforeExit', onBeforeExit);
    process.removeListener('exit', onExit);
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
  };
}
