import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Span, SpanStatusCode } from '@opentelemetry/api';
import {
  joinRoutePath,
  moduleExports,
  recordHandlerError,
  routePattern,
  SeenErrors,
} from '@rl-otel/core/instrumentation';
import { ATTR_RL_ACTION_KIND, RL_ACTION_KIND_VALUE_HTTP } from '@rl-otel/semantic-conventions';
import { setupTracing, tracer } from '@rl-otel/test-utils/tracing';

const ACTION = { [ATTR_RL_ACTION_KIND]: RL_ACTION_KIND_VALUE_HTTP };

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

  test('recordHandlerError: any error that is not an HTTP client error fails the span', () => {
    const h = setupTracing();
    const record = (name: string, error: unknown) => {
      const span = tracer().startSpan(name, { attributes: ACTION });
      recordHandlerError(span, error);
      span.end();
    };
    record('plain', new TypeError('nope'));
    record('server', Object.assign(new Error('down'), { status: 503 }));
    record('coded', Object.assign(new Error('refused'), { code: 'ECONNREFUSED', statusCode: 502 }));
    record('not a status', Object.assign(new RangeError('x'), { status: 'bad', statusCode: 1000 }));
    record('not an error status', Object.assign(new Error('moved'), { status: 302 }));
    record('thrown', 'a string');
    const spans = new Map(h.exporter.getFinishedSpans().map((s) => [s.name, s]));
    const expected: Array<[string, string, string]> = [
      ['plain', 'TypeError', 'nope'],
      ['server', 'Error', 'down'],
      ['coded', 'ECONNREFUSED', 'refused'],
      ['not a status', 'RangeError', 'x'],
      ['not an error status', 'Error', 'moved'],
      ['thrown', 'Error', 'a string'],
    ];
    for (const [name, type, message] of expected) {
      const span = spans.get(name);
      assert.equal(span?.status.code, SpanStatusCode.ERROR, name);
      assert.equal(span?.status.message, message, name);
      assert.equal(span?.attributes['error.type'], type, name);
      assert.equal(span?.events.length, 1, name);
      assert.equal(span?.events[0]?.name, 'exception', name);
      assert.equal(span?.events[0]?.attributes?.['exception.message'], message, name);
    }
    assert.deepEqual(
      h.sink.triplets.map((t) => t.reward.components.success),
      expected.map(() => 0),
      'the reward counts them as failures',
    );
  });

  test('recordHandlerError: an HTTP client error (4xx status or statusCode) is only an exception event', () => {
    const h = setupTracing();
    class HTTPException extends Error {
      readonly status: number;
      constructor(status: number) {
        super('unauthorized');
        this.status = status;
      }
    }
    const errors: Array<[string, unknown]> = [
      ['createError(404)', Object.assign(new Error('not found'), { status: 404, statusCode: 404 })],
      [
        'validation',
        Object.assign(new Error('body must be object'), { statusCode: 400, code: 'FST_ERR_VALIDATION' }),
      ],
      ['HTTPException', new HTTPException(401)],
      ['teapot', Object.assign(new Error('short and stout'), { status: 418 })],
    ];
    for (const [name, error] of errors) {
      const span = tracer().startSpan(name, { attributes: ACTION });
      recordHandlerError(span, error);
      span.end();
    }
    const spans = h.exporter.getFinishedSpans();
    assert.equal(spans.length, errors.length);
    for (const span of spans) {
      assert.equal(span.status.code, SpanStatusCode.UNSET, `${span.name}: a 4xx is an answer, not a failure`);
      assert.equal(span.attributes['error.type'], undefined, span.name);
      assert.equal(span.events.length, 1, span.name);
      assert.equal(span.events[0]?.name, 'exception', `${span.name}: what was thrown is still visible`);
    }
    assert.deepEqual(
      h.sink.triplets.map((t) => t.reward.components.success),
      [1, 1, 1, 1],
      'the reward counts them as successes',
    );
  });

  test('recordHandlerError never throws, whatever the span does', () => {
    const broken = {
      recordException() {
        throw new Error('no');
      },
      setAttribute() {
        throw new Error('no');
      },
      setStatus() {
        throw new Error('no');
      },
    } as unknown as Span;
    assert.doesNotThrow(() => recordHandlerError(broken, new Error('x')));
    assert.doesNotThrow(() => recordHandlerError(broken, Object.assign(new Error('x'), { status: 404 })));
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
