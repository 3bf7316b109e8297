import { html } from 'hono/html';
import { postButton, usd, when } from './layout.mjs';
import { feedbackText } from './manager.mjs';

const RUNNABLE = new Set(['approved', 'failed']);

export function tasksView({ tasks }) {
  return html`
<table><tr><th>task</th><th>title</th><th>feature</th><th>status</th><th></th></tr>
${tasks.map(
  (
    t,
  ) => html`<tr><td><a href="/developer/tasks/${t.id}">${t.id}</a></td><td>${t.title}</td><td>${t.feature_id}</td>
<td><span class="status ${t.status}">${t.status}</span></td>
<td>${RUNNABLE.has(t.status) ? postButton(`/tasks/${t.id}/run`, 'Run', { cls: 'primary' }) : ''}</td></tr>`,
)}</table>`;
}

export function taskView({ task, runs }) {
  return html`
<p>${task.goal} · feature <a href="/product">${task.feature_id}</a> · <span class="status ${task.status}">${task.status}</span></p>
<p>${RUNNABLE.has(task.status) ? postButton(`/tasks/${task.id}/run`, task.status === 'failed' ? 'Run again' : 'Run', { cls: 'primary' }) : ''}</p>
<h2>Runs</h2>
${
  runs.length === 0
    ? html`<p class="muted">Not run yet.</p>`
    : html`<table><tr><th>run</th><th>status</th><th class="num">attempts</th><th class="num">cost</th><th>finished</th><th>feedback</th></tr>
${runs.map(
  (r) => html`<tr><td><a href="/developer/runs/${r.id}">${r.id}</a></td>
<td><span class="status ${r.status}">${r.status}</span> <span class="muted">${r.reason ?? ''}</span></td>
<td class="num">${r.attempts}</td><td class="num">${usd(r.cost_usd)}</td><td>${when(r.finished_at)}</td><td>${feedbackText(r.feedback)}</td></tr>`,
)}</table>`
}`;
}

export function runView({ run, task, usage, artifacts, diffs }) {
  return html`
<p>Task <a href="/developer/tasks/${task.id}">${task.id}</a> — ${task.title}.
<span class="status ${run.status}">${run.status}</span> <span class="muted">${run.reason ?? ''}</span>,
${run.attempts} attempt(s), ${usd(run.cost_usd)}, outcome reward ${run.outcome_reward ?? '—'}.</p>
<p>Was this run good?
${
  run.feedback === null && run.finished_at !== null
    ? html`${postButton(`/runs/${run.id}/feedback`, 'Thumbs up', { name: 'value', value: '1', cls: 'ok' })}
${postButton(`/runs/${run.id}/feedback`, 'Thumbs down', { name: 'value', value: '-1', cls: 'bad' })}`
    : feedbackText(run.feedback)
}
<span class="muted">(your answer becomes a delayed reward of this run's last step)</span></p>

<h2>Model usage</h2>
<table><tr><th>phase</th><th>agent</th><th>model</th><th class="num">input tokens</th><th class="num">output tokens</th><th class="num">cost</th></tr>
${usage.map(
  (
    u,
  ) => html`<tr><td>${u.phase}</td><td>${u.agent}</td><td>${u.model}</td><td class="num">${u.input_tokens}</td>
<td class="num">${u.output_tokens}</td><td class="num">${usd(u.cost_usd)}</td></tr>`,
)}</table>

<h2>Diffs between code attempts</h2>
${
  diffs.length === 0
    ? html`<p class="muted">One attempt only: nothing to compare.</p>`
    : diffs.map(
        (d) =>
          html`<h3>${d.from} → ${d.to}</h3><pre>${d.lines.map(
            (
              l,
            ) => html`<span class="${l.op === '+' ? 'add' : l.op === '-' ? 'del' : ''}">${l.op} ${l.line}</span>
`,
          )}</pre>`,
      )
}

<h2>Artifacts</h2>
${artifacts.map((a) => html`<h3>${a.name}</h3><pre>${a.content}</pre>`)}`;
}
