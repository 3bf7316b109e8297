// The benchmark app on Hono (@hono/node-server): a trivial route and a realistic one (one SQLite read + 1 KB JSON).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { openTasks } from './tasks-db.mjs';

const tasks = openTasks(join(mkdtempSync(join(tmpdir(), 'rl-bench-')), 'tasks.db'));
const app = new Hono();
app.get('/', (c) => c.text('hello'));
app.get('/tasks/:id', (c) => {
  const body = tasks.json(Number(c.req.param('id')));
  return c.body(body ?? '{}', body ? 200 : 404, { 'content-type': 'application/json' });
});
app.get('/mem', (c) => {
  globalThis.gc?.();
  return c.json(process.memoryUsage());
});
serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => console.log(`LISTENING ${info.port}`));
