// The telemetry database: SQLite (better-sqlite3, a file) by default, PostgreSQL
// (pg) when DATABASE_URL is set. Both behind the same three async calls, with
// `?` placeholders and plain parameterized statements — what the rl-otel SQL
// plugins trace (they record the statement, never the parameter values).
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * @typedef {object} Database
 * @property {'sqlite' | 'postgres'} dialect
 * @property {string} where  a file path or a URL without its password
 * @property {(sql: string, params?: unknown[]) => Promise<Record<string, any>[]>} all
 * @property {(sql: string, params?: unknown[]) => Promise<Record<string, any> | undefined>} get
 * @property {(sql: string, params?: unknown[]) => Promise<{ changes: number }>} run
 * @property {(sql: string) => Promise<void>} exec  DDL at start-up
 * @property {() => Promise<void>} close
 */

/** Opens the database named by the environment: DATABASE_URL (postgres://…) or SQLITE_PATH. */
export async function openDatabase(env = process.env) {
  const url = env.DATABASE_URL?.trim();
  if (url) {
    if (!/^postgres(ql)?:\/\//.test(url))
      throw new Error(`DATABASE_URL must be a postgres:// URL (unset it to use SQLite), got "${url}"`);
    return openPostgres(url);
  }
  return openSqlite(resolve(env.SQLITE_PATH?.trim() || 'data/dashboard.db'));
}

async function openSqlite(path) {
  const { default: Sqlite } = await import('better-sqlite3');
  mkdirSync(dirname(path), { recursive: true });
  const db = new Sqlite(path);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  // One prepared statement per SQL text, prepared on first use.
  const statements = new Map();
  const prepare = (sql) => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  return {
    dialect: 'sqlite',
    where: path,
    all: async (sql, params = []) => prepare(sql).all(...params),
    get: async (sql, params = []) => prepare(sql).get(...params),
    run: async (sql, params = []) => ({ changes: prepare(sql).run(...params).changes }),
    exec: async (sql) => db.exec(sql),
    close: async () => db.close(),
  };
}

async function openPostgres(url) {
  const { default: pg } = await import('pg');
  // COUNT and SUM of integers come back as int8, which pg hands out as strings: numbers here.
  const types = {
    getTypeParser: (oid, format) => (oid === 20 ? Number : pg.types.getTypeParser(oid, format)),
  };
  const pool = new pg.Pool({ connectionString: url, max: 5, types });
  const query = (sql, params) => pool.query(toDollar(sql), params);
  await pool.query('SELECT 1');
  return {
    dialect: 'postgres',
    where: url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@'),
    all: async (sql, params = []) => (await query(sql, params)).rows,
    get: async (sql, params = []) => (await query(sql, params)).rows[0],
    run: async (sql, params = []) => ({ changes: (await query(sql, params)).rowCount ?? 0 }),
    exec: async (sql) => {
      await pool.query(sql);
    },
    close: () => pool.end(),
  };
}

/** `?` placeholders to PostgreSQL's `$1, $2, …` (the statements here have no `?` inside literals). */
export function toDollar(sql) {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

// Portable DDL: text ids made by the app, ISO timestamps as text, DOUBLE PRECISION
// (SQLite gives it REAL affinity).
const SCHEMA = `
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS agents (
  id TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, model TEXT);
CREATE TABLE IF NOT EXISTS features (
  id TEXT PRIMARY KEY, title TEXT NOT NULL, description TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tasks (
  id TEXT PRIMARY KEY, feature_id TEXT NOT NULL REFERENCES features(id), title TEXT NOT NULL,
  goal TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY, task_id TEXT NOT NULL REFERENCES tasks(id), status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0, reason TEXT, outcome_reward DOUBLE PRECISION,
  cost_usd DOUBLE PRECISION NOT NULL DEFAULT 0, started_at TEXT NOT NULL, finished_at TEXT,
  feedback INTEGER, terminal_trace_id TEXT, terminal_span_id TEXT);
CREATE TABLE IF NOT EXISTS model_usage (
  id TEXT PRIMARY KEY, run_id TEXT NOT NULL REFERENCES runs(id), agent TEXT NOT NULL,
  phase TEXT NOT NULL, model TEXT NOT NULL, input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL, cost_usd DOUBLE PRECISION NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS runs_task ON runs (task_id);
CREATE INDEX IF NOT EXISTS usage_run ON model_usage (run_id);
`;

/** Creates the tables if they are missing. */
export async function migrate(db) {
  for (const statement of SCHEMA.split(';')) if (statement.trim() !== '') await db.exec(statement);
}

/** Drops the tables (children first): `DASHBOARD_RESET=1` starts from the seed data. */
export async function dropAll(db) {
  for (const table of ['model_usage', 'runs', 'tasks', 'features', 'agents', 'settings'])
    await db.exec(`DROP TABLE IF EXISTS ${table}`);
}
