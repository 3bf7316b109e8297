import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Triplet } from '@rl-otel/semantic-conventions';
import {
  type OtlpReceiver,
  type PostgresServer,
  readJsonl,
  rlWarnings,
  runNode,
  startOtlpReceiver,
  startPostgres,
  startServer,
} from '@rl-otel/test-utils';
import { denoCommand } from '../deno.mjs';

const require = createRequire(import.meta.url);
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
// A local path, as the README says to use in place of npm:@rl-otel/auto when the package is not published.
const preload = join(dirname(require.resolve('@rl-otel/auto/package.json')), 'dist', 'register.js');
const runtime = [...denoCommand(), 'run', '-A'];

/**
 * Warnings other than the one about ES module packages on Deno: this
 * repository has koa, hono and @langchain/langgraph installed, which Deno loads
 * as ES modules, so the loader names them once (its own test below).
 */
function otherWarnings(stderr: string): string[] {
  return rlWarnings(stderr).filter((w) => !w.includes('loaded as ES modules'));
}

describe('deno run -A --preload @rl-otel/auto', () => {
  let receiver: OtlpReceiver;
  let postgres: PostgresServer;
  before(async () => {
    receiver = await startOtlpReceiver();
    postgres = await startPostgres();
  });
  after(async () => {
    await receiver.close();
    await postgres.stop();
  });

  test('a node:http app on Deno: server spans over OTLP and one triplet per request', async () => {
    const triplets = join(mkdtempSync(join(tmpdir(), 'rl-deno-')), 'triplets.jsonl');
    const server = await startServer('http-app.mjs', {
      cwd: fixtures,
      runtime,
      nodeArgs: ['--preload', preload],
      env: {
        OTEL_SERVICE_NAME: 'deno-http',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '50',
        RL_OTEL_TRIPLETS_FILE: triplets,
      },
    });
    const statuses: number[] = [];
    for (const path of ['/ok', '/fail', '/ok']) {
      const res = await fetch(server.url + path, { headers: { baggage: 'rl.episode.id=deno-episode' } });
      await res.text();
      statuses.push(res.status);
    }
    const spans = await receiver.waitForSpans(
      3,
      (s) => s.resource['service.name'] === 'deno-http' && s.kind === 2,
    );
    const result = await server.stop('SIGTERM');
    assert.deepEqual(statuses, [200, 500, 200]);
    assert.deepEqual(otherWarnings(result.stderr), []);
    assert.ok(
      spans.every(
        (s) =>
          s.attributes['rl.action.kind'] === 'http' && typeof s.attributes['rl.reward.value'] === 'number',
      ),
    );
    const lines = readJsonl<Triplet>(triplets);
    assert.deepEqual(
      lines.map((l) => [l.episode_id, l.step, l.reward.components.success]),
      [
        ['deno-episode', 0, 1],
        ['deno-episode', 1, 0],
        ['deno-episode', 2, 1],
      ],
    );
  });

  test('an Express app with node:sqlite, better-sqlite3 and pg on Deno: routes, queries folded into their actions', async () => {
    const triplets = join(mkdtempSync(join(tmpdir(), 'rl-deno-')), 'triplets.jsonl');
    const server = await startServer('express-app.mjs', {
      cwd: fixtures,
      runtime,
      nodeArgs: ['--preload', preload],
      env: {
        OTEL_SERVICE_NAME: 'deno-express',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_BSP_SCHEDULE_DELAY: '50',
        RL_OTEL_TRIPLETS_FILE: triplets,
        DATABASE_URL: postgres.url,
      },
    });
    const statuses: number[] = [];
    for (const path of ['/api/tasks/1', '/api/tasks/2', '/api/pg/41', '/api/notes/1', '/nowhere']) {
      const res = await fetch(server.url + path);
      await res.text();
      statuses.push(res.status);
    }
    const spans = await receiver.waitForSpans(
      5,
      (s) => s.resource['service.name'] === 'deno-express' && s.kind !== 1,
    );
    const result = await server.stop('SIGTERM');
    assert.deepEqual(statuses, [200, 404, 200, 200, 404]);
    assert.deepEqual(otherWarnings(result.stderr), []);
    const lines = readJsonl<Triplet>(triplets);
    assert.deepEqual(
      lines.map((l) => l.action.name),
      ['GET /api/tasks/:id', 'GET /api/tasks/:id', 'GET /api/pg/:n', 'GET /api/notes/:id', 'GET (unmatched)'],
    );
    assert.equal(lines[0]?.reward.components.db_calls, 1, 'the node:sqlite query folds into the request');
    assert.equal(lines[2]?.reward.components.db_calls, 1, 'the pg query folds into the request');
    assert.equal(lines[3]?.reward.components.db_calls, 1, 'the better-sqlite3 query folds into the request');
    const db = spans.filter((s) => s.attributes['rl.action.kind'] === 'db');
    assert.deepEqual(db.map((s) => s.attributes['db.system.name']).sort(), [
      'postgresql',
      'sqlite',
      'sqlite',
      'sqlite',
    ]);
    const exported = JSON.stringify(spans.map((s) => s.attributes));
    assert.ok(!exported.includes('secret-title-literal') && !exported.includes('another-secret-literal'));
  });

  test('a Deno.serve app: each request is an action of kind http', async () => {
    const triplets = join(mkdtempSync(join(tmpdir(), 'rl-deno-')), 'triplets.jsonl');
    const server = await startServer('serve-app.mjs', {
      cwd: fixtures,
      runtime,
      nodeArgs: ['--preload', preload],
      env: {
        OTEL_SERVICE_NAME: 'deno-serve',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        RL_OTEL_TRIPLETS_FILE: triplets,
      },
    });
    for (const path of ['/a', '/fail']) await (await fetch(server.url + path)).text();
    const result = await server.stop('SIGTERM');
    assert.deepEqual(otherWarnings(result.stderr), []);
    const spans = await receiver.waitForSpans(2, (s) => s.resource['service.name'] === 'deno-serve');
    assert.ok(spans.every((s) => s.kind === 2 && s.scope.name === '@rl-otel/instrumentation-http'));
    assert.deepEqual(
      readJsonl<Triplet>(triplets).map((l) => [l.action.name, l.reward.components.success]),
      [
        ['GET (unmatched)', 1],
        ['GET (unmatched)', 0],
      ],
    );
  });

  for (const fixture of ['serve-app.mjs', 'http-app.mjs']) {
    test(`OTEL_DENO=true, ${fixture}: Deno exports its own spans, none duplicated; triplets are written`, async () => {
      const triplets = join(mkdtempSync(join(tmpdir(), 'rl-deno-')), 'triplets.jsonl');
      const service = `deno-otel-${fixture}`;
      const server = await startServer(fixture, {
        cwd: fixtures,
        runtime,
        nodeArgs: ['--preload', preload],
        env: {
          OTEL_DENO: 'true',
          OTEL_SERVICE_NAME: service,
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          RL_OTEL_TRIPLETS_FILE: triplets,
        },
      });
      for (const path of ['/a', '/fail']) {
        await (await fetch(server.url + path, { headers: { baggage: 'rl.episode.id=deno-otel' } })).text();
      }
      const result = await server.stop('SIGTERM');
      assert.deepEqual(otherWarnings(result.stderr), []);
      const servers = await receiver.waitForSpans(
        2,
        (s) => s.resource['service.name'] === service && s.kind === 2,
      );
      await new Promise((r) => setTimeout(r, 300));
      const all = receiver.spans().filter((s) => s.resource['service.name'] === service);
      assert.equal(all.filter((s) => s.kind === 2).length, 2, "one server span per request: Deno's");
      assert.ok(
        all.every((s) => !s.scope.name.startsWith('@rl-otel/')),
        'rl-otel exports nothing of its own',
      );
      if (fixture === 'serve-app.mjs') {
        // Deno.serve runs the handler inside Deno's span: it receives the rl.* attributes.
        assert.deepEqual(
          servers
            .map((s) => [
              s.attributes['rl.episode.id'],
              s.attributes['rl.step.index'],
              s.attributes['rl.reward.component.success'],
            ])
            .sort(),
          [
            ['deno-otel', 0, 1],
            ['deno-otel', 1, 0],
          ],
        );
      }
      assert.deepEqual(
        readJsonl<Triplet>(triplets).map((l) => [l.episode_id, l.step, l.reward.components.success]),
        [
          ['deno-otel', 0, 1],
          ['deno-otel', 1, 0],
        ],
      );
    });
  }

  test('examples/deno: the README command writes a triplet per request, queries folded in', async () => {
    const triplets = join(mkdtempSync(join(tmpdir(), 'rl-deno-')), 'triplets.jsonl');
    const result = await runNode('app.ts', {
      cwd: fileURLToPath(new URL('../../../examples/deno/', import.meta.url)),
      runtime,
      nodeArgs: ['--preload', preload],
      args: ['--drive'],
      env: { RL_OTEL_TRIPLETS_FILE: triplets },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(otherWarnings(result.stderr), []);
    const lines = readJsonl<Triplet>(triplets);
    assert.deepEqual(
      lines.map((l) => [l.episode_id, l.step, l.action.name, l.reward.components.success]),
      [
        ['alice', 0, 'GET (unmatched)', 1],
        ['alice', 1, 'POST (unmatched)', 1],
        ['alice', 2, 'GET (unmatched)', 1],
        ['bob', 0, 'GET (unmatched)', 1],
        ['bob', 1, 'GET (unmatched)', 0],
      ],
    );
    assert.ok(lines.slice(0, 4).every((l) => (l.reward.components.db_calls ?? 0) >= 1));
  });

  test('the packages Deno loads as ES modules are named once, plainly', async () => {
    const server = await startServer('http-app.mjs', {
      cwd: fixtures,
      runtime,
      nodeArgs: ['--preload', preload],
      env: { RL_OTEL_TRIPLETS_FILE: 'none' },
    });
    const { stderr } = await server.stop('SIGTERM');
    const warnings = rlWarnings(stderr);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(
      warnings[0] ?? '',
      /on Deno, koa, @koa\/router, hono, @langchain\/langgraph are loaded as ES modules, which rl-otel cannot hook there/,
    );
  });
});
