import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeMethod, redactQuery, serverActionName } from '@rl-otel/instrumentation-http';

test('methods are normalized the semconv way', () => {
  assert.equal(normalizeMethod('get'), 'GET');
  assert.equal(normalizeMethod('POST'), 'POST');
  assert.equal(normalizeMethod('PURGE'), '_OTHER');
  assert.equal(normalizeMethod(undefined), 'GET');
});

test('action names are the route, or one name per method', () => {
  assert.equal(serverActionName('GET', '/api/tasks/:id'), 'GET /api/tasks/:id');
  assert.equal(serverActionName('POST', undefined), 'POST (unmatched)');
});

test('sensitive query values are redacted, the rest kept as sent', () => {
  const sensitive = new Set(['token', 'api_key']);
  assert.equal(redactQuery('a=1&token=abc&b=2', sensitive), 'a=1&token=REDACTED&b=2');
  assert.equal(redactQuery('API_KEY=x', sensitive), 'API_KEY=REDACTED');
  assert.equal(redactQuery('page=2&flag', sensitive), 'page=2&flag');
  assert.equal(redactQuery('%74oken=x', sensitive), '%74oken=REDACTED');
});
