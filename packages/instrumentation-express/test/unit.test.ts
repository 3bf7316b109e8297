import assert from 'node:assert/strict';
import * as diagnosticsChannel from 'node:diagnostics_channel';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isWrapped } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@rl-otel/instrumentation-express';
import { HttpInstrumentation } from '@rl-otel/instrumentation-http';
import { installPackages } from '@rl-otel/test-utils';
import { setupTracing, type TracingHarness, throwingRouteHook } from '@rl-otel/test-utils/tracing';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

type Express = ((...a: unknown[]) => {
  get(path: string, ...h: unknown[]): void;
  listen(port: number, host: string, cb: () => void): Server;
}) & { Router: { handle?: unknown; prototype?: { handle?: unknown } } };

let harness: TracingHarness;
let instrumentation: ExpressInstrumentation;
let http: HttpInstrumentation;

before(() => {
  installPackages(join(fixtures, 'express4'), { express: 'express4' }, import.meta.url);
  installPackages(join(fixtures, 'express5'), { express: 'express5' }, import.meta.url);
  harness = setupTracing();
  http = new HttpInstrumentation();
  instrumentation = new ExpressInstrumentation({ requestHook: throwingRouteHook });
});
after(() => {
  instrumentation.disable();
  http.disable();
});

function loadExpress(dir: string): Express {
  return createRequire(join(fixtures, dir, 'app.cjs'))('express') as Express;
}

/** Serves `GET /tasks/:id` with a new app of `express` for one request; returns its status and action name. */
async function serveOnce(express: Express, path: string): Promise<{ status: number; action: unknown }> {
  const app = express();
  app.get('/tasks/:id', (_req: unknown, res: { send(b: string): void }) => res.send('task'));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  try {
    return await harness.action(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
  } finally {
    server.close();
  }
}

const routerChannel = diagnosticsChannel.tracingChannel('express.router.request');

describe('ExpressInstrumentation in-process', () => {
  for (const dir of ['express4', 'express5']) {
    test(`${dir}: a requestHook that throws is reported once; the route and the response are unaffected`, async () => {
      const express = loadExpress(dir);
      const spans = await harness.brokenHook('requestHook', 'GET /tasks/:id', (i) =>
        serveOnce(express, `/tasks/${i}`),
      );
      const seen = spans.map((s) => s.attributes['app.route.seen']);
      assert.deepEqual(seen, ['/tasks/:id', '/tasks/:id'], 'the hook ran for each request, told the route');
    });
  }

  test('disable() unhooks Express 4 and 5; enable() hooks them again', async () => {
    const express4 = loadExpress('express4');
    const express5 = loadExpress('express5');
    const router5 = express5.Router.prototype as { handle: unknown };
    assert.ok(isWrapped(express4.Router.handle));
    assert.ok(isWrapped(router5.handle));
    assert.ok(routerChannel.start.hasSubscribers);

    instrumentation.disable();
    assert.ok(!isWrapped(express4.Router.handle), 'Express 4 router restored');
    assert.ok(!isWrapped(router5.handle), 'router 2 restored');
    assert.ok(!routerChannel.start.hasSubscribers, 'tracing channel unsubscribed');
    assert.deepEqual(await serveOnce(express4, '/tasks/3'), { status: 200, action: 'GET (unmatched)' });
    assert.deepEqual(await serveOnce(express5, '/tasks/4'), { status: 200, action: 'GET (unmatched)' });

    instrumentation.enable();
    assert.ok(isWrapped(express4.Router.handle));
    assert.deepEqual(await serveOnce(express4, '/tasks/5'), { status: 200, action: 'GET /tasks/:id' });
    assert.deepEqual(await serveOnce(express5, '/tasks/6'), { status: 200, action: 'GET /tasks/:id' });
  });
});
