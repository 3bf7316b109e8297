import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  checkCases,
  frameworkSuite,
  type OtlpSpan,
  requestCases,
  type ScenarioCase,
} from '@rl-otel/test-utils';

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

const serverSpans = (spans: OtlpSpan[]) => spans.filter((s) => s.kind === 2);

describe('Express specifics', () => {
  test('express loaded before @rl-otel/auto: one clear warning, the app still serves', async () => {
    const cases: ScenarioCase[] = [
      { method: 'GET', path: '/api/tasks/42', status: 200, route: null },
      { method: 'GET', path: '/nope/1', status: 404, route: null },
    ];
    const runs = [
      { app: 'app.cjs', nodeArgs: ['--require', './preload-express.cjs', '--import', '@rl-otel/auto'] },
      { app: 'early.mjs', nodeArgs: [] },
    ];
    for (const { app, nodeArgs } of runs) {
      const { spans, triplets, warnings } = await suite.run('express5', app, { nodeArgs }, async (url) => {
        await requestCases(url, cases);
        return { requests: cases.length };
      });
      assert.equal(warnings.length, 1, `${app}: ${warnings.join('\n')}`);
      assert.match(warnings[0] ?? '', /express was loaded before @rl-otel\/auto/);
      // Never a wrong name: without its router entries seen, a request stays unmatched.
      checkCases(spans, triplets, cases);
    }
  });

  for (const dir of ['express4', 'express5']) {
    for (const app of ['app.cjs', 'app.mjs']) {
      test(`${dir}/${app}, hand-built SDK with middlewareSpans: a span per middleware, router and handler`, async () => {
        const { spans, triplets, value } = await suite.scenario(dir, app, {
          sdk: true,
          env: { MIDDLEWARE_SPANS: '1' },
        });
        const server = serverSpans(spans).find((s) => s.attributes['url.path'] === '/api/tasks/42');
        assert.ok(server);
        const children = spans.filter((s) => s.traceId === server.traceId && s.kind !== 2);
        const names = children.map((s) => s.name);
        assert.ok(names.includes('request handler - /api/tasks/:id'), names.join(', '));
        assert.ok(names.includes('router - /api'), names.join(', '));
        assert.ok(names.includes('router - /api/tasks'), names.join(', '));
        for (const child of children) {
          assert.equal(child.parentSpanId, server.spanId, `${child.name}: a child of the server span`);
          assert.equal(child.attributes['rl.action.kind'], undefined, `${child.name}: not an action`);
          assert.equal(child.attributes['rl.episode.id'], server.attributes['rl.episode.id']);
          assert.ok(child.endTimeUnixNano >= child.startTimeUnixNano);
        }
        const handler = children.find((s) => s.name === 'request handler - /api/tasks/:id');
        assert.equal(handler?.attributes['http.route'], '/api/tasks/:id');
        assert.equal(handler?.attributes['express.type'], 'request_handler');
        const handlerOf = (path: string) => {
          const request = serverSpans(spans).find((s) => s.attributes['url.path'] === path);
          return spans.find((s) => s.traceId === request?.traceId && s.name.startsWith('request handler'));
        };
        assert.equal(handlerOf('/boom/1')?.status.code, 2, 'the failing handler span is failed too');
        assert.equal(handlerOf('/boom/1')?.attributes['error.type'], 'TypeError');
        assert.equal(handlerOf('/teapot')?.status.code, 0, 'an HTTP client error fails no span');
        assert.equal(triplets.length, value.requests, 'middleware spans make no triplets');
      });
    }
  }
});
