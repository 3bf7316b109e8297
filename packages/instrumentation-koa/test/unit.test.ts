import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { isWrapped } from '@opentelemetry/instrumentation';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { InMemoryTripletSink, RLSpanProcessor, setWarningHandler } from '@rl-otel/core';
import { HttpInstrumentation } from '@rl-otel/instrumentation-http';
import { KoaInstrumentation, mountPrefix } from '@rl-otel/instrumentation-koa';
import { installPackages } from '@rl-otel/test-utils';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

interface KoaApp {
  use(fn: unknown): KoaApp;
  callback(): (req: unknown, res: unknown) => void;
}
type KoaClass = (new () => KoaApp) & { prototype: { use: unknown } };
type RouterClass = (new () => { get(path: string, fn: unknown): void; routes(): unknown }) & {
  prototype: { match: unknown; routes: unknown };
};

const exporter = new InMemorySpanExporter();
const warnings: string[] = [];
let hookCalls = 0;
let instrumentation: KoaInstrumentation;
let http: HttpInstrumentation;

before(() => {
  installPackages(join(fixtures, 'koa2'), { koa: 'koa2', '@koa/router': 'koa-router12' }, import.meta.url);
  installPackages(join(fixtures, 'koa3'), { koa: 'koa3', '@koa/router': 'koa-router15' }, import.meta.url);
  const provider = new TracerProvider({
    spanProcessors: [
      new RLSpanProcessor({ sink: new InMemoryTripletSink() }),
      new SimpleSpanProcessor({ exporter }),
    ],
  });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  setWarningHandler((message) => warnings.push(message));
  http = new HttpInstrumentation();
  instrumentation = new KoaInstrumentation({
    requestHook: (span, info) => {
      hookCalls++;
      span.setAttribute('app.route.seen', info.route);
      throw new Error('a broken hook');
    },
  });
});
after(() => {
  instrumentation.disable();
  http.disable();
  setWarningHandler(undefined);
});

function load(dir: string): { Koa: KoaClass; Router: RouterClass } {
  const requireHere = createRequire(join(fixtures, dir, 'app.cjs'));
  return { Koa: requireHere('koa') as KoaClass, Router: requireHere('@koa/router') as RouterClass };
}

async function serveOnce(dir: string, path: string): Promise<string | undefined> {
  const { Koa, Router } = load(dir);
  const app = new Koa();
  const router = new Router();
  router.get('/tasks/:id', (ctx: { body: string }) => {
    ctx.body = 'task';
  });
  app.use(router.routes());
  const { createServer } = await import('node:http');
  const server: Server = createServer(app.callback() as never);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
    await res.text();
  } finally {
    server.close();
  }
  const span = exporter.getFinishedSpans().findLast((s) => s.attributes['url.path'] === path);
  return span?.attributes['rl.action.name'] as string | undefined;
}

describe('KoaInstrumentation in-process', () => {
  for (const dir of ['koa2', 'koa3']) {
    test(`${dir}: a requestHook that throws is reported once; the route and the response are unaffected`, async () => {
      const before = hookCalls;
      assert.equal(await serveOnce(dir, '/tasks/1'), 'GET /tasks/:id');
      assert.equal(await serveOnce(dir, '/tasks/2'), 'GET /tasks/:id');
      assert.equal(hookCalls - before, 2, 'the hook ran for each request');
      const span = exporter.getFinishedSpans().findLast((s) => s.attributes['url.path'] === '/tasks/2');
      assert.equal(span?.attributes['app.route.seen'], '/tasks/:id');
      assert.equal(span?.attributes['http.response.status_code'], 200);
      assert.equal(warnings.filter((w) => /requestHook/.test(w)).length, 1, warnings.join('\n'));
    });
  }

  test('disable() unhooks Koa and @koa/router; enable() hooks them again', async () => {
    const { Koa, Router } = load('koa3');
    assert.ok(isWrapped(Koa.prototype.use));
    assert.ok(isWrapped(Router.prototype.match));
    instrumentation.disable();
    assert.ok(!isWrapped(Koa.prototype.use));
    assert.ok(!isWrapped(Router.prototype.match));
    assert.ok(!isWrapped(Router.prototype.routes));
    assert.equal(await serveOnce('koa3', '/tasks/3'), 'GET (unmatched)');
    instrumentation.enable();
    assert.ok(isWrapped(Koa.prototype.use));
    assert.equal(await serveOnce('koa3', '/tasks/4'), 'GET /tasks/:id');
  });
});

describe('mountPrefix', () => {
  test('reads the literal prefix koa-mount took off the path', () => {
    assert.equal(mountPrefix({ mountPath: '/v1', originalUrl: '/v1/tasks/7?x=1', path: '/tasks/7' }), '/v1');
    assert.equal(mountPrefix({ mountPath: '/v1', originalUrl: '/v1', path: '/' }), '/v1');
    assert.equal(mountPrefix({ mountPath: '/v1', originalUrl: '/v1/', path: '/' }), '/v1');
    assert.equal(
      mountPrefix({ mountPath: '/admin', originalUrl: '/v1/admin/stats', path: '/stats' }),
      '/v1/admin',
      'mounts in mounts',
    );
  });

  test('trusts nothing that koa-mount did not set', () => {
    assert.equal(mountPrefix({ originalUrl: '/x/tasks', path: '/tasks' }), '', 'no mountPath');
    assert.equal(mountPrefix({ mountPath: '/', originalUrl: '/tasks', path: '/tasks' }), '');
    assert.equal(
      mountPrefix({ mountPath: '/v1', originalUrl: '/en/tasks', path: '/tasks' }),
      '',
      'a rewrite that is not the mount',
    );
    assert.equal(mountPrefix({ mountPath: '/v1', originalUrl: '/old/7', path: '/new/7' }), '');
  });
});
