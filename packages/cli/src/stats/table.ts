/** The `rl-otel stats` table: a summary block and one row per action, sized to the terminal. */
import { clip, formatCount, formatMs, formatNumber, formatPercent } from '../format.ts';
import { SAMPLE_PER_ACTION, type StatsResult } from './aggregate.ts';

interface Column {
  readonly title: string;
  readonly align: 'left' | 'right';
}

export interface TableOptions {
  /** Rows shown (most frequent actions first). */
  top: number;
  /** Terminal width; the action column shrinks to fit. */
  width: number;
  /** Input names for the heading. */
  inputs: readonly string[];
}

export function renderStats(stats: StatsResult, options: TableOptions): string {
  const out: string[] = [];
  const e = stats.episodes;
  out.push(`rl-otel stats · ${options.inputs.join(', ')}`);
  if (stats.firstTime !== undefined && stats.lastTime !== undefined)
    out.push(
      `  time        ${new Date(stats.firstTime).toISOString()} → ${new Date(stats.lastTime).toISOString()}`,
    );
  out.push(
    `  triplets    ${formatCount(stats.triplets)} (${formatCount(stats.steps)} steps, ${formatCount(stats.rewardLines)} delayed rewards) · ${formatCount(stats.actions.length)} actions`,
  );
  out.push(
    `  episodes    ${formatCount(e.total)} (${formatCount(e.singleStep)} one-step) · done ${formatCount(e.done)}, open ${formatCount(e.open)}`,
  );
  if (e.total > 0) {
    out.push(
      `  length      mean ${formatNumber(e.length.mean, 1)} · p50 ${e.length.p50} · p95 ${e.length.p95} · max ${e.length.max} steps · return mean ${formatNumber(e.returnMean)}`,
    );
    const reasons = Object.entries(e.terminations).sort((a, b) => b[1] - a[1]);
    if (reasons.length > 0)
      out.push(`  ended       ${reasons.map(([reason, n]) => `${reason} ${formatCount(n)}`).join(' · ')}`);
  }
  out.push(
    `  reward      mean ${formatNumber(stats.rewardMean)} · failure rate ${formatPercent(stats.failureRate)}`,
  );
  if (e.untrackedSteps > 0)
    out.push(
      `  note        ${formatCount(e.untrackedSteps)} steps belong to episodes past the tracking limit; they are not in the episode figures`,
    );
  out.push('');

  const columns: Column[] = [
    { title: 'action', align: 'left' },
    { title: 'kind', align: 'left' },
    { title: 'count', align: 'right' },
    { title: 'fail', align: 'right' },
    { title: 'reward mean', align: 'right' },
    { title: 'p5', align: 'right' },
    { title: 'p50', align: 'right' },
    { title: 'p95', align: 'right' },
    { title: 'latency p50', align: 'right' },
    { title: 'p95', align: 'right' },
  ];
  const shown = stats.actions.slice(0, options.top);
  const rows = shown.map((a) => [
    a.exact ? a.name : `${a.name} *`,
    a.kind,
    formatCount(a.count),
    formatPercent(a.failureRate),
    formatNumber(a.reward.mean),
    formatNumber(a.reward.p5),
    formatNumber(a.reward.p50),
    formatNumber(a.reward.p95),
    formatMs(a.latencyMs.p50),
    formatMs(a.latencyMs.p95),
  ]);
  const widths = columns.map((c, i) => Math.max(c.title.length, ...rows.map((r) => (r[i] as string).length)));
  const gap = 2;
  const total = widths.reduce((s, w) => s + w + gap, 0) - gap;
  if (total > options.width) widths[0] = Math.max(12, (widths[0] as number) - (total - options.width));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => {
        const width = widths[i] as number;
        const text = clip(cell, width);
        return (columns[i] as Column).align === 'left' ? text.padEnd(width) : text.padStart(width);
      })
      .join(' '.repeat(gap))
      .trimEnd();
  out.push(line(columns.map((c) => c.title)));
  out.push(line(widths.map((w) => '─'.repeat(w))));
  for (const row of rows) out.push(line(row));
  if (stats.actions.length > shown.length)
    out.push(`… ${formatCount(stats.actions.length - shown.length)} more actions (--top to show more)`);
  if (shown.some((a) => !a.exact))
    out.push(
      `* percentiles from a uniform sample of ${formatCount(SAMPLE_PER_ACTION)} steps; counts, means and failure rates are exact`,
    );
  if (shown.length === 0) out.push('(no actions)');
  return `${out.join('\n')}\n`;
}

/** The statistics as plain JSON (`--json`): no samples, histograms as objects. */
export function statsJson(stats: StatsResult): unknown {
  return {
    ...stats,
    episodes: { ...stats.episodes, lengths: Object.fromEntries(stats.episodes.lengths) },
    actions: stats.actions.map(({ samples: _samples, ...rest }) => rest),
  };
}
