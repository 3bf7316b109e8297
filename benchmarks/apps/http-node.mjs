// The benchmark app on plain node:http: a trivial route and a realistic one
// (one SQLite read by primary key and a 1 KB JSON answer).
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTasks } from './tasks-db.mjs';

const tasks = openTasks(join(mkdtempSync(join(tmpdir(), 'rl-bench-')), 'tasks.db'));

const server = http.createServer((req, res) => {
  if (req.url === '/') {
    res.end('hello');
    return;
  }
  if (req.url.startsWith('/tasks/')) {
    const body = tasks.json(Number(req.url.slice(7)));
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    res.end(body ?? '{}');
    return;
  }
  if (req.url === '/mem') {
    globalThis.gc?.();
    res.end(JSON.stringify(process.memoryUsage()));
    return;
  }
  res.statusCode = 404;
  res.end();
});
server.listen(0, '127.0.0.1', () => console.log(`LISTENING ${server.address().port}`));
