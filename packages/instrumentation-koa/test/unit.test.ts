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
import { setupTracing, type TracingHarness } from '@rl-otel/test-utils/tracing';

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
let hookCalls = 0;
let instrumentation: KoaInstrumentation;
let http: HttpInstrumentation;

before(() => {
  installPackages(join(fixtures, 'koa2'), { koa: 'koa2', '@koa/router': 'koa-router12' }, import.meta.url);
  installPackages(join(fixtures, 'koa3'), { koa: 'koa3', '@koa/router': 'koa-router15' }, import.meta.url);
  harness = setupTracing();
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
});

function load(dir: string): { Koa: KoaClass; Router: RouterClass } {
  const requireHere = createRequire(join(fixtures, dir, 'app.cjs'));
  return { Koa: requireHere('koa') as KoaClass, Router: requireHere('@koa/router') as RouterClass };
}

/** Serves `GET /tasks/:id` with a new app of `dir`'s Koa for one request; returns the request's action name. */
async function serveOnce(dir: string, path: string): Promise<unknown> {
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
    const { status, action } = await harness.action(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    );
    assert.equal(status, 200);
    return action;
  } finally {
    server.close();
  }
}

describe('KoaInstrumentation in-process', () => {
  for (const dir of ['koa2', 'koa3']) {
    test(`${dir}: a requestHook that throws is reported once; the route and the response are unaffected`, async () => {
      harness.reset();
      const before = hookCalls;
      assert.equal(await serveOnce(dir, '/tasks/1'), 'GET /tasks/:id');
      assert.equal(await serveOnce(dir, '/tasks/2'), 'GET /tasks/:id');
      assert.equal(hookCalls - before, 2, 'the hook ran for each request');
      const span = harness.exporter
        .getFinishedSpans()
        .findLast((s) => s.attributes['url.path'] === '/tasks/2');
      assert.equal(span?.attributes['app.route.seen'], '/tasks/:id');
      assert.equal(span?.attributes['http.response.status_code'], 200);
      assert.equal(
        harness.warnings.filter((w) => /requestHook/.test(w)).length,
        1,
        harness.warnings.join('\n'),
      );
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
