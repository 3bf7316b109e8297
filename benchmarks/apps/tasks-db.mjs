// The realistic route's data: a SQLite table of tasks (node:sqlite), read by primary key.
import { DatabaseSync } from 'node:sqlite';

export function openTasks(path) {
  const db = new DatabaseSync(path);
  db.exec('CREATE TABLE IF NOT EXISTS tasks (id INTEGER PRIMARY KEY, title TEXT, body TEXT, done INTEGER)');
  const insert = db.prepare('INSERT OR REPLACE INTO tasks (id, title, body, done) VALUES (?, ?, ?, ?)');
  db.exec('BEGIN');
  for (let i = 1; i <= 1000; i++) insert.run(i, `task ${i}`, 'x'.repeat(900), i % 2);
  db.exec('COMMIT');
  const byId = db.prepare('SELECT id, title, body, done FROM tasks WHERE id = ?');
  return {
    /** The task as a JSON text of about 1 KB, or undefined. */
    json(id) {
      const row = byId.get(id);
      return row ? JSON.stringify({ ...row, done: row.done === 1 }) : undefined;
    },
  };
}
