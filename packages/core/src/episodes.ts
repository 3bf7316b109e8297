import type { EpisodeOrigin, EpisodeState } from './internal-types.ts';
import { shared } from './shared.ts';

/**
 * The episode with this id, created on first sight. Episodes seen through
 * baggage keep counting steps across requests; the registry is bounded (the
 * oldest idle episode is forgotten first, never an active one).
 */
export function episodeFor(id: string, origin: EpisodeOrigin): EpisodeState {
  const state = shared();
  const existing = state.episodes.get(id);
  // An explicit episode that reuses the id of an ended one continues its step count.
  if (existing !== undefined && !(existing.ended && origin === 'explicit')) return existing;
  const episode: EpisodeState = {
    id,
    origin,
    nextStep: existing?.nextStep ?? 0,
    span: undefined,
    ended: false,
    active: 0,
    lastStep: undefined,
  };
  state.episodes.set(id, episode);
  if (state.episodes.size > state.maxEpisodes) evictIdle(state.episodes, state.maxEpisodes);
  return episode;
}

/** A one-step episode named after its trace: not registered. */
export function traceEpisode(traceId: string): EpisodeState {
  return {
    id: traceId,
    origin: 'trace',
    nextStep: 0,
    span: undefined,
    ended: false,
    active: 0,
    lastStep: undefined,
  };
}

/** Looks an episode up without creating it. */
export function findEpisode(id: string): EpisodeState | undefined {
  return shared().episodes.get(id);
}

/** Forgets the oldest idle episodes down to 90% of the bound, so that eviction is rare and amortized. */
function evictIdle(episodes: Map<string, EpisodeState>, max: number): void {
  const target = Math.floor(max * 0.9);
  for (const [id, episode] of episodes) {
    if (episodes.size <= target) return;
    if (episode.active === 0) episodes.delete(id);
  }
}

/** Sets how many episodes the registry remembers (default 10 000). */
export function setMaxEpisodes(max: number): void {
  shared().maxEpisodes = Math.max(1, Math.floor(max));
}
