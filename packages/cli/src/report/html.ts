/**
 * The report page: one self-contained HTML file. Styles are inline and the
 * charts are inline SVG, with no script at all; a Content-Security-Policy
 * forbids the page any network access when it is viewed.
 */
import { formatCount, formatMs, formatNumber, formatPercent } from '../format.ts';
import { SAMPLE_PER_ACTION, type StatsResult } from '../stats/aggregate.ts';
import { VERSION } from '../version.ts';
import { slowestActions, worstActions } from './bar-charts.ts';
import { episodeLengths, figure, rewardDistribution, rewardOverTime } from './charts.ts';
import { esc } from './svg.ts';

export interface ReportOptions {
  title: string;
  /** Input file names, shown under the title. */
  inputs: readonly string[];
  /** Actions drawn in the reward-over-time chart. */
  series: number;
  /** Rows of the slowest / worst-rewarded charts. */
  bars: number;
  /** Rows of the action table. */
  tableRows: number;
}

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export function renderReport(stats: StatsResult, options: ReportOptions): string {
  const e = stats.episodes;
  const range =
    stats.firstTime !== undefined && stats.lastTime !== undefined
      ? `${new Date(stats.firstTime).toISOString()} → ${new Date(stats.lastTime).toISOString()}`
      : 'no timed triplets';
  const cards: Array<[string, string]> = [
    ['triplets', formatCount(stats.triplets)],
    ['episodes', formatCount(e.total)],
    ['steps', formatCount(stats.steps)],
    ['actions', formatCount(stats.actions.length)],
    ['mean reward', formatNumber(stats.rewardMean)],
    ['failure rate', formatPercent(stats.failureRate)],
    ['episodes done', formatCount(e.done)],
    ['mean episode length', formatNumber(e.length.mean, 1)],
  ];
  const charts = [
    rewardOverTime(stats, options.series),
    rewardDistribution(stats),
    episodeLengths(stats),
    slowestActions(stats, options.bars),
    worstActions(stats, options.bars),
  ];
  const rows = stats.actions
    .slice(0, options.tableRows)
    .map(
      (a) =>
        `<tr><td class="name" title="${esc(a.name)}">${esc(a.name)}</td><td>${esc(a.kind)}</td><td>${formatCount(a.count)}</td><td>${formatPercent(a.failureRate)}</td><td>${formatNumber(a.reward.mean)}</td><td>${formatNumber(a.reward.p5)}</td><td>${formatNumber(a.reward.p50)}</td><td>${formatNumber(a.reward.p95)}</td><td>${formatMs(a.latencyMs.p50)}</td><td>${formatMs(a.latencyMs.p95)}</td></tr>`,
    );
  const more =
    stats.actions.length > options.tableRows
      ? `<p class="note">${formatCount(stats.actions.length - options.tableRows)} more actions are not listed.</p>`
      : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="rl-otel ${esc(VERSION)}">
<title>${esc(options.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${esc(options.title)}</h1>
<p class="meta">${options.inputs.map((i) => `<code>${esc(i)}</code>`).join(' ')} · ${esc(range)}</p>
</header>
<section class="cards">${cards.map(([label, value]) => `<div class="card"><div class="value">${esc(value)}</div><div class="label">${esc(label)}</div></div>`).join('')}</section>
<section class="charts">
${charts.map(figure).join('\n')}
</section>
<section class="actions">
<h2>Actions</h2>
<table>
<thead><tr><th>action</th><th>kind</th><th>count</th><th>fail</th><th>reward mean</th><th>p5</th><th>p50</th><th>p95</th><th>latency p50</th><th>p95</th></tr></thead>
<tbody>${rows.join('')}</tbody>
</table>
${more}
</section>
<footer>Made by <code>rl-otel report</code> ${esc(VERSION)}. Percentiles and charts of actions with more than ${formatCount(SAMPLE_PER_ACTION)} steps come from a uniform sample; counts and means are exact.</footer>
</body>
</html>
`;
}

const STYLE = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #ffffff; --panel: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1560px; padding: 24px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 15px; margin: 0; }
.meta { color: var(--muted); margin: 0 0 16px; overflow-wrap: anywhere; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; background: var(--panel); padding: 1px 4px; border-radius: 4px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 12px; margin-bottom: 20px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.card .value { font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .label { color: var(--muted); font-size: 12px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 16px; }
figure.chart { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 12px; min-width: 0; }
figcaption p { margin: 2px 0 8px; color: var(--muted); font-size: 12px; }
svg.plot { display: block; width: 100%; height: auto; font: 11px system-ui, sans-serif; }
svg .grid { stroke: #eaeef2; }
svg .domain, svg .tickmark { stroke: #8c959f; }
svg .tick, svg .label { fill: var(--muted); }
svg .label { fill: var(--fg); }
svg .line { fill: none; stroke-width: 2; stroke-linejoin: round; }
svg .mark { stroke: #1f2328; stroke-width: 2; }
svg .zero { stroke: #8c959f; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 4px 14px; margin: 8px 0 0; padding: 0; font-size: 12px; }
.legend li { display: flex; align-items: center; gap: 6px; max-width: 100%; overflow: hidden; white-space: nowrap; }
.swatch { width: 12px; height: 12px; border-radius: 2px; flex: none; }
.empty { color: var(--muted); padding: 40px 0; text-align: center; }
.actions { margin-top: 24px; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin-top: 8px; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th:first-child, td:first-child, th:nth-child(2), td:nth-child(2) { text-align: left; }
td.name { max-width: 420px; overflow: hidden; text-overflow: ellipsis; }
.note, footer { color: var(--muted); font-size: 12px; }
footer { margin-top: 24px; }
`;
