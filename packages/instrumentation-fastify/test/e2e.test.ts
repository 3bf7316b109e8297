import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { frameworkSuite } from '@rl-otel/test-utils';

const MAJORS = { fastify4: 4, fastify5: 5 } as const;

const suite = frameworkSuite({
  framework: 'fastify',
  from: import.meta.url,
  variants: [
    { dir: 'fastify4', packages: { fastify: 'fastify4' } },
    { dir: 'fastify5', packages: { fastify: 'fastify' } },
  ],
});

describe('Fastify specifics', () => {
  test('each fixture folder loads its own Fastify major', () => {
    for (const [dir, major] of Object.entries(MAJORS)) {
      const requireThere = createRequire(new URL(`./fixtures/${dir}/app.cjs`, import.meta.url));
      const { version } = requireThere('fastify/package.json') as { version: string };
      assert.equal(Number(version.split('.')[0]), major, `${dir}: fastify ${version}`);
    }
  });

  for (const dir of Object.keys(MAJORS)) {
    for (const app of ['app.mjs', 'app.cjs']) {
      test(`${dir}/${app} with @fastify/otel registered too: one server span, its spans under it`, async () => {
        const { spans, warnings, stderr } = await suite.scenario(dir, app, {
          env: { WITH_FASTIFY_OTEL: '1' },
        });
        assert.deepEqual(warnings, [], stderr);
        const servers = new Map(spans.filter((s) => s.kind === 2).map((s) => [s.spanId, s]));
        const theirs = spans.filter((s) => s.scope.name === '@fastify/otel');
        const requestSpans = theirs.filter((s) => s.name === 'request');
        assert.equal(requestSpans.length, servers.size, "@fastify/otel's request span, once per request");
        for (const span of requestSpans) {
          assert.equal(
            span.kind,
            1,
            'INTERNAL: @fastify/otel sees the server span and does not make a second one',
          );
          assert.ok(servers.has(span.parentSpanId), 'a child of the server span');
        }
        for (const span of theirs) {
          assert.equal(span.attributes['rl.action.kind'], undefined, 'never an action of its own');
          assert.equal(
            typeof span.attributes['rl.episode.id'],
            'string',
            'but in the episode of its request',
          );
        }
        assert.ok(
          theirs.some((s) => s.name.startsWith('handler')),
          'its handler spans are kept',
        );
      });
    }
  }
});
