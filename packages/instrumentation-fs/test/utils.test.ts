import assert from 'node:assert/strict';
import { test } from 'node:test';
import { actionName, folderPattern } from '@rl-otel/instrumentation-fs';

test('action names keep the operation, the kind of folder and the extension, never the file name', () => {
  assert.equal(actionName('write', 'reports/q1-summary.md', false), 'write reports/*.md');
  assert.equal(actionName('read', 'plan.json', false), 'read *.json');
  assert.equal(actionName('delete', 'build/output', false), 'delete build/*');
  assert.equal(actionName('read', '.env', false), 'read *', 'a dot file has no extension');
  assert.equal(actionName('read', 'archive/data.tar.gz', false), 'read archive/*.gz');
  assert.equal(actionName('write', 'odd/name.we!rd', false), 'write odd/*', 'an odd extension is left out');
  assert.equal(actionName('mkdir', 'runs/2024-06-01', true), 'mkdir runs/*');
  assert.equal(actionName('readdir', '', true), 'readdir .');
});

test('folder patterns replace ids, dates and numbers with * and cap the depth', () => {
  assert.equal(folderPattern('reports'), 'reports');
  assert.equal(folderPattern('runs/1717171717/plans'), 'runs/*/plans');
  assert.equal(folderPattern('tasks/0f8a2c1e-9b7d-4c3a-8e21-5d6f7a8b9c0d'), 'tasks/*');
  assert.equal(folderPattern('builds/a1b2c3d4e5'), 'builds/*');
  assert.equal(folderPattern('v2/q1/drafts'), 'v2/q1/drafts', 'short names with a digit stay');
  assert.equal(folderPattern('a/b/c/d/e'), 'a/b/c/**');
  assert.equal(folderPattern('x'.repeat(41)), '*');
  assert.equal(folderPattern(''), '.');
});
