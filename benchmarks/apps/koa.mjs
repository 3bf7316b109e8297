// The benchmark app on Koa with @koa/router: a trivial route and a realistic one (one SQLite read + 1 KB JSON).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Router from '@koa/router';
import Koa from 'koa';
import { openTasks } from './tasks-db.mjs';

const tasks = openTasks(join(mkdtempSync(join(tmpdir(), 'rl-bench-')), 'tasks.db'));
const app = new Koa();
const router = new Router();
router.get('/', (ctx) => {
  ctx.body = 'hello';
});
router.get('/tasks/:id', (ctx) => {
  const body = tasks.json(Number(ctx.params.id));
  ctx.status = body ? 200 : 404;
  ctx.type = 'application/json';
  ctx.body = body ?? '{}';
});
router.get('/mem', (ctx) => {
  globalThis.gc?.();
  ctx.body = process.memoryUsage();
});
app.use(router.routes());
const server = app.listen(0, '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`));
