// Runs the demo: starts app.mjs under `node --import @rl-otel/auto`, drives it
// with a short load (successes, failures, two episodes carried in baggage),
// stops it with SIGTERM and summarises the triplets it wrote.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const tripletsFile = process.env.RL_OTEL_TRIPLETS_FILE ?? join(here, '.rl-otel', 'triplets.jsonl');
mkdirSync(dirname(tripletsFile), { recursive: true });
rmSync(tripletsFile, { force: true });

const child = spawn(process.execPath, ['--import', '@rl-otel/auto', 'app.mjs'], {
  cwd: here,
  env: { ...process.env, RL_OTEL_TRIPLETS_FILE: tripletsFile, OTEL_SERVICE_NAME: 'rl-otel-demo' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const port = await new Promise((resolve, reject) => {
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d) => {
    out += d;
    const m = /LISTENING (\d+)/.exec(out);
    if (m) resolve(Number(m[1]));
  });
  child.on('exit', (code) => reject(new Error(`the demo app exited early (code ${code})`)));
});
const base = `http://127.0.0.1:${port}`;

async function call(method, path, { episode, body } = {}) {
  const headers = { 'content-type': 'application/json' };
  if (episode) headers.baggage = `rl.episode.id=${episode}`;
  const res = await fetch(base + path, { method, headers, body: body && JSON.stringify(body) });
  await res.text();
  return res.status;
}

// Two users, each one episode: their requests are the steps.
const sessions = {
  'alice-session': [
    ['GET', '/api/tasks'],
    ['GET', '/api/tasks/1'],
    ['POST', '/api/tasks', { title: 'ship it' }],
    ['GET', '/api/report'],
  ],
  'bob-session': [
    ['GET', '/api/tasks/99'],
    ['POST', '/api/tasks', {}],
    ['GET', '/api/tasks'],
  ],
};
await Promise.all(
  Object.entries(sessions).map(async ([episode, steps]) => {
    for (const [method, path, body] of steps) await call(method, path, { episode, body });
  }),
);
// Anonymous traffic: every request its own one-step episode.
for (let i = 0; i < 30; i++) await call('GET', i % 2 ? '/api/flaky' : '/api/tasks/2');

child.kill('SIGTERM');
await new Promise((resolve) => child.on('exit', resolve));

const triplets = readFileSync(tripletsFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
const byAction = new Map();
for (const t of triplets) {
  const entry = byAction.get(t.action.name) ?? { n: 0, sum: 0, failures: 0 };
  entry.n++;
  entry.sum += t.reward.value;
  if (t.reward.components.success === 0) entry.failures++;
  byAction.set(t.action.name, entry);
}
const episodes = new Set(triplets.map((t) => t.episode_id));
console.log(`\nrl-otel demo: ${triplets.length} actions in ${episodes.size} episodes`);
console.log('\n  action                          count  failures  mean reward');
for (const [name, { n, sum, failures }] of [...byAction].sort()) {
  console.log(`  ${name.padEnd(32)}${String(n).padStart(5)}${String(failures).padStart(10)}${(sum / n).toFixed(4).padStart(13)}`);
}
for (const episode of Object.keys(sessions)) {
  const steps = triplets.filter((t) => t.episode_id === episode).sort((a, b) => a.step - b.step);
  console.log(`\n  episode ${episode}: ${steps.map((t) => `${t.step}:${t.action.name} (${t.reward.value.toFixed(3)})`).join(' → ')}`);
}
console.log(`\n  spans: ${triplets.length} server spans scored (set OTEL_TRACES_EXPORTER=console or an OTLP endpoint to see them)`);
console.log(`  triplets: ${relative(process.cwd(), tripletsFile) || tripletsFile}\n`);
