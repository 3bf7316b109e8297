import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import { types } from 'node:util';
import { HonoInstrumentation } from '@rl-otel/instrumentation-hono';
import { HttpInstrumentation } from '@rl-otel/instrumentation-http';
import { setupTracing, type TracingHarness } from '@rl-otel/test-utils/tracing';
import type { Hono as HonoType } from 'hono';

// Loaded through require after the instrumentation exists, so that its require hook patches Hono.
const requireHere = createRequire(import.meta.url);
type HonoModule = { Hono: typeof HonoType };
type NodeServer = typeof import('@hono/node-server');

let harness: TracingHarness;
let http: HttpInstrumentation;
let hono: HonoInstrumentation;
const cleanups: Array<() => unknown> = [];

before(() => {
  harness = setupTracing();
  http = new HttpInstrumentation();
  hono = new HonoInstrumentation();
});
after(() => {
  hono.disable();
  http.disable();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  hono.setConfig({});
  if (!hono.isEnabled()) hono.enable();
  harness.reset();
});

const Hono = () => (requireHere('hono') as HonoModule).Hono;

async function listen(app: HonoType): Promise<string> {
  const { serve } = requireHere('@hono/node-server') as NodeServer;
  const server = await new Promise<ReturnType<NodeServer['serve']>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  cleanups.push(() => new Promise((r) => server.close(r)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function itemsApp(): HonoType {
  const app = new (Hono())();
  app.get('/items/:id', (c) => c.json({ id: c.req.param('id') }));
  return app;
}

const actionsOf = async (...urls: string[]) => {
  const actions: unknown[] = [];
  for (const url of urls) actions.push((await harness.action(url)).action);
  return actions;
};

describe('HonoInstrumentation in one process', () => {
  test('a requestHook that throws is reported once; requests and their routes go on', async () => {
    hono.setConfig({
      requestHook: () => {
        throw new Error('hook bug');
      },
    });
    const base = await listen(itemsApp());
    await harness.brokenHook('requestHook', 'GET /items/:id', (i) => harness.action(`${base}/items/${i}`));
  });

  test('requestHook runs once per request, with the server span and the Context', async () => {
    let calls = 0;
    hono.setConfig({
      requestHook: (span, c) => {
        calls++;
        span.setAttribute('test.has_context', typeof (c as { req?: unknown }).req === 'object');
      },
    });
    const app = itemsApp();
    app.use('*', async (_c, next) => next());
    const base = await listen(app);
    assert.equal((await harness.action(`${base}/items/1`)).status, 200);
    const [span] = await harness.serverSpans(1);
    assert.equal(calls, 1);
    assert.equal(span?.attributes['test.has_context'], true);
  });

  test('disable() unhooks: the Hono export is restored and hooked apps stop naming routes', async () => {
    assert.equal(types.isProxy(Hono()), true, 'hooked while enabled');
    const hooked = await listen(itemsApp());
    hono.disable();
    assert.equal(types.isProxy(Hono()), false, 'the original class again');
    const plain = await listen(itemsApp());
    assert.deepEqual(await actionsOf(`${hooked}/items/1`, `${plain}/items/1`), [
      'GET (unmatched)',
      'GET (unmatched)',
    ]);
    hono.enable();
    assert.equal(types.isProxy(Hono()), true);
    assert.deepEqual(await actionsOf(`${hooked}/items/1`, `${plain}/items/1`), [
      'GET /items/:id',
      'GET (unmatched)',
    ]);
  });

  test("the app's errors reach its error handler unchanged; a thrown non-Error still answers 500", async () => {
    const app = new (Hono())();
    const thrown = new RangeError('out of range');
    let seen: unknown;
    app.get('/range', () => {
      throw thrown;
    });
    app.get('/string', () => {
      throw 'plain string';
    });
    app.onError((error, c) => {
      seen = error;
      return c.text('handled', 500);
    });
    const base = await listen(app);
    assert.deepEqual(await harness.action(`${base}/range`), { status: 500, action: 'GET /range' });
    assert.equal(seen, thrown, 'the very same error object');
    assert.deepEqual(await harness.action(`${base}/string`), { status: 500, action: 'GET /string' });
    const spans = await harness.serverSpans(2);
    const exceptions = spans.map((s) => s.events.filter((e) => e.name === 'exception').length);
    assert.deepEqual(exceptions, [1, 1]);
    assert.equal(spans[1]?.events[0]?.attributes?.['exception.message'], 'plain string');
    // Both are failures: their type, not the status code, is the error.type.
    assert.deepEqual(
      spans.map((s) => [s.status.code, s.attributes['error.type']]),
      [
        [2, 'RangeError'],
        [2, 'Error'],
      ],
    );
  });

  test('app.mount() (the deprecated method) and basePath() prefixes', async () => {
    const legacy = new (Hono())();
    legacy.get('/users/:id', (c) => c.text('legacy'));
    const app = new (Hono())().basePath('/v2');
    app.get('/things/:thing', (c) => c.text('thing'));
    app.mount('/old', legacy.fetch);
    const base = await listen(app);
    assert.deepEqual(await harness.action(`${base}/v2/things/1`), {
      status: 200,
      action: 'GET /v2/things/:thing',
    });
    assert.deepEqual(await harness.action(`${base}/v2/old/users/1`), {
      status: 200,
      action: 'GET /v2/old/users/:id',
    });
    assert.deepEqual(await harness.action(`${base}/v2/old/nothing`), {
      status: 404,
      action: 'GET /v2/old/*',
    });
  });

  test('requests without a server span (app.request()) are left alone', async () => {
    const res = await itemsApp().request('/items/3');
    assert.equal(res.status, 200);
    assert.deepEqual(harness.exporter.getFinishedSpans(), []);
    assert.deepEqual(harness.warnings, []);
  });
});
