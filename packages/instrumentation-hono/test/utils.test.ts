import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mountedRoute } from '@rl-otel/instrumentation-hono';

test('mountedRoute joins the mount path and the inner route', () => {
  assert.equal(mountedRoute('/legacy/*', '/users/:id'), '/legacy/users/:id');
  assert.equal(mountedRoute('/legacy/*', '/'), '/legacy');
  assert.equal(mountedRoute('/*', '/users/:id'), '/users/:id');
  assert.equal(mountedRoute('/*', '/'), '/');
  assert.equal(mountedRoute('/a/b*', '/c'), '/a/b/c');
});
