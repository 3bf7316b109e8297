/** The report's bar charts of actions: the slowest (p95 latency) and the worst-rewarded (mean reward). */
import { clip, formatCount, formatMs, formatNumber } from '../format.ts';
import type { StatsResult } from '../stats/aggregate.ts';
import { type Chart, svg, WIDTH } from './charts.ts';
import { type Box, color, esc, linear, n, niceTicks, xAxis } from './svg.ts';

/** Actions with the highest p95 latency, p50 marked. */
export function slowestActions(stats: StatsResult, top: number): Chart {
  const rows = stats.actions
    .filter((a) => a.latencyMs.p95 !== undefined)
    .sort((a, b) => (b.latencyMs.p95 as number) - (a.latencyMs.p95 as number))
    .slice(0, top);
  return horizontalBars({
    id: 'slowest-actions',
    title: 'Slowest actions',
    description: `The ${top} actions with the highest p95 latency; the dark tick is the median.`,
    rows: rows.map((a) => ({
      label: a.name,
      value: a.latencyMs.p95 as number,
      mark: a.latencyMs.p50,
      text: `${a.name}: p95 ${formatMs(a.latencyMs.p95)}, p50 ${formatMs(a.latencyMs.p50)} (${formatCount(a.count)} steps)`,
    })),
    format: (v) => formatMs(v),
    fill: color(1),
  });
}

/** Actions with the lowest mean reward. */
export function worstActions(stats: StatsResult, top: number): Chart {
  const rows = stats.actions
    .filter((a) => a.reward.mean !== undefined)
    .sort((a, b) => (a.reward.mean as number) - (b.reward.mean as number))
    .slice(0, top);
  return horizontalBars({
    id: 'worst-actions',
    title: 'Worst-rewarded actions',
    description: `The ${top} actions with the lowest mean reward.`,
    rows: rows.map((a) => ({
      label: a.name,
      value: a.reward.mean as number,
      mark: undefined,
      text: `${a.name}: mean reward ${formatNumber(a.reward.mean)} (${formatCount(a.count)} steps, ${a.failures} failed)`,
    })),
    format: (v) => formatNumber(v, 2),
    fill: color(2),
  });
}

interface BarRow {
  label: string;
  value: number;
  mark: number | undefined;
  text: string;
}

function horizontalBars(spec: {
  id: string;
  title: string;
  description: string;
  rows: BarRow[];
  format: (v: number) => string;
  fill: string;
}): Chart {
  const { id, title, description, rows } = spec;
  if (rows.length === 0) return { id, title, description, body: undefined };
  const rowHeight = 24;
  const box: Box = {
    width: WIDTH,
    height: 12 + rows.length * rowHeight + 30,
    left: 230,
    right: 24,
    top: 12,
    bottom: 30,
  };
  const values = rows.flatMap((r) => [r.value, r.mark ?? r.value]);
  const { ticks, domain } = niceTicks(Math.min(0, ...values), Math.max(0, ...values), 6);
  const x = linear(domain, [box.left, box.width - box.right]);
  const parts = [
    xAxis(
      box,
      ticks.map((t) => ({ x: x(t), label: spec.format(t) })),
    ),
  ];
  for (const t of ticks)
    parts.push(
      `<line class="grid" x1="${n(x(t))}" x2="${n(x(t))}" y1="${box.top}" y2="${box.height - box.bottom}"/>`,
    );
  rows.forEach((row, i) => {
    const y0 = box.top + i * rowHeight;
    const a = x(Math.min(0, row.value));
    const b = x(Math.max(0, row.value));
    parts.push(
      `<g class="row"><text class="label" x="${box.left - 8}" y="${y0 + rowHeight / 2}" text-anchor="end" dominant-baseline="middle">${esc(clip(row.label, 34))}</text>` +
        `<rect class="bar" x="${n(a)}" y="${y0 + 4}" width="${n(Math.max(1, b - a))}" height="${rowHeight - 8}" fill="${spec.fill}"><title>${esc(row.text)}</title></rect>` +
        (row.mark === undefined
          ? ''
          : `<line class="mark" x1="${n(x(row.mark))}" x2="${n(x(row.mark))}" y1="${y0 + 2}" y2="${y0 + rowHeight - 2}"/>`) +
        '</g>',
    );
  });
  parts.push(
    `<line class="zero" x1="${n(x(0))}" x2="${n(x(0))}" y1="${box.top}" y2="${box.height - box.bottom}"/>`,
  );
  return { id, title, description, body: svg(id, box, parts.join(''), description) };
}
