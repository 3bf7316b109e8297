// Starts the agent dashboard. Run it under rl-otel:
//   node --import @rl-otel/auto src/server.mjs
// Environment: PORT (default 3000; 0 picks a free one), HOST (127.0.0.1),
// DATABASE_URL (postgres://…; else SQLite at SQLITE_PATH, default data/dashboard.db),
// ARTIFACTS_DIR (artifacts), SEED (42: the scripted agents' outcomes),
// DASHBOARD_RESET=1 (drop the tables first and start from the seed data).
import { serve } from '@hono/node-server';
import { registerStateProvider } from '@rl-otel/core';
import { createApp } from './app.mjs';
import { createArtifacts } from './artifacts.mjs';
import { dropAll, migrate, openDatabase } from './db.mjs';
import { createOrchestrator } from './orchestrator.mjs';
import { installSessionEpisodes } from './session.mjs';
import { createStore } from './store.mjs';
import { tripletsPath } from './triplets.mjs';

installSessionEpisodes();
const db = await openDatabase();
if (process.env.DASHBOARD_RESET === '1') await dropAll(db);
await migrate(db);
const store = createStore(db);
await store.seed();
const artifacts = createArtifacts();

// The app's part of each triplet's state (rl.state.app.dashboard.*). State
// providers run when a step starts and must be synchronous, so the numbers are
// kept here and refreshed after every change.
const state = {};
registerStateProvider('dashboard', () => state);
let orchestrator;
async function refresh() {
  const [counts, budget] = await Promise.all([store.counts(), store.budget()]);
  state.budget_left_usd = Math.round(budget.leftUsd * 1e6) / 1e6;
  for (const status of ['proposed', 'approved', 'running', 'done', 'failed'])
    state[`tasks_${status}`] = counts[status] ?? 0;
  state.runs_running = orchestrator?.running ?? 0;
}
orchestrator = createOrchestrator({ store, artifacts, seed: process.env.SEED ?? '42', onChange: refresh });
await refresh();

const app = createApp({ store, artifacts, orchestrator, tripletsFile: tripletsPath(), onChange: refresh });
const server = serve(
  { fetch: app.fetch, port: Number(process.env.PORT ?? 3000), hostname: process.env.HOST ?? '127.0.0.1' },
  (info) => {
    console.log(`LISTENING ${info.port}`);
    console.log(
      `agent dashboard on http://${info.address}:${info.port}/ (database: ${db.dialect} ${db.where}; artifacts: ${artifacts.root})`,
    );
  },
);

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.close(() => void db.close());
    server.closeIdleConnections?.();
  });
}
