import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkNotActions, frameworkSuite, requestTrace } from '@rl-otel/test-utils';

const suite = frameworkSuite({
  framework: 'koa',
  from: import.meta.url,
  variants: [
    { dir: 'koa2', packages: { koa: 'koa2', '@koa/router': 'koa-router12' } },
    { dir: 'koa3', packages: { koa: 'koa3', '@koa/router': 'koa-router15' } },
    { dir: 'koa2-router15', packages: { koa: 'koa2', '@koa/router': 'koa-router15' } },
  ],
});

describe('Koa specifics', () => {
  test('koa loaded before @rl-otel/auto: one clear warning, the app still serves', async () => {
    const runs = [
      // require('koa') again after the hooks exist still patches it, so routes are named.
      {
        app: 'app.cjs',
        nodeArgs: ['--require', './preload-koa.cjs', '--import', '@rl-otel/auto'],
        route: '/api/tasks/:id',
      },
      // An ES module namespace imported before the hooks is never seen: the request stays unmatched.
      { app: 'early.mjs', nodeArgs: [], route: null },
    ];
    for (const { app, nodeArgs, route } of runs) {
      const { warnings } = await suite.cases('koa3', app, { nodeArgs }, [
        { method: 'GET', path: '/api/tasks/42', status: 200, route },
        { method: 'GET', path: '/nope/1', status: 404, route: null },
      ]);
      assert.equal(warnings.length, 1, `${app}: ${warnings.join('\n')}`);
      assert.match(
        warnings[0] ?? '',
        /^\[rl-otel\] koa(, @koa\/router were| was) loaded before @rl-otel\/auto/,
      );
    }
  });

  for (const dir of ['koa2', 'koa3']) {
    for (const app of ['app.cjs', 'app.mjs']) {
      test(`${dir}/${app}, hand-built SDK with middlewareSpans: a span per middleware, nested as Koa runs them`, async () => {
        const { spans } = await suite.scenario(dir, app, { sdk: true, env: { MIDDLEWARE_SPANS: '1' } });
        const { server, others } = requestTrace(spans, '/api/tasks/42');
        // Koa's onion: the error-handling middleware, then the /api router that answered.
        const outer = others.find((s) => s.parentSpanId === server.spanId);
        assert.equal(outer?.name, 'middleware - <anonymous>');
        assert.equal(outer?.attributes['koa.type'], 'middleware');
        const router = others.find((s) => s.parentSpanId === outer?.spanId);
        assert.equal(router?.name, 'router - /api/tasks/:id');
        assert.equal(router?.attributes['koa.type'], 'router');
        assert.equal(router?.attributes['http.route'], '/api/tasks/:id');
        checkNotActions(server, others);
        const routerOf = (path: string, name: string) =>
          requestTrace(spans, path).others.find((s) => s.name === name);
        const failed = routerOf('/boom/1', 'router - /boom/:id');
        assert.equal(failed?.status.code, 2, 'the router span the error went through is failed too');
        assert.equal(failed?.attributes['error.type'], 'TypeError');
        assert.equal(
          routerOf('/teapot', 'router - /teapot')?.status.code,
          0,
          'an HTTP client error fails no span',
        );
      });
    }
  }
});
