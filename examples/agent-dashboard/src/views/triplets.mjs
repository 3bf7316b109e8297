// The triplets page: reward over time, one small chart per action, all on the
// same time and reward axes so that they compare at a glance. Server-rendered
// SVG: no script, nothing loaded from elsewhere.
import { html, raw } from 'hono/html';

const W = 330;
const H = 120;
const M = { left: 34, right: 8, top: 8, bottom: 18 };

export function tripletsView({ summary, path, kind }) {
  if (summary.total === 0)
    return html`<p class="muted">No triplets yet in <code>${path ?? '(triplets are off)'}</code>.
Browse the dashboards or run a task, then reload (rl-otel writes them in batches, within a fraction of a second).</p>`;
  const series = kind ? summary.series.filter((s) => s.kind === kind) : summary.series;
  const scale = scales(summary);
  const kinds = [...new Set(summary.series.map((s) => s.kind))];
  return html`
<p>${summary.total} triplets in <code>${path}</code>: one per action (a request, an agent step) and one per
delayed reward. Each chart is one action: its reward each time it was taken, left to right in the order of all
actions (#1 … #${summary.total}), dots green at or above zero, red below, the dotted line its mean. All charts
share both axes. Hover a dot for its episode, step and time.</p>
<p>Show: <a href="/triplets">all</a>${kinds.map((k) => html` · <a href="/triplets?kind=${encodeURIComponent(k)}">${k}</a>`)}</p>
<div class="panels">${series.map((s) => panel(s, scale))}</div>

<h2>Episodes</h2>
<table><tr><th>episode</th><th class="num">actions</th><th class="num">delayed rewards</th><th class="num">return</th><th>end</th></tr>
${summary.episodes.map(
  (
    e,
  ) => html`<tr><td><code>${e.id}</code></td><td class="num">${e.actions}</td><td class="num">${e.rewards}</td>
<td class="num">${e.return.toFixed(3)}</td><td>${e.done ? e.reason : html`<span class="muted">open</span>`}</td></tr>`,
)}</table>
<p class="muted">Plus ${summary.singleStep} one-step episodes: requests outside any session (health checks, API calls without baggage).</p>`;
}

function scales(summary) {
  let lo = 0;
  let hi = 0;
  for (const s of summary.series)
    for (const p of s.points) {
      lo = Math.min(lo, p.value);
      hi = Math.max(hi, p.value);
    }
  const pad = (hi - lo || 1) * 0.08;
  lo -= pad;
  hi += pad;
  const last = Math.max(1, summary.total - 1);
  return {
    lo,
    hi,
    total: summary.total,
    t0: summary.start,
    t1: summary.end,
    x: (index) => M.left + 4 + (index / last) * (W - M.left - M.right - 8),
    y: (v) => M.top + ((hi - v) / (hi - lo)) * (H - M.top - M.bottom),
  };
}

function panel(s, sc) {
  const f = (n) => n.toFixed(1);
  const line = s.points.map((p) => `${f(sc.x(p.index))},${f(sc.y(p.value))}`).join(' ');
  const dots = s.points
    .map(
      (p) =>
        `<circle cx="${f(sc.x(p.index))}" cy="${f(sc.y(p.value))}" r="2.6" class="${p.value >= 0 ? 'ok' : 'bad'}"><title>${escapeXml(
          `#${p.index + 1} ${p.episode} step ${p.step}: reward ${p.value} at ${new Date(p.time).toISOString().slice(11, 23)}`,
        )}</title></circle>`,
    )
    .join('');
  const label = (v) => (Math.abs(v) >= 10 ? v.toFixed(0) : v.toFixed(1));
  const bottom = H - M.bottom;
  const svg = `<svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeXml(
    `${s.label}: ${s.points.length} rewards, mean ${s.mean.toFixed(3)}`,
  )}">
<rect class="frame" x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${bottom - M.top}"/>
<line class="zero" x1="${M.left}" x2="${W - M.right}" y1="${f(sc.y(0))}" y2="${f(sc.y(0))}"/>
<line class="mean" x1="${M.left}" x2="${W - M.right}" y1="${f(sc.y(s.mean))}" y2="${f(sc.y(s.mean))}"/>
<text x="${M.left - 4}" y="${M.top + 8}" text-anchor="end">${label(sc.hi)}</text>
<text x="${M.left - 4}" y="${f(sc.y(0) + 3)}" text-anchor="end">0</text>
<text x="${M.left - 4}" y="${bottom}" text-anchor="end">${label(sc.lo)}</text>
<text x="${M.left}" y="${H - 5}">#1 ${clock(sc.t0)}</text>
<text x="${W - M.right}" y="${H - 5}" text-anchor="end">#${sc.total} ${clock(sc.t1)}</text>
${s.points.length > 1 ? `<polyline class="line" points="${line}"/>` : ''}${dots}
</svg>`;
  return html`<figure class="panel" data-series="${s.label}"><h3>${s.label}</h3>
<p class="muted">${s.points.length}× · mean reward ${s.mean.toFixed(3)} · last ${s.points.at(-1).value.toFixed(3)}</p>${raw(svg)}</figure>`;
}

const clock = (t) => new Date(t).toISOString().slice(11, 19);

function escapeXml(text) {
  return String(text).replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c],
  );
}
