import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, beforeEach, describe, test } from 'node:test';
import { SpanKind } from '@opentelemetry/api';
import { PgInstrumentation, type PgInstrumentationConfig } from '@rl-otel/instrumentation-pg';
import { type PostgresServer, startPostgres } from '@rl-otel/test-utils';
import { inAction, setupTracing } from '@rl-otel/test-utils/tracing';

const { provider, exporter, sink, warnings, reset } = setupTracing();
// Enabled before pg loads, as --import does.
const instrumentation = new PgInstrumentation();
instrumentation.setTracerProvider(provider);
const pg = createRequire(import.meta.url)('pg') as typeof import('pg');

const dbSpans = () =>
  exporter
    .getFinishedSpans()
    .filter((s) => s.attributes['db.system.name'] === 'postgresql' && s.kind === SpanKind.CLIENT);
const configure = (config: PgInstrumentationConfig = {}) => {
  reset();
  instrumentation.setConfig(config);
};

describe('PgInstrumentation', () => {
  let server: PostgresServer;
  let pool: import('pg').Pool;
  before(async () => {
    server = await startPostgres();
    pool = new pg.Pool({ ...server.config, max: 2 });
    pool.on('error', () => {}); // idle clients see the server stop at the end
  });
  after(async () => {
    await pool?.end();
    await server?.stop();
  });
  beforeEach(() => configure());

  test('no span outside any span by default; requireParentSpan: false records them', async () => {
    await pool.query('SELECT 1');
    assert.equal(dbSpans().length, 0);
    configure({ requireParentSpan: false });
    await pool.query('SELECT 1');
    assert.deepEqual(
      dbSpans().map((s) => s.name),
      ['SELECT'],
    );
  });

  test('failActionOnError: a caught query error fails the step only when asked', async () => {
    for (const failActionOnError of [false, true]) {
      configure({ failActionOnError });
      await inAction('GET /x', async () => {
        await pool.query('SELECT * FROM missing_table').catch(() => {});
      });
      const [triplet] = sink.triplets;
      assert.equal(triplet?.reward.components.errors, 1);
      assert.equal(triplet?.reward.components.success, failActionOnError ? 0 : 1);
      assert.equal(dbSpans()[0]?.attributes['db.response.status_code'], '42P01');
    }
  });

  test('a user hook that throws is reported once and the query goes on', async () => {
    const seen: string[] = [];
    configure({
      requestHook: (span, query) => {
        seen.push(`${query.text} ${query.connection.database}`);
        span.setAttribute('app.hooked', true);
        throw new Error('hook bug');
      },
      responseHook: () => {
        throw new Error('hook bug 2');
      },
    });
    const res = await inAction('GET /x', () => pool.query('SELECT $1::int AS n', [7]));
    assert.equal(res.rows[0].n, 7);
    assert.deepEqual(seen, [`SELECT $1::int AS n ${server.config.database}`]);
    assert.equal(dbSpans()[0]?.attributes['app.hooked'], true);
    assert.equal(warnings.length, 2, warnings.join('\n'));
  });

  test('a connection error ends the span with its error, not a SQLSTATE', async () => {
    const broken = new pg.Client({ ...server.config, port: 1 });
    broken.on('error', () => {});
    await broken.connect().catch(() => {});
    await inAction('GET /x', async () => {
      await broken.query('SELECT 1').catch(() => {});
    });
    const [span] = dbSpans();
    assert.equal(span?.status.code, 2);
    assert.equal(span?.attributes['db.response.status_code'], undefined);
  });

  test('disable() unhooks Client.query and pool.connect; enable() hooks them again', async () => {
    instrumentation.disable();
    await inAction('GET /off', () => pool.query('SELECT 1'));
    assert.equal(exporter.getFinishedSpans().filter((s) => s.name !== 'GET /off').length, 0);
    instrumentation.enable();
    await inAction('GET /on', () => pool.query('SELECT 1'));
    assert.deepEqual(
      exporter
        .getFinishedSpans()
        .map((s) => s.name)
        .filter((n) => !n.startsWith('GET')),
      ['pg-pool.connect', 'SELECT'],
    );
  });
});
