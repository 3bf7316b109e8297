// The benchmark app on Fastify: a trivial route and a realistic one (one SQLite read + 1 KB JSON).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { openTasks } from './tasks-db.mjs';

const tasks = openTasks(join(mkdtempSync(join(tmpdir(), 'rl-bench-')), 'tasks.db'));
const app = Fastify();
app.get('/', async () => 'hello');
app.get('/tasks/:id', async (request, reply) => {
  const body = tasks.json(Number(request.params.id));
  reply.code(body ? 200 : 404).type('application/json');
  return body ?? '{}';
});
app.get('/mem', async () => {
  globalThis.gc?.();
  return process.memoryUsage();
});
await app.listen({ port: 0, host: '127.0.0.1' });
console.log(`LISTENING ${app.server.address().port}`);
