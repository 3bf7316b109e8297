/**
 * Streaming statistics of triplets, in bounded memory: per action name a
 * count, failures, reward sum and a uniform sample (exact up to
 * SAMPLE_PER_ACTION values) for percentiles and charts; per multi-step
 * episode its length, outcome and return (up to MAX_EPISODES episodes).
 */
import {
  RL_ACTION_KIND_VALUE_REWARD,
  RL_REWARD_COMPONENT_LATENCY_MS,
  RL_REWARD_COMPONENT_SUCCESS,
  RL_TERMINATION_REASON_VALUE_SINGLE_STEP,
  type Triplet,
} from '@rl-otel/semantic-conventions';
import { percentile, Reservoir } from './reservoir.ts';

export const SAMPLE_PER_ACTION = 10_000;
export const MAX_ACTIONS = 1_000;
export const MAX_EPISODES = 1_000_000;
/** Name under which actions past MAX_ACTIONS are counted. */
export const OTHER_ACTIONS = '(other actions)';

/** One sampled step: when, its reward, its latency. */
export interface Sample {
  readonly time: number;
  readonly reward: number;
  readonly latencyMs: number | undefined;
  readonly failed: boolean;
}

interface ActionState {
  readonly name: string;
  readonly kind: string;
  count: number;
  /** Steps that say whether they succeeded (a `success` component). */
  outcomes: number;
  failures: number;
  rewardSum: number;
  rewardMin: number;
  rewardMax: number;
  latencySum: number;
  latencyCount: number;
  readonly sample: Reservoir<Sample>;
}

interface EpisodeState {
  steps: number;
  done: boolean;
  reason: string | undefined;
}

export interface Distribution {
  mean: number | undefined;
  min: number | undefined;
  max: number | undefined;
  p5: number | undefined;
  p50: number | undefined;
  p95: number | undefined;
}

export interface ActionStats {
  name: string;
  kind: string;
  count: number;
  failures: number;
  /** failures / steps that report success or failure; undefined when none do. */
  failureRate: number | undefined;
  reward: Distribution;
  latencyMs: { mean: number | undefined; p50: number | undefined; p95: number | undefined };
  /** False when the percentiles come from a uniform sample of SAMPLE_PER_ACTION steps. */
  exact: boolean;
  samples: readonly Sample[];
}

export interface StatsResult {
  triplets: number;
  steps: number;
  /** Lines of kind `reward` (delayed rewards). */
  rewardLines: number;
  firstTime: number | undefined;
  lastTime: number | undefined;
  rewardMean: number | undefined;
  failureRate: number | undefined;
  episodes: {
    total: number;
    done: number;
    open: number;
    singleStep: number;
    /** Steps of episodes first seen after MAX_EPISODES were tracked: counted as steps, not in episodes. */
    untrackedSteps: number;
    length: Distribution;
    /** Steps per episode → episodes with that many steps. */
    lengths: ReadonlyMap<number, number>;
    terminations: Record<string, number>;
    /** Mean of episode returns (sum of an episode's rewards). */
    returnMean: number | undefined;
  };
  /** By count, most first. */
  actions: ActionStats[];
}

export class TripletStats {
  private readonly actions = new Map<string, ActionState>();
  private readonly episodes = new Map<string, EpisodeState>();
  private triplets = 0;
  private steps = 0;
  private rewardLines = 0;
  private singleStep = 0;
  private untrackedSteps = 0;
  /** Sum of every reward of counted episodes (steps and delayed rewards): the episodes' returns added up. */
  private returnSum = 0;
  private firstTime: number | undefined;
  private lastTime: number | undefined;

  add(triplet: Triplet): void {
    this.triplets++;
    const time = Date.parse(triplet.time);
    if (!Number.isNaN(time)) {
      if (this.firstTime === undefined || time < this.firstTime) this.firstTime = time;
      if (this.lastTime === undefined || time > this.lastTime) this.lastTime = time;
    }
    const reward = Number(triplet.reward?.value);
    if (triplet.action?.kind === RL_ACTION_KIND_VALUE_REWARD) {
      this.rewardLines++;
      if (Number.isFinite(reward)) this.returnSum += reward;
      return;
    }
    this.steps++;
    this.addAction(triplet, time, reward);
    if (triplet.done && triplet.termination_reason === RL_TERMINATION_REASON_VALUE_SINGLE_STEP) {
      this.singleStep++;
      if (Number.isFinite(reward)) this.returnSum += reward;
      return;
    }
    let episode = this.episodes.get(triplet.episode_id);
    if (episode === undefined) {
      if (this.episodes.size >= MAX_EPISODES) {
        this.untrackedSteps++;
        return;
      }
      episode = { steps: 0, done: false, reason: undefined };
      this.episodes.set(triplet.episode_id, episode);
    }
    episode.steps++;
    if (Number.isFinite(reward)) this.returnSum += reward;
    if (triplet.done) {
      episode.done = true;
      episode.reason = triplet.termination_reason;
    }
  }

  private addAction(triplet: Triplet, time: number, reward: number): void {
    const kind = String(triplet.action?.kind ?? '');
    let key = `${kind}\u0000${triplet.action?.name}`;
    let action = this.actions.get(key);
    if (action === undefined) {
      let name = String(triplet.action?.name ?? '');
      if (this.actions.size >= MAX_ACTIONS) {
        key = `\u0000${OTHER_ACTIONS}`;
        name = OTHER_ACTIONS;
      }
      action = this.actions.get(key);
      if (action === undefined) {
        action = {
          name,
          kind: key.startsWith('\u0000') ? '' : kind,
          count: 0,
          outcomes: 0,
          failures: 0,
          rewardSum: 0,
          rewardMin: Number.POSITIVE_INFINITY,
          rewardMax: Number.NEGATIVE_INFINITY,
          latencySum: 0,
          latencyCount: 0,
          sample: new Reservoir<Sample>(SAMPLE_PER_ACTION, this.actions.size + 1),
        };
        this.actions.set(key, action);
      }
    }
    const components = triplet.reward?.components ?? {};
    const success = components[RL_REWARD_COMPONENT_SUCCESS];
    const latency = components[RL_REWARD_COMPONENT_LATENCY_MS];
    const failed = success === 0;
    action.count++;
    if (typeof success === 'number') action.outcomes++;
    if (failed) action.failures++;
    if (Number.isFinite(reward)) {
      action.rewardSum += reward;
      if (reward < action.rewardMin) action.rewardMin = reward;
      if (reward > action.rewardMax) action.rewardMax = reward;
    }
    const latencyMs = typeof latency === 'number' && Number.isFinite(latency) ? latency : undefined;
    if (latencyMs !== undefined) {
      action.latencySum += latencyMs;
      action.latencyCount++;
    }
    if (Number.isFinite(reward)) action.sample.add({ time, reward, latencyMs, failed });
  }

  result(): StatsResult {
    const actions = [...this.actions.values()]
      .map(actionStats)
      .sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1));
    const lengths = new Map<number, number>();
    if (this.singleStep > 0) lengths.set(1, this.singleStep);
    const terminations: Record<string, number> = {};
    if (this.singleStep > 0) terminations[RL_TERMINATION_REASON_VALUE_SINGLE_STEP] = this.singleStep;
    let done = this.singleStep;
    for (const episode of this.episodes.values()) {
      lengths.set(episode.steps, (lengths.get(episode.steps) ?? 0) + 1);
      if (episode.done) {
        done++;
        const reason = episode.reason ?? 'done';
        terminations[reason] = (terminations[reason] ?? 0) + 1;
      }
    }
    const total = this.singleStep + this.episodes.size;
    let rewardSum = 0;
    let rewardCount = 0;
    let outcomes = 0;
    let failures = 0;
    for (const action of this.actions.values()) {
      rewardSum += action.rewardSum;
      rewardCount += action.count;
      outcomes += action.outcomes;
      failures += action.failures;
    }
    return {
      triplets: this.triplets,
      steps: this.steps,
      rewardLines: this.rewardLines,
      firstTime: this.firstTime,
      lastTime: this.lastTime,
      rewardMean: rewardCount > 0 ? rewardSum / rewardCount : undefined,
      failureRate: outcomes > 0 ? failures / outcomes : undefined,
      episodes: {
        total,
        done,
        open: total - done,
        singleStep: this.singleStep,
        untrackedSteps: this.untrackedSteps,
        length: histogramDistribution(lengths),
        lengths,
        terminations,
        returnMean: total > 0 ? this.returnSum / total : undefined,
      },
      actions,
    };
  }
}

function actionStats(action: ActionState): ActionStats {
  const samples = action.sample.items;
  const rewards = samples.map((s) => s.reward).sort((a, b) => a - b);
  const latencies = samples
    .map((s) => s.latencyMs)
    .filter((l): l is number => l !== undefined)
    .sort((a, b) => a - b);
  return {
    name: action.name,
    kind: action.kind,
    count: action.count,
    failures: action.failures,
    failureRate: action.outcomes > 0 ? action.failures / action.outcomes : undefined,
    reward: {
      mean: action.count > 0 ? action.rewardSum / action.count : undefined,
      min: Number.isFinite(action.rewardMin) ? action.rewardMin : undefined,
      max: Number.isFinite(action.rewardMax) ? action.rewardMax : undefined,
      p5: percentile(rewards, 5),
      p50: percentile(rewards, 50),
      p95: percentile(rewards, 95),
    },
    latencyMs: {
      mean: action.latencyCount > 0 ? action.latencySum / action.latencyCount : undefined,
      p50: percentile(latencies, 50),
      p95: percentile(latencies, 95),
    },
    exact: action.sample.exact,
    samples,
  };
}

/** Percentiles of a histogram value → count. */
function histogramDistribution(histogram: ReadonlyMap<number, number>): Distribution {
  const entries = [...histogram].sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((n, [, c]) => n + c, 0);
  if (total === 0)
    return { mean: undefined, min: undefined, max: undefined, p5: undefined, p50: undefined, p95: undefined };
  const at = (p: number): number => {
    const rank = Math.max(1, Math.ceil((p / 100) * total));
    let seen = 0;
    for (const [value, count] of entries) {
      seen += count;
      if (seen >= rank) return value;
    }
    return (entries.at(-1) as [number, number])[0];
  };
  const sum = entries.reduce((s, [v, c]) => s + v * c, 0);
  return {
    mean: sum / total,
    min: (entries[0] as [number, number])[0],
    max: (entries.at(-1) as [number, number])[0],
    p5: at(5),
    p50: at(50),
    p95: at(95),
  };
}
