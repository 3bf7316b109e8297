/**
 * The report's charts, as inline SVG strings: reward over time per action,
 * reward distribution, episode lengths (the bar charts of actions are in
 * bar-charts.ts). Each comes back as a <figure data-chart="…"> with an HTML legend.
 */
import { clip, formatCount, formatNumber } from '../format.ts';
import type { ActionStats, StatsResult } from '../stats/aggregate.ts';
import { type Box, color, esc, linear, n, niceTicks, tickLabel, xAxis, yAxis } from './svg.ts';

export const WIDTH = 720;
const PLOT: Box = { width: WIDTH, height: 300, left: 56, right: 16, top: 12, bottom: 30 };

export interface Chart {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** The SVG (and legend), or undefined when there is nothing to draw. */
  readonly body: string | undefined;
}

export function figure(chart: Chart): string {
  const body = chart.body ?? `<p class="empty">No data for this chart in the input.</p>`;
  return `<figure class="chart" id="chart-${chart.id}" data-chart="${chart.id}"><figcaption><h2>${esc(chart.title)}</h2><p>${esc(chart.description)}</p></figcaption>${body}</figure>`;
}

export function svg(id: string, box: Box, content: string, label: string): string {
  return `<svg class="plot" data-plot="${id}" viewBox="0 0 ${box.width} ${box.height}" width="${box.width}" height="${box.height}" role="img" aria-label="${esc(label)}" xmlns="http://www.w3.org/2000/svg">${content}</svg>`;
}

function legend(items: ReadonlyArray<{ label: string; color: string }>): string {
  return `<ul class="legend">${items
    .map(
      (i) =>
        `<li title="${esc(i.label)}"><span class="swatch" style="background:${i.color}"></span>${esc(clip(i.label, 48))}</li>`,
    )
    .join('')}</ul>`;
}

/** Mean reward per time bucket, one line per action (the most frequent ones). */
export function rewardOverTime(stats: StatsResult, top: number): Chart {
  const title = 'Reward over time';
  const description = `Mean reward per time bucket for the ${top} most frequent actions (UTC).`;
  const series = stats.actions.filter((a) => a.samples.length > 0).slice(0, top);
  if (series.length === 0 || stats.firstTime === undefined || stats.lastTime === undefined)
    return { id: 'reward-over-time', title, description, body: undefined };
  const t0 = stats.firstTime;
  const t1 = stats.lastTime;
  const buckets = t1 > t0 ? 40 : 1;
  const width = (t1 - t0) / buckets;
  const lines = series.map((action) => {
    const sums = new Array<number>(buckets).fill(0);
    const counts = new Array<number>(buckets).fill(0);
    for (const s of action.samples) {
      if (!Number.isFinite(s.time)) continue;
      const b = width > 0 ? Math.min(buckets - 1, Math.floor((s.time - t0) / width)) : 0;
      sums[b] = (sums[b] as number) + s.reward;
      counts[b] = (counts[b] as number) + 1;
    }
    return counts.map((c, b) =>
      c > 0 ? { time: t0 + (b + 0.5) * width, mean: (sums[b] as number) / c, count: c } : undefined,
    );
  });
  const means = lines.flatMap((l) => l.filter((p) => p !== undefined).map((p) => p.mean));
  const { ticks, domain } = niceTicks(Math.min(...means), Math.max(...means));
  const x = linear([t0, t1 > t0 ? t1 : t0 + 1], [PLOT.left, PLOT.width - PLOT.right]);
  const y = linear(domain, [PLOT.height - PLOT.bottom, PLOT.top]);
  const parts = [yAxis(PLOT, y, ticks), xAxis(PLOT, timeTicks(t0, t1, x))];
  lines.forEach((points, i) => {
    const action = series[i] as ActionStats;
    let d = '';
    let pen = false;
    const dots: string[] = [];
    for (const p of points) {
      if (p === undefined) {
        pen = false;
        continue;
      }
      d += `${pen ? 'L' : 'M'}${n(x(p.time))},${n(y(p.mean))}`;
      pen = true;
      dots.push(
        `<circle class="point" cx="${n(x(p.time))}" cy="${n(y(p.mean))}" r="2.5" fill="${color(i)}"><title>${esc(`${action.name} · ${new Date(p.time).toISOString()} · mean reward ${formatNumber(p.mean)} (${p.count} steps)`)}</title></circle>`,
      );
    }
    parts.push(
      `<g class="series" data-series="${esc(action.name)}"><path class="line" d="${d}" stroke="${color(i)}"/>${dots.join('')}</g>`,
    );
  });
  const body =
    svg('reward-over-time', PLOT, parts.join(''), description) +
    legend(series.map((a, i) => ({ label: a.kind ? `${a.name} (${a.kind})` : a.name, color: color(i) })));
  return { id: 'reward-over-time', title, description, body };
}

/** Histogram of step rewards, successes and failures stacked; sampled actions are weighted back to their counts. */
export function rewardDistribution(stats: StatsResult): Chart {
  const title = 'Reward distribution';
  const description = 'Steps by reward, successful and failed steps stacked.';
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const action of stats.actions) {
    for (const s of action.samples) {
      if (s.reward < min) min = s.reward;
      if (s.reward > max) max = s.reward;
    }
  }
  if (min > max) return { id: 'reward-distribution', title, description, body: undefined };
  const bins = 30;
  const lo = min === max ? min - 0.5 : min;
  const hi = min === max ? max + 0.5 : max;
  const size = (hi - lo) / bins;
  const ok = new Array<number>(bins).fill(0);
  const failed = new Array<number>(bins).fill(0);
  for (const action of stats.actions) {
    // A sampled action stands for all its steps.
    const weight = action.samples.length > 0 ? action.count / action.samples.length : 0;
    for (const s of action.samples) {
      const b = Math.min(bins - 1, Math.floor((s.reward - lo) / size));
      const into = s.failed ? failed : ok;
      into[b] = (into[b] as number) + weight;
    }
  }
  const heights = ok.map((v, i) => v + (failed[i] as number));
  const { ticks, domain } = niceTicks(0, Math.max(...heights));
  const x = linear([lo, hi], [PLOT.left, PLOT.width - PLOT.right]);
  const y = linear([0, domain[1]], [PLOT.height - PLOT.bottom, PLOT.top]);
  const xt = niceTicks(lo, hi, 8).ticks.filter((t) => t >= lo && t <= hi);
  const parts = [
    yAxis(
      PLOT,
      y,
      ticks.filter((t) => t >= 0),
      (v) => formatCount(v),
    ),
    xAxis(
      PLOT,
      xt.map((t) => ({ x: x(t), label: tickLabel(t, xt) })),
    ),
  ];
  for (let b = 0; b < bins; b++) {
    const x0 = x(lo + b * size);
    const w = Math.max(1, x(lo + (b + 1) * size) - x0 - 1);
    const range = `${formatNumber(lo + b * size)} … ${formatNumber(lo + (b + 1) * size)}`;
    const okTop = y(ok[b] as number);
    if ((ok[b] as number) > 0)
      parts.push(
        `<rect class="bar ok" x="${n(x0)}" y="${n(okTop)}" width="${n(w)}" height="${n(y(0) - okTop)}" fill="${color(0)}"><title>${esc(`reward ${range}: ${formatCount(Math.round(ok[b] as number))} successful steps`)}</title></rect>`,
      );
    if ((failed[b] as number) > 0) {
      const top = y((ok[b] as number) + (failed[b] as number));
      parts.push(
        `<rect class="bar failed" x="${n(x0)}" y="${n(top)}" width="${n(w)}" height="${n(okTop - top)}" fill="${color(2)}"><title>${esc(`reward ${range}: ${formatCount(Math.round(failed[b] as number))} failed steps`)}</title></rect>`,
      );
    }
  }
  const body =
    svg('reward-distribution', PLOT, parts.join(''), description) +
    legend([
      { label: 'successful or no outcome', color: color(0) },
      { label: 'failed (success = 0)', color: color(2) },
    ]);
  return { id: 'reward-distribution', title, description, body };
}

/** Episodes by number of steps. */
export function episodeLengths(stats: StatsResult): Chart {
  const title = 'Episode lengths';
  const description = 'Episodes by number of steps (one-step episodes included).';
  const lengths = [...stats.episodes.lengths].sort((a, b) => a[0] - b[0]);
  if (lengths.length === 0) return { id: 'episode-lengths', title, description, body: undefined };
  const maxLength = (lengths.at(-1) as [number, number])[0];
  const binSize = maxLength <= 60 ? 1 : Math.ceil(maxLength / 40);
  const bins = Math.ceil(maxLength / binSize);
  const counts = new Array<number>(bins).fill(0);
  for (const [length, count] of lengths) {
    const b = Math.min(bins - 1, Math.floor((Math.max(1, length) - 1) / binSize));
    counts[b] = (counts[b] as number) + count;
  }
  const { ticks, domain } = niceTicks(0, Math.max(...counts));
  const x = linear([0, bins], [PLOT.left, PLOT.width - PLOT.right]);
  const y = linear([0, domain[1]], [PLOT.height - PLOT.bottom, PLOT.top]);
  const label = (b: number) => (binSize === 1 ? String(b + 1) : `${b * binSize + 1}–${(b + 1) * binSize}`);
  const every = Math.max(1, Math.ceil(bins / 12));
  const xt: Array<{ x: number; label: string }> = [];
  for (let b = 0; b < bins; b += every) xt.push({ x: x(b + 0.5), label: label(b) });
  const parts = [
    yAxis(
      PLOT,
      y,
      ticks.filter((t) => t >= 0),
      (v) => formatCount(v),
    ),
    xAxis(PLOT, xt),
  ];
  counts.forEach((count, b) => {
    if (count === 0) return;
    const x0 = x(b) + 1;
    const w = Math.max(1, x(b + 1) - x(b) - 2);
    parts.push(
      `<rect class="bar" x="${n(x0)}" y="${n(y(count))}" width="${n(w)}" height="${n(y(0) - y(count))}" fill="${color(3)}"><title>${esc(`${label(b)} steps: ${formatCount(count)} episodes`)}</title></rect>`,
    );
  });
  return {
    id: 'episode-lengths',
    title,
    description,
    body: svg('episode-lengths', PLOT, parts.join(''), description),
  };
}

const STEPS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800,
].map((s) => s * 1000);

/** Round UTC times along [t0, t1]. */
function timeTicks(t0: number, t1: number, x: (v: number) => number): Array<{ x: number; label: string }> {
  const range = Math.max(1, t1 - t0);
  const step = STEPS.find((s) => s >= range / 6) ?? (STEPS.at(-1) as number);
  const ticks: Array<{ x: number; label: string }> = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) {
    const iso = new Date(t).toISOString();
    const label =
      range > 2 * 86_400_000
        ? iso.slice(5, 10)
        : range > 86_400_000
          ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}`
          : step < 60_000
            ? iso.slice(11, 19)
            : iso.slice(11, 16);
    ticks.push({ x: x(t), label });
  }
  if (ticks.length === 0) ticks.push({ x: x(t0), label: new Date(t0).toISOString().slice(11, 19) });
  return ticks;
}
