import assert from 'node:assert/strict';
import * as diagnosticsChannel from 'node:diagnostics_channel';
import { after, afterEach, before, describe, test } from 'node:test';
import { context, trace } from '@opentelemetry/api';
import { RPCType, setRPCMetadata } from '@opentelemetry/core';
import { FastifyInstrumentation, isSupportedFastify } from '@rl-otel/instrumentation-fastify';
import { HttpInstrumentation } from '@rl-otel/instrumentation-http';
import { setupTracing, type TracingHarness } from '@rl-otel/test-utils/tracing';
import Fastify, { type FastifyInstance } from 'fastify';

let harness: TracingHarness;
let http: HttpInstrumentation;
const cleanups: Array<() => unknown> = [];

before(() => {
  harness = setupTracing();
  http = new HttpInstrumentation();
});
after(() => http.disable());
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  harness.reset();
});

function instrument(config: ConstructorParameters<typeof FastifyInstrumentation>[0] = {}) {
  const instrumentation = new FastifyInstrumentation(config);
  cleanups.push(() => instrumentation.disable());
  return instrumentation;
}

async function listen(app: FastifyInstance): Promise<string> {
  cleanups.push(() => app.close());
  return app.listen({ port: 0, host: '127.0.0.1' });
}

function app(): FastifyInstance {
  const fastify = Fastify();
  fastify.register(
    async (api) => {
      api.get('/items/:id', async (request) => request.params);
    },
    { prefix: '/api' },
  );
  return fastify;
}

describe('FastifyInstrumentation in one process', () => {
  test('a requestHook that throws is reported once; requests and their routes go on', async () => {
    instrument({
      requestHook: () => {
        throw new Error('hook bug');
      },
    });
    const base = await listen(app());
    await harness.brokenHook('requestHook', 'GET /api/items/:id', (i) =>
      harness.action(`${base}/api/items/${i}`),
    );
  });

  test('requestHook gets the server span and the Fastify request, matched or not', async () => {
    instrument({
      requestHook: (span, request) => span.setAttribute('test.template', request.routeOptions?.url ?? 'none'),
    });
    const base = await listen(app());
    assert.equal((await harness.action(`${base}/api/items/5`)).status, 200);
    assert.equal((await harness.action(`${base}/elsewhere`)).status, 404);
    const spans = await harness.serverSpans(2);
    assert.deepEqual(
      spans.map((s) => s.attributes['test.template']),
      ['/api/items/:id', 'none'],
    );
  });

  test('disable() unhooks: no routes from hooked or new instances until enabled again', async () => {
    const instrumentation = instrument();
    const before = await listen(app());
    instrumentation.disable();
    const during = await listen(app());
    const unmatched = { status: 200, action: 'GET (unmatched)' };
    assert.deepEqual(await harness.action(`${before}/api/items/1`), unmatched);
    assert.deepEqual(await harness.action(`${during}/api/items/1`), unmatched);
    instrumentation.enable();
    assert.deepEqual(await harness.action(`${before}/api/items/1`), {
      status: 200,
      action: 'GET /api/items/:id',
    });
  });

  test('requests without a server span (fastify.inject) are left alone', async () => {
    instrument();
    const fastify = app();
    cleanups.push(() => fastify.close());
    const res = await fastify.inject({ method: 'GET', url: '/api/items/3' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(harness.exporter.getFinishedSpans(), []);
    assert.deepEqual(harness.warnings, []);
  });

  test('a failure of its own in a hook is reported once and never reaches Fastify', () => {
    instrument();
    const hooks = new Map<string, (...args: unknown[]) => void>();
    const channel = diagnosticsChannel.channel('fastify.initialization');
    channel.publish({
      fastify: { version: '5.0.0', addHook: (name: string, hook: never) => hooks.set(name, hook) },
    });
    const hostile = {
      get routeOptions(): never {
        throw new Error('no route here');
      },
    };
    const span = trace.getTracer('test').startSpan('server');
    const ctx = setRPCMetadata(context.active(), { type: RPCType.HTTP, span });
    const results: unknown[] = [];
    context.with(ctx, () => {
      hooks.get('onRequest')?.(hostile, {}, (error?: unknown) => results.push(error));
      hooks.get('onRequest')?.(hostile, {}, (error?: unknown) => results.push(error));
    });
    span.end();
    assert.deepEqual(results, [undefined, undefined], 'Fastify goes on, with no error');
    assert.equal(harness.warnings.length, 1, harness.warnings.join('\n'));
    assert.match(harness.warnings[0] ?? '', /failed on a request and skipped it: no route here/);
  });

  test('a Fastify older than 4.10 is told once and not hooked', () => {
    instrument();
    const old = {
      version: '4.9.2',
      addHook() {
        assert.fail('must not be hooked');
      },
    };
    const channel = diagnosticsChannel.channel('fastify.initialization');
    channel.publish({ fastify: old });
    channel.publish({ fastify: old });
    assert.equal(harness.warnings.length, 1);
    assert.match(harness.warnings[0] ?? '', /Fastify 4\.9\.2 is older than 4\.10\.0/);
  });
});

test('isSupportedFastify', () => {
  assert.equal(isSupportedFastify('4.9.2'), false);
  assert.equal(isSupportedFastify('3.29.0'), false);
  assert.equal(isSupportedFastify('4.10.0'), true);
  assert.equal(isSupportedFastify('4.29.1'), true);
  assert.equal(isSupportedFastify('5.0.0-alpha.1'), true);
  assert.equal(isSupportedFastify(undefined), true);
  assert.equal(isSupportedFastify('not a version'), true);
});
