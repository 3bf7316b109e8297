/**
 * Agent Lightning 1.0's event API: `POST $AGL_EVENT_URL` with
 * `{"event_type":"reward","data":{"value":…}}` and `Authorization: Bearer
 * $AGL_KEY`. Requests are sent with tracing suppressed (they are ours, not
 * the app's actions), never throw, and are awaited by `flush()`.
 */
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { describeError, warnOnce } from '@rl-otel/core';

/** Longest a reward POST may take. */
const TIMEOUT_MS = 5_000;
/** Most POSTs in flight; beyond it rewards are dropped (with a warning). */
const MAX_PENDING = 256;

export class RewardEventSender {
  private readonly url: string;
  private readonly key: string | undefined;
  private readonly pending = new Set<Promise<void>>();

  constructor(url: string, key: string | undefined) {
    this.url = url;
    this.key = key;
    if (key === undefined)
      warnOnce('agl-key', 'AGL_EVENT_URL is set but AGL_KEY is not; rewards are sent without Authorization');
  }

  send(value: number): void {
    if (this.pending.size >= MAX_PENDING) {
      warnOnce(
        'agl-event-backlog',
        `${MAX_PENDING} reward events are still in flight; newer rewards are dropped`,
      );
      return;
    }
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.key !== undefined) headers.authorization = `Bearer ${this.key}`;
    const body = JSON.stringify({ event_type: 'reward', data: { value } });
    const request = context
      .with(suppressTracing(context.active()), () =>
        fetch(this.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(TIMEOUT_MS) }),
      )
      .then(async (response) => {
        await response.body?.cancel();
        if (!response.ok)
          warnOnce(
            `agl-event-status:${response.status}`,
            `Agent Lightning's event API (${this.url}) answered ${response.status} to a reward; it was not recorded there`,
          );
      })
      .catch((error: unknown) => {
        warnOnce(
          'agl-event-failed',
          `could not send a reward to Agent Lightning's event API (${this.url}): ${describeError(error)}`,
        );
      })
      .finally(() => this.pending.delete(request));
    this.pending.add(request);
  }

  /** Resolves when every reward sent so far got its answer (or failed). */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
