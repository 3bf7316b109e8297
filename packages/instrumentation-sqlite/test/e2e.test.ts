import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Triplet } from '@rl-otel/semantic-conventions';
import {
  type OtlpReceiver,
  type OtlpSpan,
  readJsonl,
  rlWarnings,
  runNode,
  startOtlpReceiver,
} from '@rl-otel/test-utils';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, 'fixtures');
const require = createRequire(import.meta.url);

// Literals written in the fixture's queries: none may reach any exported attribute.
const LITERALS = ['top-secret-literal', '4242', 'dup-secret', 'node-secret'];

/**
 * better-sqlite3 11 and 12 are installed under npm aliases; the hook matches
 * the package name, so each major gets a folder whose node_modules holds it
 * as `better-sqlite3` (its JS and its compiled addon), next to the fixtures.
 */
function appDirFor(alias: string): string {
  if (alias === 'better-sqlite3') return fixtures;
  const source = dirname(require.resolve(`${alias}/package.json`));
  const dir = join(here, '.versions', alias);
  rmSync(dir, { recursive: true, force: true });
  const target = join(dir, 'node_modules', 'better-sqlite3');
  mkdirSync(join(target, 'build', 'Release'), { recursive: true });
  cpSync(join(source, 'package.json'), join(target, 'package.json'));
  cpSync(join(source, 'lib'), join(target, 'lib'), { recursive: true });
  cpSync(
    join(source, 'build', 'Release', 'better_sqlite3.node'),
    join(target, 'build', 'Release', 'better_sqlite3.node'),
  );
  for (const file of ['routes.cjs', 'app.cjs', 'app.mjs']) cpSync(join(fixtures, file), join(dir, file));
  return dir;
}

function allStrings(span: OtlpSpan): string[] {
  const values: unknown[] = [span.name, ...Object.values(span.attributes)];
  for (const event of span.events ?? []) values.push(...Object.values(event.attributes ?? {}));
  return values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
}

describe('node --import @rl-otel/auto on better-sqlite3 and node:sqlite apps', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(() => receiver.close());

  for (const alias of ['better-sqlite3', 'better-sqlite3-v12', 'better-sqlite3-v11']) {
    for (const fixture of ['app.mjs', 'app.cjs']) {
      test(`${alias} ${fixture}: every API form is a db span in its action, sanitized, folded into the triplet`, async () => {
        const version = require(`${alias}/package.json`).version as string;
        const data = mkdtempSync(join(tmpdir(), 'rl-sqlite-'));
        const triplets = join(data, 'triplets.jsonl');
        const service = `sqlite-${alias}-${fixture}`;
        const result = await runNode(fixture, {
          cwd: appDirFor(alias),
          // the fixture collects garbage before it exits (see routes.cjs)
          nodeArgs: ['--expose-gc', '--import', '@rl-otel/auto'],
          env: {
            DATA_DIR: data,
            OTEL_SERVICE_NAME: service,
            OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
            OTEL_BSP_SCHEDULE_DELAY: '50',
            RL_OTEL_TRIPLETS_FILE: triplets,
          },
        });
        assert.equal(result.code, 0, result.stderr);
        assert.deepEqual(
          rlWarnings(result.stderr),
          [],
          'no warning (node:sqlite may print its own experimental warning)',
        );
        const answers = JSON.parse(result.stdout) as Record<string, { status: number; body: string }>;
        assert.equal(answers['/txn-fail']?.status, 500);
        assert.deepEqual(JSON.parse(answers['/one']?.body ?? '{}'), {
          row: { title: 'first' },
          title: 'first',
          raw: [2, 'second'],
          expanded: { tasks: { id: 1, title: 'first' } },
          missing: true,
        });
        assert.deepEqual(JSON.parse(answers['/iterate']?.body ?? '{}'), { all: 3, first: 1 });

        const spans = await receiver.waitForSpans(
          10,
          (s) => s.resource['service.name'] === service && s.kind === 2,
        );
        await receiver.waitForSpans(
          1,
          (s) => s.resource['service.name'] === service && s.name === 'DELETE notes',
        );
        const mine = receiver.spans().filter((s) => s.resource['service.name'] === service);
        const db = mine.filter((s) => s.attributes['db.system.name'] === 'sqlite');
        const server = new Map(spans.map((s) => [s.spanId, s]));
        for (const span of db) {
          assert.equal(span.kind, 3, 'CLIENT');
          assert.ok(server.has(span.parentSpanId ?? ''), `${span.name} runs inside a request action`);
          assert.equal(span.attributes['rl.action.kind'], 'db');
          assert.equal(span.attributes['rl.action.name'], span.name);
          assert.equal(typeof span.attributes['db.query.text'], 'string');
          for (const value of allStrings(span))
            for (const literal of LITERALS)
              assert.ok(!value.includes(literal), `${literal} leaked in ${span.name}: ${value}`);
        }
        assert.ok(!db.some((s) => s.name.startsWith('CREATE')), 'the startup migration has no span');
        const names = new Set(db.map((s) => s.name));
        for (const name of ['SELECT tasks', 'INSERT tasks', 'UPDATE tasks', 'PRAGMA user_version']) {
          assert.ok(names.has(name), `${name} in ${[...names].join(', ')}`);
        }
        for (const name of [
          'PRAGMA table_info',
          'BEGIN',
          'COMMIT',
          'ROLLBACK',
          'INSERT notes',
          'SELECT notes',
        ]) {
          assert.ok(names.has(name), `${name} in ${[...names].join(', ')}`);
        }
        const list = db.find(
          (s) => s.attributes['db.query.text'] === 'SELECT id, title FROM tasks WHERE done = ?',
        );
        assert.equal(list?.attributes['db.operation.name'], 'SELECT');
        assert.equal(list?.attributes['db.collection.name'], 'tasks');
        assert.equal(list?.attributes['db.namespace'], 'tasks.db');
        assert.equal(list?.attributes['db.query.summary'], 'SELECT tasks');
        assert.equal(list?.attributes['db.response.returned_rows'], 1);
        const update = db.find((s) => s.name === 'UPDATE tasks');
        assert.equal(
          update?.attributes['db.query.text'],
          'UPDATE tasks SET note = ? WHERE id = ?',
          'an exec with literals is sanitized',
        );
        assert.equal(update?.attributes['db.response.affected_rows'], undefined, 'exec reports no rows');
        const added = db.find((s) => s.name === 'INSERT tasks' && s.status.code !== 2);
        assert.equal(added?.attributes['db.response.affected_rows'], 1);
        const iterations = db.filter((s) =>
          s.attributes['db.query.text']?.toString().startsWith('SELECT id FROM tasks ORDER'),
        );
        assert.deepEqual(iterations.map((s) => s.attributes['db.response.returned_rows']).sort(), [1, 3]);
        const duplicate = db.find(
          (s) => s.attributes['db.response.status_code'] === 'SQLITE_CONSTRAINT_PRIMARYKEY',
        );
        assert.equal(duplicate?.status.code, 2, 'ERROR');
        assert.equal(duplicate?.attributes['error.type'], 'SQLITE_CONSTRAINT_PRIMARYKEY');
        assert.equal(
          duplicate?.attributes['db.query.text'],
          'INSERT INTO tasks (id, title, done) VALUES (?, ?, ?)',
        );
        const syntax = db.find((s) => s.attributes['db.response.status_code'] === 'SQLITE_ERROR');
        assert.equal(syntax?.name, 'sqlite', 'bad SQL has no summary');
        const nodeFailure = db.find((s) => s.attributes['db.response.status_code'] === '2067');
        assert.equal(nodeFailure?.name, 'INSERT notes', 'node:sqlite errors carry the extended result code');

        const lines = readJsonl<Triplet>(triplets);
        assert.equal(lines.length, 10, 'one triplet per request: queries are not steps of their own');
        const byRoute = new Map(lines.map((l) => [String(l.action.attributes['url.path']), l]));
        assert.equal(byRoute.get('/list')?.reward.components.db_calls, 1);
        assert.equal(typeof byRoute.get('/list')?.reward.components.db_time_ms, 'number');
        assert.equal(byRoute.get('/txn')?.reward.components.db_calls, 4, 'BEGIN, 2 INSERT, COMMIT');
        assert.equal(byRoute.get('/txn-fail')?.reward.components.success, 0, 'the error escaped');
        assert.equal(byRoute.get('/caught')?.reward.components.success, 1, 'the app handled the error');
        assert.equal(byRoute.get('/caught')?.reward.components.errors, 1);
        assert.equal(byRoute.get('/bad-sql')?.reward.components.errors, 1);
        assert.ok(version.length > 0);
      });
    }
  }
});
