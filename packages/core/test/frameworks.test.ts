import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import {
  httpErrorStatus,
  joinRoutePath,
  moduleExports,
  recordHandlerError,
  routePattern,
  SeenErrors,
} from '@rl-otel/core/instrumentation';
import { setup, tracer } from './helpers.ts';

describe('framework helpers', () => {
  test('routePattern keeps patterns as written and never reads a request', () => {
    assert.equal(routePattern('/tasks/:id'), '/tasks/:id');
    assert.equal(routePattern(/^\/x\/(\d+)$/i), '/^\\/x\\/(\\d+)$/i');
    assert.equal(routePattern(['/a', ['/b', /c/]]), '/a,/b,/c/');
    assert.equal(routePattern(undefined), undefined);
    assert.equal(routePattern(42), undefined);
  });

  test('joinRoutePath joins mount prefixes and patterns', () => {
    assert.equal(joinRoutePath('', '/tasks/:id'), '/tasks/:id');
    assert.equal(joinRoutePath('/api', '/tasks/:id'), '/api/tasks/:id');
    assert.equal(joinRoutePath('/api/', '/tasks'), '/api/tasks');
    assert.equal(joinRoutePath('/api', '/'), '/api');
    assert.equal(joinRoutePath('/api', ''), '/api');
    assert.equal(joinRoutePath('', '/'), '/');
    assert.equal(joinRoutePath('', ''), '/');
    assert.equal(joinRoutePath('/api', 'x'), '/api/x');
  });

  test('httpErrorStatus reads status or statusCode in the HTTP range only', () => {
    assert.equal(httpErrorStatus(Object.assign(new Error('x'), { status: 404 })), 404);
    assert.equal(httpErrorStatus(Object.assign(new Error('x'), { statusCode: 502 })), 502);
    assert.equal(httpErrorStatus(Object.assign(new Error('x'), { status: 'bad' })), undefined);
    assert.equal(httpErrorStatus(Object.assign(new Error('x'), { status: 1000 })), undefined);
    assert.equal(httpErrorStatus(new Error('x')), undefined);
    assert.equal(httpErrorStatus('boom'), undefined);
    assert.equal(httpErrorStatus(null), undefined);
  });

  test('recordHandlerError fails the span for plain and 5xx errors, not for 4xx HTTP errors', () => {
    const h = setup();
    const plain = tracer().startSpan('plain');
    recordHandlerError(plain, new TypeError('nope'));
    plain.end();
    const server = tracer().startSpan('server');
    recordHandlerError(server, Object.assign(new Error('down'), { status: 503 }));
    server.end();
    const client = tracer().startSpan('client');
    recordHandlerError(client, Object.assign(new Error('not found'), { status: 404 }));
    client.end();
    const thrown = tracer().startSpan('thrown');
    recordHandlerError(thrown, 'a string');
    thrown.end();
    const [p, s, c, t] = h.exporter.getFinishedSpans();
    assert.equal(p?.status.code, SpanStatusCode.ERROR);
    assert.equal(p?.attributes['error.type'], 'TypeError');
    assert.equal(p?.events[0]?.name, 'exception');
    assert.equal(s?.status.code, SpanStatusCode.ERROR);
    assert.equal(c?.status.code, SpanStatusCode.UNSET, '4xx is an answer, not a failure');
    assert.equal(c?.attributes['error.type'], undefined);
    assert.equal(c?.events[0]?.name, 'exception', 'but what was thrown is still visible');
    assert.equal(t?.status.code, SpanStatusCode.ERROR);
    assert.equal(t?.events[0]?.attributes?.['exception.message'], 'a string');
  });
});

describe('SeenErrors and moduleExports', () => {
  test('SeenErrors reports each error object or value once', () => {
    const seen = new SeenErrors();
    const error = new Error('x');
    assert.equal(seen.first(error), true);
    assert.equal(seen.first(error), false);
    assert.equal(seen.first(new Error('x')), true, 'another object');
    assert.equal(seen.first('boom'), true);
    assert.equal(seen.first('boom'), false);
    assert.equal(seen.first(undefined), true);
  });

  test('moduleExports unwraps an ES module namespace only', () => {
    const fn = () => {};
    const ns = Object.defineProperty({ default: fn }, Symbol.toStringTag, { value: 'Module' });
    assert.equal(moduleExports(ns), fn);
    const plain = { default: fn };
    assert.equal(moduleExports(plain), plain, 'a CommonJS export with a default property stays');
    assert.equal(moduleExports(fn), fn);
    assert.equal(moduleExports(undefined), undefined);
  });
});
