// A Deno app instrumented with no code change:
//   deno run -A --preload npm:@rl-otel/auto app.ts            (published package)
//   deno run -A --preload ../../packages/auto/dist/register.js app.ts   (this repository, after npm run build)
// `--drive` sends a few requests to itself (two user episodes via W3C baggage), then exits.
import { DatabaseSync } from 'node:sqlite';

const db = new DatabaseSync(':memory:');
db.exec('CREATE TABLE tasks (id INTEGER PRIMARY KEY, title TEXT NOT NULL, done INTEGER NOT NULL DEFAULT 0)');
const insert = db.prepare('INSERT INTO tasks (title) VALUES (?)');
for (const title of ['write the plan', 'review the design']) insert.run(title);
const byId = db.prepare('SELECT id, title, done FROM tasks WHERE id = ?');

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

async function handle(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const match = /^\/api\/tasks\/(\d+)$/.exec(url.pathname);
  if (request.method === 'GET' && match) {
    const task = byId.get(Number(match[1]));
    return task ? json(task) : json({ error: 'no such task' }, 404);
  }
  if (request.method === 'POST' && url.pathname === '/api/tasks') {
    const { title } = (await request.json().catch(() => ({}))) as { title?: unknown };
    if (typeof title !== 'string' || title === '') return json({ error: 'title required' }, 400);
    const { lastInsertRowid } = insert.run(title);
    return json(byId.get(Number(lastInsertRowid)), 201);
  }
  if (url.pathname === '/api/boom') return json({ error: 'the service failed' }, 503);
  return json({ error: 'not found' }, 404);
}

const drive = Deno.args.includes('--drive');
const server = Deno.serve(
  { hostname: '127.0.0.1', port: drive ? 0 : 8000, onListen: ({ port }) => console.log(`LISTENING ${port}`) },
  handle,
);

if (drive) {
  const base = `http://127.0.0.1:${server.addr.port}`;
  const sessions: Record<string, Array<[string, string, unknown?]>> = {
    alice: [
      ['GET', '/api/tasks/1'],
      ['POST', '/api/tasks', { title: 'ship it' }],
      ['GET', '/api/tasks/3'],
    ],
    bob: [
      ['GET', '/api/tasks/9'],
      ['GET', '/api/boom'],
    ],
  };
  for (const [user, steps] of Object.entries(sessions)) {
    for (const [method, path, body] of steps) {
      const response = await fetch(base + path, {
        method,
        headers: { baggage: `rl.episode.id=${user}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      await response.body?.cancel();
    }
  }
  await server.shutdown();
  console.log(`triplets: ${Deno.env.get('RL_OTEL_TRIPLETS_FILE') ?? '.rl-otel/triplets.jsonl'}`);
}
