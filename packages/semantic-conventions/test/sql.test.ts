import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyzeSql, createSqlAnalyzer, sanitizeSql, summarizeSql } from '@rl-otel/semantic-conventions';

describe('summarizeSql', () => {
  const cases: Array<[string, string | undefined]> = [
    ['SELECT * FROM wuser_table WHERE username = ?', 'SELECT wuser_table'],
    [
      'INSERT INTO shipping_details (order_id, address) SELECT order_id, address FROM orders WHERE order_id = ?',
      'INSERT shipping_details SELECT orders',
    ],
    ['SELECT * FROM songs, artists WHERE songs.artist_id == artists.id', 'SELECT songs artists'],
    [
      'SELECT order_date FROM (SELECT * FROM orders o JOIN customers c ON o.customer_id = c.customer_id)',
      'SELECT SELECT orders customers',
    ],
    ['SELECT * FROM "song list", `artists`', 'SELECT "song list" `artists`'],
    ['select id from tasks t where t.done = 0', 'select tasks'],
    ['SELECT count(*) AS n FROM main.tasks', 'SELECT main.tasks'],
    ['SELECT EXTRACT(YEAR FROM created) FROM tasks', 'SELECT tasks'],
    ['SELECT * FROM a LEFT OUTER JOIN b ON a.id = b.a_id NATURAL JOIN c', 'SELECT a b c'],
    [
      'SELECT * FROM tasks WHERE id IN (SELECT task_id FROM tags WHERE name = $1)',
      'SELECT tasks SELECT tags',
    ],
    ['SELECT * FROM generate_series(1, 3)', 'SELECT'],
    ['SELECT 1', 'SELECT'],
    ['UPDATE tasks SET done = 1 WHERE id = ?', 'UPDATE tasks'],
    ['UPDATE OR IGNORE tasks SET done = 1', 'UPDATE tasks'],
    ['UPDATE t SET x = u.x FROM u WHERE t.id = u.id', 'UPDATE t u'],
    ['DELETE FROM tasks WHERE id = 3', 'DELETE tasks'],
    ['INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)', 'INSERT kv'],
    ['REPLACE INTO kv VALUES (1, 2)', 'REPLACE kv'],
    [
      'INSERT INTO t (id, n) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET n = excluded.n RETURNING id',
      'INSERT t',
    ],
    ['SELECT * FROM jobs WHERE id = $1 FOR UPDATE SKIP LOCKED', 'SELECT jobs'],
    ['WITH recent AS (SELECT * FROM tasks) SELECT * FROM recent', 'SELECT tasks SELECT recent'],
    ['SELECT a FROM t UNION ALL SELECT a FROM u', 'SELECT t SELECT u'],
    [
      'MERGE INTO target t USING source s ON t.id = s.id WHEN MATCHED THEN UPDATE SET v = s.v',
      'MERGE target source',
    ],
    ['CREATE TABLE IF NOT EXISTS tasks (id INTEGER PRIMARY KEY, title TEXT)', 'CREATE TABLE tasks'],
    ['create temp table scratch (x)', 'create table scratch'],
    ['CREATE UNIQUE INDEX IF NOT EXISTS idx_title ON tasks (title)', 'CREATE INDEX idx_title'],
    ['CREATE MATERIALIZED VIEW mv AS SELECT * FROM t', 'CREATE MATERIALIZED VIEW mv SELECT t'],
    ['DROP TABLE IF EXISTS a, b', 'DROP TABLE a b'],
    ['ALTER TABLE tasks ADD COLUMN due TEXT', 'ALTER TABLE tasks'],
    ['TRUNCATE TABLE ONLY a, b', 'TRUNCATE a b'],
    ['BEGIN IMMEDIATE', 'BEGIN'],
    ['COMMIT', 'COMMIT'],
    ['ROLLBACK TO `\t_bs3.\t`', 'ROLLBACK'],
    ['SAVEPOINT `\t_bs3.\t`', 'SAVEPOINT'],
    ['PRAGMA journal_mode = WAL', 'PRAGMA journal_mode'],
    ['PRAGMA table_info(tasks)', 'PRAGMA table_info'],
    ['EXPLAIN QUERY PLAN SELECT * FROM tasks', 'EXPLAIN SELECT tasks'],
    ['CREATE TABLE a (x); INSERT INTO a VALUES (1); SELECT x FROM a', 'CREATE TABLE a INSERT a SELECT a'],
    ['COPY tasks FROM STDIN', 'COPY tasks'],
    ['CALL refresh_stats()', 'CALL refresh_stats'],
    ['SET search_path TO app', 'SET'],
    ['GRANT SELECT, INSERT ON tasks TO app', 'GRANT'],
    ['-- just a comment', undefined],
    ['', undefined],
    ['hello world', undefined],
    ['SELEC oops FROM tasks', undefined],
  ];
  for (const [sql, summary] of cases) {
    test(JSON.stringify(sql), () => assert.equal(summarizeSql(sql), summary));
  }

  test('truncated to 255 characters at a whole part', () => {
    const sql = Array.from({ length: 60 }, (_, i) => `SELECT x FROM table_number_${i}`).join('; ');
    const summary = summarizeSql(sql) ?? '';
    assert.ok(summary.length <= 255 && summary.length > 200, String(summary.length));
    const full = Array.from({ length: 60 }, (_, i) => `SELECT table_number_${i}`).join(' ');
    assert.ok(full.startsWith(`${summary} `), 'cut between two parts, never inside one');
  });
});

describe('analyzeSql', () => {
  test('one operation and one table: operation and collection are set', () => {
    const info = analyzeSql('SELECT id, title FROM tasks WHERE id = ?');
    assert.equal(info.operation, 'SELECT');
    assert.equal(info.collection, 'tasks');
    assert.equal(info.parameterized, true);
    assert.equal(info.text, 'SELECT id, title FROM tasks WHERE id = ?');
  });

  test('several operations or tables: neither is guessed', () => {
    const info = analyzeSql('SELECT * FROM a JOIN b ON a.id = b.id');
    assert.equal(info.operation, 'SELECT');
    assert.equal(info.collection, undefined);
    const two = analyzeSql('INSERT INTO a SELECT * FROM a');
    assert.equal(two.operation, undefined);
    assert.equal(two.collection, 'a', 'the same table twice is one table');
    assert.equal(analyzeSql('CREATE INDEX i ON t (x)').collection, undefined, 'an index is not a collection');
  });

  test('parameterized text is kept as written, the rest is sanitized', () => {
    const raw = "SELECT * FROM users WHERE name = 'alice' AND age > 30";
    const plain = analyzeSql(raw);
    assert.equal(plain.parameterized, false);
    assert.equal(plain.text, 'SELECT * FROM users WHERE name = ? AND age > ?');
    const withParams = analyzeSql("SELECT * FROM users WHERE name = :name AND kind = 'x'");
    assert.equal(withParams.parameterized, true);
    assert.equal(withParams.text, "SELECT * FROM users WHERE name = :name AND kind = 'x'");
    assert.equal(withParams.sanitized, 'SELECT * FROM users WHERE name = :name AND kind = ?');
  });

  test('placeholders depend on the dialect', () => {
    for (const sql of ['SELECT ?', 'SELECT ?7', 'SELECT :a', 'SELECT @a', 'SELECT $a', 'SELECT $1']) {
      assert.equal(analyzeSql(sql, 'sqlite').parameterized, true, sql);
    }
    assert.equal(analyzeSql('SELECT $1', 'postgresql').parameterized, true);
    assert.equal(analyzeSql('SELECT $12::int', 'postgresql').parameterized, true);
    // the JSON operator and a psql variable are not bind parameters
    assert.equal(analyzeSql("SELECT data ? 'k' FROM t", 'postgresql').parameterized, false);
    assert.equal(analyzeSql("SELECT data ? 'k' FROM t", 'postgresql').text, 'SELECT data ? ? FROM t');
    assert.equal(analyzeSql('SELECT x::text FROM t', 'postgresql').parameterized, false);
  });

  test('memoized per text, bounded', () => {
    const analyze = createSqlAnalyzer('sqlite', 2);
    const a = analyze('SELECT 1');
    assert.equal(analyze('SELECT 1'), a);
    analyze('SELECT 2');
    analyze('SELECT 3');
    assert.notEqual(analyze('SELECT 1'), a, 'the oldest entry was dropped');
  });
});

describe('sanitizeSql', () => {
  const cases: Array<[string, string, 'sqlite' | 'postgresql']> = [
    ["SELECT 'it''s', \"col\" FROM t", 'SELECT ?, "col" FROM t', 'sqlite'],
    ['SELECT 1, -2.5, .5, 1e-3, 0x1F, 10_000 FROM t', 'SELECT ?, -?, ?, ?, ?, ? FROM t', 'sqlite'],
    ["SELECT X'00ff', x'AB', N'name', B'0101'", 'SELECT ?, ?, ?, ?', 'sqlite'],
    ["SELECT E'a\\'b' || 'c'", 'SELECT ? || ?', 'postgresql'],
    ['SELECT $$secret$$, $tag$x $$ y$tag$', 'SELECT ?, ?', 'postgresql'],
    ['SELECT TRUE, false, NULL', 'SELECT ?, ?, NULL', 'sqlite'],
    ["SELECT a /* secret 'x' */ FROM t -- 42 trailing", 'SELECT a   FROM t  ', 'sqlite'],
    ['SELECT /* a /* nested */ b */ 1', 'SELECT   ?', 'postgresql'],
    ['SELECT t1.c2 FROM t1 WHERE c3 = 4', 'SELECT t1.c2 FROM t1 WHERE c3 = ?', 'sqlite'],
    ["INSERT INTO t VALUES ('a', 1), ('b', 2)", 'INSERT INTO t VALUES (?, ?), (?, ?)', 'sqlite'],
    ["SELECT DATE '2024-01-01' + INTERVAL '1 day'", 'SELECT DATE ? + INTERVAL ?', 'postgresql'],
    ["SELECT 'unterminated", 'SELECT ?', 'sqlite'],
  ];
  for (const [sql, expected, dialect] of cases) {
    test(JSON.stringify(sql), () => assert.equal(sanitizeSql(sql, dialect), expected));
  }
});
