// The page shell: navigation, the session (= episode) id, and the CSS. No
// scripts, no fonts or styles from elsewhere: everything is rendered here.
import { html } from 'hono/html';

const NAV = [
  ['/manager', 'Manager'],
  ['/developer', 'Developer'],
  ['/product', 'Product'],
  ['/triplets', 'Triplets'],
];

export function page({ title, active, session, notice }, body) {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${title} · agent dashboard</title>
<style>${CSS}</style>
</head>
<body>
<header>
  <strong>agent dashboard</strong>
  <nav>${NAV.map(([href, label]) => html`<a href="${href}" class="${href === active ? 'active' : ''}">${label}</a>`)}</nav>
  <span class="session" title="your clicks are the steps of this RL episode">episode ${session ?? '—'}</span>
</header>
<main>
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
<h1>${title}</h1>
${body}
</main>
</body>
</html>`;
}

/** Dollars: four decimals, six for the fractions of a cent that small models cost. */
export const usd = (n) => `$${Number(n).toFixed(n > 0 && n < 0.001 ? 6 : 4)}`;
export const pct = (n) => `${Math.round(n * 100)}%`;
export const when = (iso) => (iso ? iso.replace('T', ' ').slice(0, 19) : '—');

/** A progress bar (0…1), with text for screen readers. */
export function bar(fraction, label) {
  const f = Math.max(0, Math.min(1, fraction));
  return html`<span class="bar" role="img" aria-label="${label}"><span style="width:${(f * 100).toFixed(1)}%"></span></span>`;
}

/** A button in its own POST form (works without scripts). */
export function postButton(action, label, { name, value, cls } = {}) {
  return html`<form method="post" action="${action}" class="inline">${
    name ? html`<input type="hidden" name="${name}" value="${value}">` : ''
  }<button type="submit" class="${cls ?? ''}">${label}</button></form>`;
}

const CSS = `
:root { color-scheme: light dark; --fg:#1d232b; --muted:#5b6675; --bg:#f7f8fa; --card:#fff; --line:#d9dee5; --ok:#1a7f37; --bad:#c62828; --accent:#2f5fd0; }
@media (prefers-color-scheme: dark) { :root { --fg:#e6e9ee; --muted:#9aa5b4; --bg:#14171c; --card:#1c2027; --line:#2e343d; --ok:#4ac26b; --bad:#ff6b6b; --accent:#7aa2ff; } }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.45 system-ui, sans-serif; color:var(--fg); background:var(--bg); }
header { display:flex; gap:1.5rem; align-items:center; padding:.7rem 1.5rem; background:var(--card); border-bottom:1px solid var(--line); }
header nav a { margin-right:1rem; color:var(--muted); text-decoration:none; }
header nav a.active { color:var(--fg); font-weight:600; border-bottom:2px solid var(--accent); }
.session { margin-left:auto; color:var(--muted); font:12px ui-monospace, monospace; }
main { padding:1rem 1.5rem 3rem; max-width:1200px; }
h1 { font-size:1.4rem; margin:.4rem 0 1rem; } h2 { font-size:1.1rem; margin:1.6rem 0 .6rem; }
table { border-collapse:collapse; width:100%; background:var(--card); }
th, td { text-align:left; padding:.35rem .6rem; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-weight:600; color:var(--muted); font-size:13px; }
td.num, th.num { text-align:right; font-variant-numeric: tabular-nums; }
.cards { display:flex; flex-wrap:wrap; gap:1rem; }
.card { background:var(--card); border:1px solid var(--line); border-radius:6px; padding:.8rem 1rem; min-width:14rem; }
.card .big { font-size:1.5rem; font-weight:600; }
.muted { color:var(--muted); }
.status { font-size:12px; padding:.1rem .45rem; border-radius:9px; border:1px solid var(--line); }
.status.done, .status.succeeded { color:var(--ok); border-color:var(--ok); }
.status.failed, .status.rejected, .status.error, .status.down { color:var(--bad); border-color:var(--bad); }
.status.up, .status.working { color:var(--ok); border-color:var(--ok); }
.bar { display:inline-block; width:10rem; height:.6rem; background:var(--line); border-radius:4px; overflow:hidden; vertical-align:middle; }
.bar span { display:block; height:100%; background:var(--accent); }
form.inline { display:inline; margin:0 .2rem 0 0; }
button { font:inherit; font-size:13px; padding:.2rem .7rem; border:1px solid var(--line); border-radius:4px; background:var(--card); color:var(--fg); cursor:pointer; }
button.primary { background:var(--accent); border-color:var(--accent); color:#fff; }
button.ok { color:var(--ok); } button.bad { color:var(--bad); }
input, select { font:inherit; padding:.2rem .4rem; }
pre { background:var(--card); border:1px solid var(--line); padding:.6rem; overflow:auto; font-size:13px; }
pre .add { color:var(--ok); } pre .del { color:var(--bad); }
.notice { background:var(--card); border-left:4px solid var(--accent); padding:.5rem .8rem; }
.panels { display:flex; flex-wrap:wrap; gap:.8rem; }
.panel { margin:0; background:var(--card); border:1px solid var(--line); border-radius:6px; padding:.4rem .5rem; }
.panel h3 { font-size:13px; margin:0; font-weight:600; } .panel p { margin:0; font-size:12px; }
svg text { fill:var(--muted); font:10px system-ui, sans-serif; }
svg .line { fill:none; stroke:var(--accent); stroke-width:1.2; } svg .zero { stroke:var(--muted); stroke-dasharray:3 3; stroke-width:.7; }
svg .frame { fill:none; stroke:var(--line); } svg .mean { stroke:var(--accent); stroke-dasharray:1 2; stroke-width:1; } svg .ok { fill:var(--ok); } svg .bad { fill:var(--bad); }
`;
