// Data access: one function per question the dashboards ask, each a plain
// parameterized statement.
import { TEAM } from './agents.mjs';

export const DEFAULT_SETTINGS = { budget_usd: '0.25', max_attempts: '3' };

const now = () => new Date().toISOString();

export function createStore(db) {
  return {
    db,

    async seed() {
      const count = await db.get('SELECT COUNT(*) AS n FROM features');
      if (count.n > 0) return false;
      for (const [key, value] of Object.entries(DEFAULT_SETTINGS))
        await db.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING', [
          key,
          value,
        ]);
      for (const a of TEAM)
        await db.run('INSERT INTO agents (id, name, role, model) VALUES (?, ?, ?, ?)', [
          a.id,
          a.name,
          a.role,
          a.model,
        ]);
      const at = now();
      for (const [id, title, description] of SEED_FEATURES)
        await db.run('INSERT INTO features (id, title, description, created_at) VALUES (?, ?, ?, ?)', [
          id,
          title,
          description,
          at,
        ]);
      for (const [id, featureId, title, goal, status] of SEED_TASKS)
        await this.insertTask({ id, featureId, title, goal, status });
      return true;
    },

    async settings() {
      const rows = await db.all('SELECT key, value FROM settings');
      const out = { ...DEFAULT_SETTINGS };
      for (const r of rows) out[r.key] = r.value;
      return { budgetUsd: Number(out.budget_usd), maxAttempts: Number(out.max_attempts) };
    },

    async setSetting(key, value) {
      await db.run(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
        [key, String(value)],
      );
    },

    async budget() {
      const { budgetUsd } = await this.settings();
      const row = await db.get('SELECT COALESCE(SUM(cost_usd), 0) AS spent FROM model_usage');
      const spent = Number(row.spent);
      return { budgetUsd, spentUsd: spent, leftUsd: Math.max(0, budgetUsd - spent) };
    },

    /** The team with what each agent has used. */
    async team() {
      return db.all(
        `SELECT a.id, a.name, a.role, a.model,
                COUNT(u.id) AS calls,
                COALESCE(SUM(u.input_tokens + u.output_tokens), 0) AS tokens,
                COALESCE(SUM(u.cost_usd), 0) AS cost_usd,
                MAX(u.created_at) AS last_active
           FROM agents a LEFT JOIN model_usage u ON u.agent = a.id
          GROUP BY a.id, a.name, a.role, a.model
          ORDER BY a.id`,
      );
    },

    async features() {
      return db.all(
        `SELECT f.id, f.title, f.description,
                COUNT(t.id) AS tasks,
                COALESCE(SUM(CASE WHEN t.status = 'done' THEN 1 ELSE 0 END), 0) AS done,
                COALESCE(SUM(CASE WHEN t.status = 'failed' THEN 1 ELSE 0 END), 0) AS failed
           FROM features f LEFT JOIN tasks t ON t.feature_id = f.id
          GROUP BY f.id, f.title, f.description
          ORDER BY f.id`,
      );
    },

    async tasks(status) {
      if (status !== undefined) return db.all('SELECT * FROM tasks WHERE status = ? ORDER BY id', [status]);
      return db.all('SELECT * FROM tasks ORDER BY id');
    },

    async task(id) {
      return db.get('SELECT * FROM tasks WHERE id = ?', [id]);
    },

    async insertTask({ id, featureId, title, goal, status = 'proposed' }) {
      const at = now();
      await db.run(
        'INSERT INTO tasks (id, feature_id, title, goal, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [id, featureId, title, goal, status, at, at],
      );
    },

    async nextTaskId() {
      const rows = await db.all('SELECT id FROM tasks');
      const max = Math.max(100, ...rows.map((r) => Number(r.id.replace(/\D/g, '')) || 0));
      return `task-${max + 1}`;
    },

    /** Moves a task to `status` if it is in one of the `from` states; false when it was not. */
    async setTaskStatus(id, status, from) {
      const { changes } = await db.run(
        `UPDATE tasks SET status = ?, updated_at = ? WHERE id = ? AND status IN (${from.map(() => '?').join(', ')})`,
        [status, now(), id, ...from],
      );
      return changes > 0;
    },

    async runs(taskId) {
      return db.all('SELECT * FROM runs WHERE task_id = ? ORDER BY started_at DESC, id DESC', [taskId]);
    },

    async recentRuns(limit = 10) {
      return db.all(
        `SELECT r.*, t.title FROM runs r JOIN tasks t ON t.id = r.task_id
          ORDER BY r.started_at DESC, r.id DESC LIMIT ?`,
        [limit],
      );
    },

    async run(id) {
      return db.get('SELECT * FROM runs WHERE id = ?', [id]);
    },

    async startRun(taskId) {
      const row = await db.get('SELECT COUNT(*) AS n FROM runs WHERE task_id = ?', [taskId]);
      const id = `${taskId}-run-${String(row.n + 1).padStart(3, '0')}`;
      await db.run('INSERT INTO runs (id, task_id, status, started_at) VALUES (?, ?, ?, ?)', [
        id,
        taskId,
        'running',
        now(),
      ]);
      return id;
    },

    async finishRun(id, { status, attempts, reason, outcomeReward, terminal }) {
      const cost = await db.get('SELECT COALESCE(SUM(cost_usd), 0) AS c FROM model_usage WHERE run_id = ?', [
        id,
      ]);
      await db.run(
        `UPDATE runs SET status = ?, attempts = ?, reason = ?, outcome_reward = ?, cost_usd = ?,
                finished_at = ?, terminal_trace_id = ?, terminal_span_id = ? WHERE id = ?`,
        [
          status,
          attempts,
          reason,
          outcomeReward,
          Number(cost.c),
          now(),
          terminal?.traceId ?? null,
          terminal?.spanId ?? null,
          id,
        ],
      );
    },

    /** Stores a thumbs up (1) or down (-1) once; false when the run already has feedback. */
    async setFeedback(id, value) {
      const { changes } = await db.run('UPDATE runs SET feedback = ? WHERE id = ? AND feedback IS NULL', [
        value,
        id,
      ]);
      return changes > 0;
    },

    async addUsage({ id, runId, agent, phase, model, inputTokens, outputTokens, costUsd }) {
      await db.run(
        `INSERT INTO model_usage (id, run_id, agent, phase, model, input_tokens, output_tokens, cost_usd, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [id, runId, agent, phase, model, inputTokens, outputTokens, costUsd, now()],
      );
    },

    async usage(runId) {
      return db.all('SELECT * FROM model_usage WHERE run_id = ? ORDER BY created_at, id', [runId]);
    },

    /** Counts for the RL state snapshot. */
    async counts() {
      const rows = await db.all('SELECT status, COUNT(*) AS n FROM tasks GROUP BY status');
      const out = {};
      for (const r of rows) out[r.status] = Number(r.n);
      return out;
    },
  };
}

const SEED_FEATURES = [
  ['feat-sso', 'Sign-in with SSO', 'Teams sign in with their identity provider.'],
  ['feat-export', 'CSV export', 'Every table can be downloaded as CSV.'],
  ['feat-dark', 'Dark mode', 'The dashboards follow the system colour scheme.'],
];

const SEED_TASKS = [
  ['task-101', 'feat-sso', 'OIDC callback route', 'accept the identity provider callback', 'approved'],
  ['task-102', 'feat-sso', 'Map SSO groups to roles', 'map provider groups to dashboard roles', 'proposed'],
  ['task-103', 'feat-export', 'CSV writer', 'write rows as RFC 4180 CSV', 'approved'],
  ['task-104', 'feat-export', 'Export button', 'add an export button to each table', 'proposed'],
  ['task-105', 'feat-dark', 'Colour tokens', 'move colours into tokens', 'proposed'],
  ['task-106', 'feat-dark', 'Scheme switch', 'follow prefers-color-scheme', 'approved'],
];
