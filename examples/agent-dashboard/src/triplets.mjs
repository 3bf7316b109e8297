// Reading the triplet file that rl-otel writes, for the triplets page and the
// run summary: one series of rewards per action, and the episodes.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

/** Where rl-otel writes triplets: RL_OTEL_TRIPLETS_FILE, else .rl-otel/triplets.jsonl (both from the working directory). */
export function tripletsPath(env = process.env, cwd = process.cwd()) {
  const raw = env.RL_OTEL_TRIPLETS_FILE?.trim();
  if (raw === 'none' || raw === 'off') return undefined;
  return resolve(cwd, raw || '.rl-otel/triplets.jsonl');
}

/** The triplets written so far (a line still being written is left out). */
export async function readTriplets(path) {
  if (path === undefined) return [];
  let text;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT') return [];
    throw error;
  }
  const out = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      out.push(JSON.parse(line));
    } catch {
      // a partial last line
    }
  }
  return out;
}

/** A label per action: `http GET /manager`, `step code`; a delayed reward is `feedback → <step>`. */
export function seriesLabel(t) {
  return t.action.kind === 'reward' ? `feedback → ${t.action.name}` : `${t.action.kind} ${t.action.name}`;
}

/** What the triplets page and the summary show. */
export function summarize(triplets) {
  const series = new Map();
  const episodes = new Map();
  // Charts plot rewards against the order of the actions (the nth triplet in
  // time), so that a burst of clicks spreads out instead of piling up.
  const ordered = [...triplets].sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  for (const [index, t] of ordered.entries()) {
    const time = Date.parse(t.time);
    const label = seriesLabel(t);
    let s = series.get(label);
    if (s === undefined) series.set(label, (s = { label, kind: t.action.kind, points: [], sum: 0 }));
    s.points.push({ index, time, value: t.reward.value, episode: t.episode_id, step: t.step });
    s.sum += t.reward.value;
    let e = episodes.get(t.episode_id);
    if (e === undefined)
      episodes.set(t.episode_id, (e = { id: t.episode_id, first: time, actions: 0, rewards: 0, return: 0 }));
    if (t.action.kind === 'reward') e.rewards++;
    else e.actions++;
    e.return += t.reward.value;
    e.first = Math.min(e.first, time);
    if (t.done) {
      e.done = true;
      e.reason = t.termination_reason;
    }
  }
  for (const s of series.values()) {
    s.points.sort((a, b) => a.index - b.index);
    s.mean = s.sum / s.points.length;
  }
  const all = [...episodes.values()];
  // A request outside any session is a one-step episode named after its trace.
  const single = all.filter((e) => e.reason === 'single_step');
  return {
    total: triplets.length,
    start: ordered.length > 0 ? Date.parse(ordered[0].time) : undefined,
    end: ordered.length > 0 ? Date.parse(ordered.at(-1).time) : undefined,
    series: [...series.values()].sort(
      (a, b) => a.kind.localeCompare(b.kind) || a.label.localeCompare(b.label),
    ),
    episodes: all.filter((e) => e.reason !== 'single_step').sort((a, b) => a.first - b.first),
    singleStep: single.length,
  };
}
