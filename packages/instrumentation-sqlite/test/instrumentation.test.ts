import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, test } from 'node:test';
import { inAction, setup } from './helpers.ts';

// Enabled before the libraries load, as --import does.
const harness = setup();
const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as new (
  file: string,
) => {
  exec(sql: string): unknown;
  prepare(sql: string): {
    run(...a: unknown[]): { changes: number };
    get(...a: unknown[]): unknown;
    all(...a: unknown[]): unknown[];
    iterate(...a: unknown[]): IterableIterator<unknown>;
  };
  pragma(sql: string, o?: object): unknown;
  transaction<T extends (...a: never[]) => unknown>(fn: T): T;
};
const sqlite = require('node:sqlite') as typeof import('node:sqlite');

const dir = mkdtempSync(join(tmpdir(), 'rl-sqlite-unit-'));
const db = new Database(join(dir, 'unit.db'));
db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)');

describe('SqliteInstrumentation', () => {
  beforeEach(() => setup());

  test('no span outside any span by default; requireParentSpan: false records them', () => {
    db.prepare('SELECT count(*) FROM t').get();
    assert.equal(harness.dbSpans().length, 0);
    setup({ requireParentSpan: false });
    db.prepare('SELECT count(*) FROM t').get();
    assert.deepEqual(
      harness.dbSpans().map((s) => s.name),
      ['SELECT t'],
    );
  });

  test('failActionOnError: a caught query error fails the step only when asked', () => {
    for (const failActionOnError of [false, true]) {
      setup({ failActionOnError });
      inAction('POST /t', () => {
        db.prepare('INSERT OR IGNORE INTO t (v) VALUES (?)').run('dup');
        try {
          db.prepare('INSERT INTO t (v) VALUES (?)').run('dup');
        } catch {
          // handled by the app
        }
      });
      const [triplet] = harness.sink.triplets;
      assert.equal(triplet?.reward.components.errors, 1);
      assert.equal(triplet?.reward.components.success, failActionOnError ? 0 : 1, String(failActionOnError));
    }
  });

  test('a user hook that throws is reported once and the query goes on', () => {
    const seen: string[] = [];
    setup({
      requestHook: (span, query) => {
        seen.push(`${query.library} ${query.method} ${query.sql}`);
        span.setAttribute('app.hooked', true);
        throw new Error('hook bug');
      },
      responseHook: () => {
        throw new Error('hook bug 2');
      },
    });
    const rows = inAction('GET /t', () => db.prepare('SELECT v FROM t').all());
    assert.equal(rows.length, 1);
    assert.deepEqual(seen, ['better-sqlite3 all SELECT v FROM t']);
    const [span] = harness.dbSpans();
    assert.equal(span?.attributes['app.hooked'], true);
    assert.equal(harness.warnings.length, 2, harness.warnings.join('\n'));
    inAction('GET /t', () => db.prepare('SELECT v FROM t').all());
    assert.equal(harness.warnings.length, 2, 'each hook failure is reported once');
  });

  test('iterate: helpers work, an early return ends the span, a bad row fails it', () => {
    inAction('GET /t', () => {
      db.prepare('INSERT INTO t (v) VALUES (?), (?)').run('a', 'b');
      const it = db.prepare('SELECT v FROM t ORDER BY v').iterate() as IterableIterator<unknown> & {
        toArray?: () => unknown[];
      };
      if (typeof it.toArray === 'function') assert.equal(it.toArray().length, 3);
      else assert.equal([...it].length, 3);
      for (const _ of db.prepare('SELECT v FROM t').iterate()) break;
    });
    const rows = harness.dbSpans().map((s) => s.attributes['db.response.returned_rows']);
    assert.deepEqual(rows, [undefined, 3, 1]);
  });

  test('pragma and transaction before any prepare are still traced', () => {
    const fresh = new Database(join(dir, 'fresh.db'));
    inAction('GET /fresh', () => {
      fresh.pragma('journal_mode', { simple: true });
      fresh.transaction(() => fresh.exec('CREATE TABLE IF NOT EXISTS x (a)'))();
    });
    assert.deepEqual(
      harness.dbSpans().map((s) => s.name),
      ['PRAGMA journal_mode', 'BEGIN', 'CREATE TABLE x', 'COMMIT'],
    );
    assert.equal(harness.dbSpans()[0]?.attributes['db.namespace'], 'fresh.db');
  });

  test('node:sqlite: statements, exec, errors with their result code', () => {
    const ndb = new sqlite.DatabaseSync(join(dir, 'node.db'));
    ndb.exec('CREATE TABLE n (v TEXT UNIQUE)');
    inAction('GET /n', () => {
      ndb.prepare('INSERT INTO n (v) VALUES (?)').run('x');
      assert.throws(() => ndb.prepare('INSERT INTO n (v) VALUES (?)').run('x'));
      assert.throws(() => ndb.prepare('SELEC 1'));
      assert.equal(ndb.prepare('SELECT v FROM n').all().length, 1);
    });
    const spans = harness.dbSpans();
    assert.deepEqual(
      spans.map((s) => [s.name, s.attributes['db.response.status_code'] ?? null]),
      [
        ['INSERT n', null],
        ['INSERT n', '2067'],
        ['sqlite', '1'],
        ['SELECT n', null],
      ],
    );
    assert.equal(spans[0]?.attributes['db.namespace'], 'node.db');
    assert.equal(spans[0]?.attributes['db.response.affected_rows'], 1);
  });

  test('disable() unhooks both libraries; enable() hooks them again', () => {
    harness.instrumentation.disable();
    const ndb = new sqlite.DatabaseSync(':memory:');
    inAction('GET /off', () => {
      db.prepare('SELECT 1').get();
      ndb.prepare('SELECT 1').get();
    });
    assert.equal(harness.dbSpans().length, 0);
    harness.instrumentation.enable();
    inAction('GET /on', () => {
      db.prepare('SELECT 1').get();
      ndb.prepare('SELECT 1').get();
    });
    assert.equal(harness.dbSpans().length, 2);
  });
});
