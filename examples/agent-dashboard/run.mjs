// `npm start`: runs the agent dashboard under `node --import @rl-otel/auto`
// with a fresh database, drives it with a scripted user session, stops it and
// prints the episode summary from the triplet file.
//   npm start              the session, then the summary
//   npm start -- --serve   the same, then the app keeps running on PORT (3000) to browse
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scriptedSession, visitorSession } from './session-script.mjs';
import { PRICES } from './src/agents.mjs';
import { startSpanReceiver } from './src/span-receiver.mjs';
import { readTriplets, seriesLabel } from './src/triplets.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const serveAfter = process.argv.includes('--serve');
const file = (name, fallback) => resolve(here, process.env[name] ?? fallback);
const tripletsFile = file('RL_OTEL_TRIPLETS_FILE', join('.rl-otel', 'triplets.jsonl'));
const artifactsDir = file('ARTIFACTS_DIR', 'artifacts');
rmSync(tripletsFile, { force: true });
rmSync(artifactsDir, { recursive: true, force: true });

// Spans go over OTLP to a receiver in this process, triplets to the file: nothing leaves the machine.
const spans = await startSpanReceiver();
const child = spawn(process.execPath, ['--import', '@rl-otel/auto', 'src/server.mjs'], {
  cwd: here,
  stdio: ['ignore', 'pipe', 'inherit'],
  env: {
    ...process.env,
    PORT: serveAfter ? (process.env.PORT ?? '3000') : '0',
    DASHBOARD_RESET: '1',
    SQLITE_PATH: file('SQLITE_PATH', 'data/dashboard.db'),
    ARTIFACTS_DIR: artifactsDir,
    OTEL_SERVICE_NAME: process.env.OTEL_SERVICE_NAME ?? 'agent-dashboard',
    OTEL_EXPORTER_OTLP_ENDPOINT: process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? spans.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: process.env.OTEL_EXPORTER_OTLP_ENDPOINT
      ? process.env.OTEL_EXPORTER_OTLP_PROTOCOL
      : 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: process.env.OTEL_BSP_SCHEDULE_DELAY ?? '200',
    RL_OTEL_TRIPLETS_FILE: tripletsFile,
    // The fs plugin records reads and writes under the same artifact root.
    RL_OTEL_ARTIFACT_DIRS: artifactsDir,
    // Model calls get a cost_usd component; a hundredth of a dollar costs 1 reward.
    RL_OTEL_MODEL_PRICES: JSON.stringify(PRICES),
    RL_OTEL_REWARD_WEIGHTS: process.env.RL_OTEL_REWARD_WEIGHTS ?? 'cost_usd=-100',
  },
});
const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
const base = await new Promise((resolve, reject) => {
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d) => {
    out += d;
    const m = /LISTENING (\d+)/.exec(out);
    if (m) resolve(`http://127.0.0.1:${m[1]}`);
  });
  exited.then(({ code }) => reject(new Error(`the dashboard exited before listening (code ${code})`)));
});

let session;
let visitor;
try {
  session = await scriptedSession(base);
  visitor = await visitorSession(base);
} finally {
  if (!serveAfter) child.kill('SIGTERM');
}
if (serveAfter) {
  // The triplet file is written in batches: wait for this batch before summarising.
  await new Promise((r) => setTimeout(r, 500));
} else await exited;

const triplets = await readTriplets(tripletsFile);
const r = (v) => v.toFixed(3).padStart(7);
console.log(`\nscripted session: ${session.clicks.length} clicks`);
for (const c of session.clicks) console.log(`  ${c.label.padEnd(36)} ${c.requests.join(' → ')}`);

const mine = triplets.filter((t) => t.episode_id === session.episode).sort((a, b) => a.step - b.step);
console.log(`\nepisode ${session.episode} (the user session): ${mine.length} steps, return ${r(sum(mine))}`);
for (const t of mine)
  console.log(`  ${String(t.step).padStart(2)} ${t.action.name.padEnd(30)} reward ${r(t.reward.value)}`);

for (const { run, feedback } of session.runs) {
  const lines = triplets
    .filter((t) => t.episode_id === run)
    .sort((a, b) => a.step - b.step || kindOrder(a) - kindOrder(b));
  const steps = lines.filter((t) => t.action.kind !== 'reward');
  const end = steps.find((t) => t.done);
  console.log(
    `\nepisode ${run} (a task run): ${steps.length} steps, ${end ? `done: ${end.termination_reason}` : 'not done'}, user feedback ${feedback > 0 ? '+1' : '-1'}, return ${r(sum(lines))}`,
  );
  for (const t of lines) {
    const c = t.reward.components;
    const parts = [
      c.llm_calls && `${c.tokens} tokens`,
      c.tool_calls && `${c.tool_calls} tool calls`,
      c.file_calls && `${c.file_calls} file actions`,
      c.explicit !== undefined && `explicit ${c.explicit}`,
      c.episode !== undefined && `outcome ${c.episode}`,
    ].filter(Boolean);
    const what = t.action.kind === 'reward' ? `${seriesLabel(t)} (${t.reward.source})` : t.action.name;
    console.log(
      `  ${String(t.step).padStart(2)} ${what.padEnd(30)} reward ${r(t.reward.value)}  ${parts.join(', ')}${t.done ? '  ← done' : ''}`,
    );
  }
}

const theirs = triplets.filter((t) => t.episode_id === visitor.episode).sort((a, b) => a.step - b.step);
console.log(`\nepisode ${visitor.episode} (a second user): ${theirs.length} steps, return ${r(sum(theirs))}`);
for (const t of theirs)
  console.log(
    `  ${String(t.step).padStart(2)} ${t.action.name.padEnd(30)} reward ${r(t.reward.value)}  status ${t.action.attributes['http.response.status_code']}`,
  );

const byAction = new Map();
for (const t of triplets) {
  const label = seriesLabel(t);
  const e = byAction.get(label) ?? { n: 0, sum: 0 };
  e.n++;
  e.sum += t.reward.value;
  byAction.set(label, e);
}
console.log('\nactions (all episodes)                   count  mean reward');
for (const [label, { n, sum: s }] of [...byAction].sort())
  console.log(`  ${label.padEnd(38)}${String(n).padStart(6)}${r(s / n).padStart(13)}`);
const episodes = new Set(triplets.map((t) => t.episode_id));
console.log(`\n${triplets.length} triplets, ${episodes.size} episodes`);
const byKind = [...spans.counts()]
  .sort()
  .map(([kind, n]) => `${kind} ${n}`)
  .join(', ');
console.log(`spans:     ${spans.total()} exported over OTLP to a receiver on 127.0.0.1 (${byKind})`);
console.log(`triplets:  ${shown(tripletsFile)}`);
console.log(`artifacts: ${shown(artifactsDir)}`);
if (serveAfter) {
  console.log(`\nthe dashboard runs on ${base}/ — the chart is at ${base}/triplets (Ctrl-C stops it)`);
  process.on('SIGINT', () => child.kill('SIGTERM'));
  const { code } = await exited;
  await spans.close();
  process.exitCode = code ?? 0;
} else {
  console.log('the chart: npm start -- --serve, then open http://127.0.0.1:3000/triplets\n');
  await spans.close();
}

/** A path relative to where npm start was run, when it is below it. */
function shown(path) {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') ? path : rel;
}

function sum(lines) {
  return lines.reduce((s, t) => s + t.reward.value, 0);
}

function kindOrder(t) {
  return t.action.kind === 'reward' ? 1 : 0;
}
