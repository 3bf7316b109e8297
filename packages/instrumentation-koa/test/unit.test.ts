import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isWrapped } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@rl-otel/instrumentation-http';
import { KoaInstrumentation, mountPrefix } from '@rl-otel/instrumentation-koa';
import { installPackages } from '@rl-otel/test-utils';
import { setupTracing, type TracingHarness, throwingRouteHook } from '@rl-otel/test-utils/tracing';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

interface KoaApp {
  use(fn: unknown): KoaApp;
  callback(): (req: unknown, res: unknown) => void;
}
type KoaClass = (new () => KoaApp) & { prototype: { use: unknown } };
type RouterClass = (new () => { get(path: string, fn: unknown): void; routes(): unknown }) & {
  prototype: { match: unknown; routes: unknown };
};

let harness: TracingHarness;
let instrumentation: KoaInstrumentation;
let http: HttpInstrumentation;

before(() => {
  installPackages(join(fixtures, 'koa2'), { koa: 'koa2', '@koa/router': 'koa-router12' }, import.meta.url);
  installPackages(join(fixtures, 'koa3'), { koa: 'koa3', '@koa/router': 'koa-router15' }, import.meta.url);
  harness = setupTracing();
  http = new HttpInstrumentation();
  instrumentation = new KoaInstrumentation({ requestHook: throwingRouteHook });
});
after(() => {
  instrumentation.disable();
  http.disable();
});

function load(dir: string): { Koa: KoaClass; Router: RouterClass } {
  const requireHere = createRequire(join(fixtures, dir, 'app.cjs'));
  return { Koa: requireHere('koa') as KoaClass, Router: requireHere('@koa/router') as RouterClass };
}

/** Serves `GET /tasks/:id` with a new app of `dir`'s Koa for one request; returns its status and action name. */
async function serveOnce(dir: string, path: string): Promise<{ status: number; action: unknown }> {
  const { Koa, Router } = load(dir);
  const app = new Koa();
  const router = new Router();
  router.get('/tasks/:id', (ctx: { body: string }) => {
    ctx.body = 'task';
  });
  app.use(router.routes());
  const server: Server = createServer(app.callback() as never);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await harness.action(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
  } finally {
    server.close();
  }
}

describe('KoaInstrumentation in-process', () => {
  for (const dir of ['koa2', 'koa3']) {
    test(`${dir}: a requestHook that throws is reported once; the route and the response are unaffected`, async () => {
      const spans = await harness.brokenHook('requestHook', 'GET /tasks/:id', (i) =>
        serveOnce(dir, `/tasks/${i}`),
      );
      const seen = spans.map((s) => s.attributes['app.route.seen']);
      assert.deepEqual(seen, ['/tasks/:id', '/tasks/:id'], 'the hook ran for each request, told the route');
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
    assert.deepEqual(await serveOnce('koa3', '/tasks/3'), { status: 200, action: 'GET (unmatched)' });
    instrumentation.enable();
    assert.ok(isWrapped(Koa.prototype.use));
    assert.deepEqual(await serveOnce('koa3', '/tasks/4'), { status: 200, action: 'GET /tasks/:id' });
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
