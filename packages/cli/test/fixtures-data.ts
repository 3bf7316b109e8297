/** A triplet file with known statistics, for the stats and report tests. */
import type { Triplet } from '@rl-otel/semantic-conventions';
import { hexId, triplet } from './helpers.ts';

export const BASE = Date.UTC(2026, 10, 26, 12, 0, 0);
/** The report's charts, in page order. */
export const CHARTS = [
  'reward-over-time',
  'reward-distribution',
  'episode-lengths',
  'slowest-actions',
  'worst-actions',
];

export const EVIL = '<img src=x onerror="alert(1)">';

/**
 * - 100 one-step episodes of `GET /api/tasks/:id`: rewards 0.00…0.99, the
 *   first 10 failed, latency i ms;
 * - episode ep-1: three `search` steps, done (success), plus a delayed reward of 0.5;
 * - episode ep-2: two steps of an action with a hostile name, not done;
 */
export function knownTriplets(): Triplet[] {
  const out: Triplet[] = [];
  for (let i = 0; i < 100; i++) {
    const id = hexId(`h${i}`, 16);
    out.push(
      triplet({
        episode: id,
        step: 0,
        span: hexId(`h${i}`, 8),
        ms: BASE + i * 1000,
        name: 'GET /api/tasks/:id',
        reward: i / 100,
        success: i < 10 ? 0 : 1,
        latency: i,
        done: true,
        reason: 'single_step',
      }),
    );
  }
  for (let s = 0; s < 3; s++) {
    out.push(
      triplet({
        episode: 'ep-1',
        step: s,
        span: hexId(`e1s${s}`, 8),
        ms: BASE + 10_000 + s * 100,
        name: 'search',
        kind: 'tool',
        reward: -1,
        success: s === 0 ? 0 : 1,
        latency: 100,
        done: s === 2,
        ...(s === 2 ? { reason: 'success' } : {}),
      }),
    );
  }
  const delayed = triplet({
    episode: 'ep-1',
    step: 1,
    span: hexId('rew', 8),
    ms: BASE + 20_000,
    name: 'search',
    kind: 'reward',
    reward: 0.5,
  });
  out.push(delayed);
  for (let s = 0; s < 2; s++) {
    out.push(
      triplet({
        episode: 'ep-2',
        step: s,
        span: hexId(`e2s${s}`, 8),
        ms: BASE + 30_000 + s * 100,
        name: EVIL,
        kind: 'tool',
        reward: -1,
        success: s === 0 ? 0 : 1,
        latency: 100,
      }),
    );
  }
  return out;
}
