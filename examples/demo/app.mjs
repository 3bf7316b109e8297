// The demo app: a plain node:http task API. Nothing in it knows about
// OpenTelemetry; run it as `node --import @rl-otel/auto app.mjs`.
import http from 'node:http';

const tasks = new Map([
  [1, { id: 1, title: 'write the plan', done: false }],
  [2, { id: 2, title: 'review the design', done: true }],
]);

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const match = /^\/api\/tasks\/(\d+)$/.exec(url.pathname);
  if (req.method === 'GET' && url.pathname === '/api/tasks') return send(res, 200, [...tasks.values()]);
  if (req.method === 'GET' && match) {
    const task = tasks.get(Number(match[1]));
    return task ? send(res, 200, task) : send(res, 404, { error: 'no such task' });
  }
  if (req.method === 'POST' && url.pathname === '/api/tasks') {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      try {
        const { title } = JSON.parse(body);
        if (typeof title !== 'string' || title === '') return send(res, 400, { error: 'title required' });
        const id = tasks.size + 1;
        tasks.set(id, { id, title, done: false });
        send(res, 201, tasks.get(id));
      } catch {
        send(res, 400, { error: 'invalid JSON' });
      }
    });
    return;
  }
  if (url.pathname === '/api/flaky') {
    // Fails one time in three: the reward tells these apart.
    return Math.random() < 1 / 3 ? send(res, 503, { error: 'try again' }) : send(res, 200, { ok: true });
  }
  if (url.pathname === '/api/report') {
    // Calls another service (here: itself) with fetch; trace context and baggage go along.
    fetch(`http://127.0.0.1:${server.address().port}/api/tasks`)
      .then((r) => r.json())
      .then((list) => send(res, 200, { open: list.filter((t) => !t.done).length }))
      .catch(() => send(res, 502, { error: 'upstream failed' }));
    return;
  }
  send(res, 404, { error: 'not found' });
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`LISTENING ${server.address().port}`);
});
