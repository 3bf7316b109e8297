import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Triplet } from '@rl-otel/semantic-conventions';
import {
  type OtlpReceiver,
  type OtlpSpan,
  type PostgresServer,
  readJsonl,
  rlWarnings,
  runNode,
  startOtlpReceiver,
  startPostgres,
} from '@rl-otel/test-utils';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
// Literals written in the fixture's queries: none may reach any exported attribute.
const LITERALS = ['pg-literal-secret', '4242', 'pg-secret'];

function allStrings(span: OtlpSpan): string[] {
  const values: unknown[] = [span.name, ...Object.values(span.attributes)];
  for (const event of span.events) values.push(...Object.values(event.attributes));
  return values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
}

describe('node --import @rl-otel/auto on pg apps, against a real PostgreSQL server', () => {
  let receiver: OtlpReceiver;
  let server: PostgresServer;
  before(async () => {
    [receiver, server] = await Promise.all([startOtlpReceiver(), startPostgres()]);
  });
  after(async () => {
    await receiver?.close();
    await server?.stop();
  });

  for (const fixture of ['app.mjs', 'app.cjs']) {
    test(`${fixture}: every query form is a db span in its action, sanitized, with SQLSTATE errors and pool waits`, async () => {
      const triplets = join(mkdtempSync(join(tmpdir(), 'rl-pg-')), 'triplets.jsonl');
      const service = `pg-${fixture}`;
      const { config } = server;
      const result = await runNode(fixture, {
        cwd: fixtures,
        env: {
          PG_TEST_HOST: config.host,
          PG_TEST_PORT: String(config.port),
          PG_TEST_USER: config.user,
          PG_TEST_PASSWORD: config.password,
          PG_TEST_DATABASE: config.database,
          OTEL_SERVICE_NAME: service,
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_BSP_SCHEDULE_DELAY: '50',
          RL_OTEL_TRIPLETS_FILE: triplets,
        },
      });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(rlWarnings(result.stderr), []);
      const answers = JSON.parse(result.stdout) as Record<string, { status: number; body: string }>;
      assert.deepEqual(Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, v.status])), {
        '/promise': 200,
        '/callback': 200,
        '/config': 200,
        '/named': 200,
        '/query-object': 200,
        '/txn': 200,
        '/txn-fail': 500,
        '/caught': 200,
        '/literal': 200,
        '/pool-wait': 200,
      });
      assert.equal(answers['/caught']?.body, '"23505"');
      assert.equal(answers['/query-object']?.body, '[3,3]');

      await receiver.waitForSpans(10, (s) => s.resource['service.name'] === service && s.kind === 2);
      await receiver.waitForSpans(4, (s) => s.resource['service.name'] === service && s.name === 'SELECT');
      const mine = receiver.spans().filter((s) => s.resource['service.name'] === service);
      const byId = new Map(mine.map((s) => [s.spanId, s]));
      const requestOf = (span: OtlpSpan): OtlpSpan | undefined => {
        let at: OtlpSpan | undefined = span;
        while (at !== undefined && at.kind !== 2) at = byId.get(at.parentSpanId);
        return at;
      };
      const db = mine.filter((s) => s.attributes['db.system.name'] === 'postgresql' && s.kind === 3);
      assert.equal(
        db.length,
        20,
        db.map((s) => `${requestOf(s)?.attributes['url.path']} ${s.name}`).join('\n'),
      );
      for (const span of db) {
        assert.ok(requestOf(span) !== undefined, `${span.name} runs inside a request action`);
        assert.equal(span.attributes['rl.action.kind'], 'db');
        assert.equal(span.attributes['server.address'], config.host);
        assert.equal(span.attributes['server.port'], config.port);
        assert.equal(span.attributes['db.namespace'], config.database);
        for (const value of allStrings(span))
          for (const literal of LITERALS) assert.ok(!value.includes(literal), `${literal} leaked: ${value}`);
      }
      assert.ok(
        !db.some((s) => String(s.name).startsWith('DROP') || String(s.name).startsWith('CREATE')),
        'no span for the startup migration',
      );
      const path = (s: OtlpSpan) => requestOf(s)?.attributes['url.path'];
      const inRoute = (route: string) => db.filter((s) => path(s) === route);

      const promise = inRoute('/promise')[0];
      assert.match(String(promise?.name), /^SELECT tasks_\d+$/);
      assert.equal(promise?.attributes['db.operation.name'], 'SELECT');
      assert.match(String(promise?.attributes['db.collection.name']), /^tasks_\d+$/);
      assert.match(
        String(promise?.attributes['db.query.text']),
        /^SELECT id, title FROM tasks_\d+ WHERE done = \$1$/,
      );
      assert.equal(promise?.attributes['db.response.returned_rows'], 2);
      assert.equal(inRoute('/callback').length, 2, 'the nested callback query is in the same request');
      assert.equal(inRoute('/config')[0]?.attributes['db.response.affected_rows'], 1);
      assert.equal(inRoute('/config')[0]?.attributes['db.response.returned_rows'], 1, 'RETURNING');
      assert.equal(inRoute('/named').length, 2);
      assert.deepEqual(
        inRoute('/query-object').map((s) => s.attributes['db.response.returned_rows']),
        [3, 1],
        'event-mode and callback Query objects',
      );
      assert.deepEqual(
        inRoute('/txn')
          .map((s) => s.name)
          .map((n) => n.replace(/_\d+$/, '')),
        ['BEGIN', 'UPDATE tasks', 'COMMIT'],
      );
      const failedInsert = inRoute('/txn-fail').find((s) => s.status.code === 2);
      assert.equal(failedInsert?.attributes['db.response.status_code'], '23505');
      assert.equal(failedInsert?.attributes['error.type'], '23505');
      assert.ok(inRoute('/txn-fail').some((s) => s.name === 'ROLLBACK'));
      const literal = inRoute('/literal')[0];
      assert.match(
        String(literal?.attributes['db.query.text']),
        /^SELECT \* FROM tasks_\d+ WHERE title = \? OR id > \?$/,
      );
      const connects = mine.filter((s) => s.name === 'pg-pool.connect' && path(s) === '/pool-wait');
      assert.equal(connects.length, 4, 'one pool.connect span per pool.query');
      assert.equal(connects[0]?.attributes['rl.action.kind'], undefined, 'a connect wait is not an action');

      const lines = readJsonl<Triplet>(triplets);
      assert.equal(lines.length, 10, 'one triplet per request');
      const byRoute = new Map(lines.map((l) => [String(l.action.attributes['url.path']), l]));
      assert.equal(byRoute.get('/promise')?.reward.components.db_calls, 1);
      assert.equal(byRoute.get('/txn')?.reward.components.db_calls, 3);
      assert.equal(byRoute.get('/txn-fail')?.reward.components.success, 0, 'the error escaped');
      assert.equal(byRoute.get('/caught')?.reward.components.success, 1, 'the app handled the error');
      assert.equal(byRoute.get('/caught')?.reward.components.errors, 1);
      const wait = byRoute.get('/pool-wait')?.reward.components;
      assert.equal(wait?.db_calls, 4);
      assert.ok((wait?.db_connect_time_ms ?? 0) > 0, 'time spent waiting for a connection');
    });
  }
});
