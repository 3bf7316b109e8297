import type { EpisodeOrigin, EpisodeState } from './internal-types.ts';
import { rememberBounded, shared } from './shared.ts';

/**
 * The episode with this id, created on first sight. Episodes seen through
 * baggage keep counting steps across requests; the registry is bounded (the
 * least recently used episode is forgotten first, never an active one).
 */
export function episodeFor(id: string, origin: EpisodeOrigin): EpisodeState {
  const state = shared();
  let episode = state.episodes.get(id);
  if (episode === undefined || (episode.ended && origin === 'explicit')) {
    episode = {
      id,
      origin,
      nextStep: episode?.nextStep ?? 0,
      span: undefined,
      ended: false,
      active: 0,
      lastStep: undefined,
    };
  }
  rememberBounded(state.episodes, id, episode, Number.POSITIVE_INFINITY);
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

function evictIdle(episodes: Map<string, EpisodeState>, max: number): void {
  for (const [id, episode] of episodes) {
    if (episodes.size <= max) return;
    if (episode.active === 0) episodes.delete(id);
  }
}

/** Sets how many episodes the registry remembers (default 10 000). */
export function setMaxEpisodes(max: number): void {
  shared().maxEpisodes = Math.max(1, Math.floor(max));
}
