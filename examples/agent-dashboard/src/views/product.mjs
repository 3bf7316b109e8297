import { html } from 'hono/html';
import { bar, pct } from './layout.mjs';

export function productView({ features, tasks }) {
  return html`
<table><tr><th>feature</th><th>progress</th><th class="num">tasks</th><th class="num">done</th><th class="num">failed</th></tr>
${features.map((f) => {
  const progress = f.tasks === 0 ? 0 : f.done / f.tasks;
  return html`<tr><td><strong>${f.title}</strong><br><span class="muted">${f.description}</span></td>
<td>${bar(progress, `${pct(progress)} done`)} ${pct(progress)}</td>
<td class="num">${f.tasks}</td><td class="num">${f.done}</td><td class="num">${f.failed}</td></tr>`;
})}</table>

<h2>Tasks by feature</h2>
${features.map(
  (f) =>
    html`<h3>${f.title}</h3><ul>${tasks
      .filter((t) => t.feature_id === f.id)
      .map(
        (t) =>
          html`<li><a href="/developer/tasks/${t.id}">${t.id}</a> ${t.title} <span class="status ${t.status}">${t.status}</span></li>`,
      )}</ul>`,
)}

<h2>Propose a task</h2>
<form method="post" action="/product/tasks">
  <select name="feature_id">${features.map((f) => html`<option value="${f.id}">${f.title}</option>`)}</select>
  <input name="title" placeholder="title" required maxlength="80">
  <input name="goal" placeholder="goal" required maxlength="160">
  <button type="submit">Propose</button>
</form>
<p class="muted">A proposed task waits for the manager's approval.</p>`;
}
