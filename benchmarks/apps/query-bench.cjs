// Per-query cost: runs N primary-key reads with one driver and prints the median and
// p99 of their individual times (ns). `traced` runs them inside action spans (a new one
// every 100 queries, as requests would); `untraced` runs them outside any span; `floor`
// (SQLite drivers, under --import ./apps/sdk-floor.mjs) is `traced` with each query
// wrapped by the app itself in an SDK span carrying the attributes rl-otel's SQLite
// plugin sets: the least any SDK-based instrumentation adds per query.
//   node [--import …] query-bench.cjs <better-sqlite3|node:sqlite|pg> <traced|untraced|floor> <n>
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { basename, join } = require('node:path');
const { context, SpanKind, trace } = require('@opentelemetry/api');

const WARM_UP_MS = 250;

(async () => {
  const [driver, mode, nText] = process.argv.slice(2);
  const n = Number(nText);
  if (mode === 'floor' && driver === 'pg') {
    console.error('the floor mode is for the SQLite drivers');
    process.exit(2);
  }
  const tracer = trace.getTracer('query-bench');
  const ACTION = { attributes: { 'rl.action.kind': 'http', 'rl.action.name': 'GET /tasks/:id' } };
  const SQL = 'SELECT id, title, done FROM tasks WHERE id = ?';

  async function open() {
    if (driver === 'pg') {
      const { Client } = require('pg');
      const client = new Client({ connectionString: process.env.BENCH_PG_URL });
      await client.connect();
      await client.query(
        'CREATE TABLE IF NOT EXISTS tasks (id INTEGER PRIMARY KEY, title TEXT, done BOOLEAN)',
      );
      await client.query(
        "INSERT INTO tasks SELECT g, 'task ' || g, g % 2 = 0 FROM generate_series(1, 1000) g ON CONFLICT DO NOTHING",
      );
      const text = SQL.replace('?', '$1');
      return { get: (id) => client.query(text, [id]), close: () => client.end(), async: true };
    }
    const file = join(mkdtempSync(join(tmpdir(), 'rl-qbench-')), 'tasks.db');
    const db =
      driver === 'node:sqlite'
        ? new (require('node:sqlite').DatabaseSync)(file)
        : new (require('better-sqlite3'))(file);
    db.exec('CREATE TABLE tasks (id INTEGER PRIMARY KEY, title TEXT, done INTEGER)');
    const insert = db.prepare('INSERT INTO tasks (id, title, done) VALUES (?, ?, ?)');
    for (let i = 1; i <= 1000; i++) insert.run(i, `task ${i}`, i % 2);
    const stmt = db.prepare(SQL);
    return { get: (id) => stmt.get(id), close: () => db.close(), async: false, file };
  }

  const db = await open();
  // The floor's query span: name and options decided once per statement, as rl-otel's
  // plugin does (packages/instrumentation-sqlite/src/query.ts, statementRecord), with
  // the values its SQL analyzer gives for SQL.
  const QUERY_NAME = 'SELECT tasks';
  const QUERY = {
    kind: SpanKind.CLIENT,
    attributes: {
      'rl.action.kind': 'db',
      'rl.action.name': QUERY_NAME,
      'db.system.name': 'sqlite',
      'db.query.text': SQL,
      'db.query.summary': QUERY_NAME,
      'db.operation.name': 'SELECT',
      'db.collection.name': 'tasks',
      'db.namespace': basename(db.file ?? ''),
    },
  };
  const floor = mode === 'floor';
  const samples = new Float64Array(n);
  const warmup = Math.min(2000, n);
  async function run(count, record) {
    let i = 0;
    while (i < count) {
      const batch = Math.min(100, count - i);
      const body = async () => {
        for (let k = 0; k < batch; k++, i++) {
          const id = (i % 1000) + 1;
          const t0 = process.hrtime.bigint();
          if (floor) {
            const span = tracer.startSpan(QUERY_NAME, QUERY);
            let row;
            try {
              row = db.get(id);
            } catch (error) {
              span.end();
              throw error;
            }
            span.setAttribute('db.response.returned_rows', row === undefined ? 0 : 1);
            span.end();
          } else if (db.async) await db.get(id);
          else db.get(id);
          const dt = Number(process.hrtime.bigint() - t0);
          if (record) samples[i] = dt;
        }
      };
      if (mode === 'traced' || floor) {
        const span = tracer.startSpan('GET', ACTION);
        await context.with(trace.setSpan(context.active(), span), body);
        span.end();
      } else await body();
    }
  }
  // Warm-up: 2000 queries and at least WARM_UP_MS, so that what is measured is the
  // steady state; an instrumented process has more code to compile after its start.
  const warmUntil = performance.now() + WARM_UP_MS;
  do await run(warmup, false);
  while (performance.now() < warmUntil);
  // CPU time of this process per query: the instrumentation's own work (spans, export),
  // without the scheduling noise of a round trip to a server on the same machine.
  const cpu0 = process.cpuUsage();
  await run(n, true);
  const cpu = process.cpuUsage(cpu0);
  await db.close();
  const sorted = Array.from(samples).sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const api = globalThis[Symbol.for('opentelemetry.js.api.1')];
  console.log(
    JSON.stringify({
      medianNs: at(0.5),
      p99Ns: at(0.99),
      cpuNsPerQuery: ((cpu.user + cpu.system) * 1000) / n,
      n,
      instrumented: Boolean(api?.trace),
    }),
  );
})();
