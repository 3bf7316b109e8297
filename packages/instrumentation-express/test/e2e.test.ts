import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkNotActions, frameworkSuite, requestTrace } from '@rl-otel/test-utils';

const suite = frameworkSuite({
  framework: 'express',
  from: import.meta.url,
  variants: [
    { dir: 'express4', packages: { express: 'express4' } },
    { dir: 'express5', packages: { express: 'express5' } },
    // Express 5 with a router from before its tracing channel (2.2): the patched path.
    { dir: 'express5-router22', packages: { express: 'express5', router: 'router22' } },
  ],
});

describe('Express specifics', () => {
  test('express loaded before @rl-otel/auto: one clear warning, the app still serves', async () => {
    const runs = [
      { app: 'app.cjs', nodeArgs: ['--require', './preload-express.cjs', '--import', '@rl-otel/auto'] },
      { app: 'early.mjs', nodeArgs: [] },
    ];
    for (const { app, nodeArgs } of runs) {
      // Never a wrong name: without its router entries seen, a request stays unmatched.
      const { warnings } = await suite.cases('express5', app, { nodeArgs }, [
        { method: 'GET', path: '/api/tasks/42', status: 200, route: null },
        { method: 'GET', path: '/nope/1', status: 404, route: null },
      ]);
      assert.equal(warnings.length, 1, `${app}: ${warnings.join('\n')}`);
      assert.match(warnings[0] ?? '', /express was loaded before @rl-otel\/auto/);
    }
  });

  for (const dir of ['express4', 'express5']) {
    for (const app of ['app.cjs', 'app.mjs']) {
      test(`${dir}/${app}, hand-built SDK with middlewareSpans: a span per middleware, router and handler`, async () => {
        const { spans } = await suite.scenario(dir, app, { sdk: true, env: { MIDDLEWARE_SPANS: '1' } });
        const { server, others } = requestTrace(spans, '/api/tasks/42');
        const names = others.map((s) => s.name);
        for (const name of ['request handler - /api/tasks/:id', 'router - /api', 'router - /api/tasks'])
          assert.ok(names.includes(name), names.join(', '));
        for (const span of others)
          assert.equal(span.parentSpanId, server.spanId, `${span.name}: a child of the server span`);
        checkNotActions(server, others);
        const handler = others.find((s) => s.name === 'request handler - /api/tasks/:id');
        assert.equal(handler?.attributes['http.route'], '/api/tasks/:id');
        assert.equal(handler?.attributes['express.type'], 'request_handler');
        const handlerOf = (path: string) =>
          requestTrace(spans, path).others.find((s) => s.name.startsWith('request handler'));
        assert.equal(handlerOf('/boom/1')?.status.code, 2, 'the failing handler span is failed too');
        assert.equal(handlerOf('/boom/1')?.attributes['error.type'], 'TypeError');
        assert.equal(handlerOf('/teapot')?.status.code, 0, 'an HTTP client error fails no span');
      });
    }
  }
});
