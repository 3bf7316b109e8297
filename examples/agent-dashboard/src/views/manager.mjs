import { html } from 'hono/html';
import { bar, postButton, usd, when } from './layout.mjs';

export function managerView({ budget, settings, team, approvals, runs, approved }) {
  const used = budget.budgetUsd > 0 ? budget.spentUsd / budget.budgetUsd : 1;
  return html`
<section class="cards">
  <div class="card"><div class="muted">Budget</div><div class="big">${usd(budget.budgetUsd)}</div>
    ${bar(used, `${Math.round(used * 100)}% spent`)} <span class="muted">${usd(budget.spentUsd)} spent</span></div>
  <div class="card"><div class="muted">Left</div><div class="big" id="budget-left">${usd(budget.leftUsd)}</div>
    <span class="muted">model cost of all runs so far</span></div>
  <div class="card"><div class="muted">Waiting for approval</div><div class="big">${approvals.length}</div>
    <span class="muted">${approved.length} approved, ready to run</span></div>
</section>

<h2>Approvals</h2>
${
  approvals.length === 0
    ? html`<p class="muted">Nothing waits for approval.</p>`
    : html`<table><tr><th>task</th><th>title</th><th>feature</th><th></th></tr>
${approvals.map(
  (t) => html`<tr><td>${t.id}</td><td>${t.title}</td><td>${t.feature_id}</td>
<td>${postButton(`/tasks/${t.id}/approve`, 'Approve', { cls: 'ok' })}${postButton(`/tasks/${t.id}/reject`, 'Reject', { cls: 'bad' })}</td></tr>`,
)}</table>`
}
<p>${approved.length > 0 ? postButton('/runs/next', `Run next approved task (${approved[0].id})`, { cls: 'primary' }) : ''}</p>

<h2>Team</h2>
<table><tr><th>agent</th><th>status</th><th>phase</th><th>model</th><th class="num">model calls</th><th class="num">tokens</th><th class="num">cost</th><th>last active</th></tr>
${team.map(
  (a) => html`<tr><td>${a.name}</td><td>${
    a.working
      ? html`<span class="status working">working on ${a.working}</span>`
      : html`<span class="muted">idle</span>`
  }</td><td>${a.role}</td><td>${a.model ?? html`<span class="muted">tools only</span>`}</td>
<td class="num">${a.calls}</td><td class="num">${a.tokens}</td><td class="num">${usd(a.cost_usd)}</td><td>${when(a.last_active)}</td></tr>`,
)}</table>

<h2>Recent runs</h2>
${
  runs.length === 0
    ? html`<p class="muted">No run yet. Approve a task, then run it.</p>`
    : html`<table><tr><th>run</th><th>task</th><th>status</th><th class="num">attempts</th><th class="num">cost</th><th>feedback</th></tr>
${runs.map(
  (r) => html`<tr><td><a href="/developer/runs/${r.id}">${r.id}</a></td><td>${r.title}</td>
<td><span class="status ${r.status}">${r.status}</span> <span class="muted">${r.reason ?? ''}</span></td>
<td class="num">${r.attempts}</td><td class="num">${usd(r.cost_usd)}</td><td>${feedbackText(r.feedback)}</td></tr>`,
)}</table>`
}

<h2>Settings</h2>
<form method="post" action="/manager/settings">
  <label>Budget (USD) <input name="budget_usd" type="number" step="0.01" min="0" value="${settings.budgetUsd}"></label>
  <label>Attempts per run <input name="max_attempts" type="number" min="1" max="5" value="${settings.maxAttempts}"></label>
  <button type="submit">Save settings</button>
</form>`;
}

export function feedbackText(feedback) {
  if (feedback === null || feedback === undefined) return html`<span class="muted">—</span>`;
  return feedback > 0
    ? html`<span class="status up">thumbs up</span>`
    : html`<span class="status down">thumbs down</span>`;
}
