// The benchmark app on Express: a trivial route and a realistic one (one SQLite read + 1 KB JSON).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { openTasks } from './tasks-db.mjs';

const tasks = openTasks(join(mkdtempSync(join(tmpdir(), 'rl-bench-')), 'tasks.db'));
const app = express();
app.get('/', (_req, res) => res.send('hello'));
app.get('/tasks/:id', (req, res) => {
  const body = tasks.json(Number(req.params.id));
  res
    .status(body ? 200 : 404)
    .type('application/json')
    .send(body ?? '{}');
});
app.get('/mem', (_req, res) => {
  globalThis.gc?.();
  res.json(process.memoryUsage());
});
const server = app.listen(0, '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`));
