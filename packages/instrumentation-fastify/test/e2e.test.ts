import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Triplet } from '@rl-otel/semantic-conventions';
import {
  assertRouteRun,
  exerciseRoutes,
  type OtlpReceiver,
  readJsonl,
  rlWarnings,
  type SpawnOptions,
  startOtlpReceiver,
  startServer,
} from '@rl-otel/test-utils';
import { CALLS } from './scenario.ts';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const requireHere = createRequire(import.meta.url);
const MAJORS = { fastify4: 4, fastify5: 5 } as const;

/**
 * Each major's fixture folder gets `node_modules/fastify` pointing at that
 * major (installed under the aliases `fastify4` / `fastify`), so its apps
 * load it by its real name, as users do, and @rl-otel/auto finds it there.
 */
function linkFastify(folder: keyof typeof MAJORS): void {
  const target = dirname(
    requireHere.resolve(`${folder === 'fastify4' ? 'fastify4' : 'fastify'}/package.json`),
  );
  const link = join(fixtures, folder, 'node_modules', 'fastify');
  try {
    if (readlinkSync(link) === target) return;
    rmSync(link);
  } catch {
    // not there yet
  }
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(target, link, 'dir');
}

let runs = 0;

async function run(
  receiver: OtlpReceiver,
  folder: keyof typeof MAJORS,
  script: string,
  options: { sdk?: boolean; env?: Record<string, string> } = {},
): Promise<{ spans: ReturnType<OtlpReceiver['spans']>; triplets: Triplet[] }> {
  const service = `fastify-${++runs}`;
  const triplets = join(mkdtempSync(join(tmpdir(), 'rl-fastify-')), 'triplets.jsonl');
  const spawn: SpawnOptions = options.sdk
    ? {
        nodeArgs: [],
        env: { SERVICE_NAME: service, TRIPLETS_FILE: triplets, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
      }
    : {
        env: {
          OTEL_SERVICE_NAME: service,
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_BSP_SCHEDULE_DELAY: '50',
          RL_OTEL_TRIPLETS_FILE: triplets,
        },
      };
  spawn.cwd = join(fixtures, folder);
  spawn.env = { ...spawn.env, ...options.env };
  const server = await startServer(script, spawn);
  const major = /fastify=(\d+)\./.exec(server.stdout())?.[1];
  assert.equal(Number(major), MAJORS[folder], `the fixture runs Fastify ${MAJORS[folder]}`);
  const mine = (s: { resource: Record<string, unknown> }) => s.resource['service.name'] === service;
  let requests: number;
  try {
    requests = await exerciseRoutes(server.url, CALLS, service);
    await receiver.waitForSpans(requests, (s) => mine(s) && s.kind === 2);
  } finally {
    const result = await server.stop();
    assert.deepEqual(rlWarnings(result.stderr), [], result.stderr);
  }
  return { spans: receiver.spans().filter(mine), triplets: readJsonl<Triplet>(triplets) };
}

describe('Fastify apps', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    linkFastify('fastify4');
    linkFastify('fastify5');
    receiver = await startOtlpReceiver();
  });
  after(() => receiver.close());

  for (const folder of ['fastify4', 'fastify5'] as const) {
    for (const script of ['server.mjs', 'server.cjs']) {
      test(`Fastify ${MAJORS[folder]}, ${script} under --import @rl-otel/auto: routes, errors, 404s, streams, episodes`, async () => {
        const { spans, triplets } = await run(receiver, folder, script);
        assertRouteRun(spans, triplets, CALLS, `fastify-${runs}`);
        assert.ok(
          spans.every((s) => s.kind === 2),
          'no span per hook or middleware: only the server spans',
        );
      });
    }
    for (const script of ['sdk.mjs', 'sdk.cjs']) {
      test(`Fastify ${MAJORS[folder]}, ${script} with a hand-built SDK (registerInstrumentations)`, async () => {
        const { spans, triplets } = await run(receiver, folder, script, { sdk: true });
        assertRouteRun(spans, triplets, CALLS, `fastify-${runs}`);
      });
    }
    for (const script of ['server.mjs', 'server.cjs']) {
      test(`Fastify ${MAJORS[folder]}, ${script} with @fastify/otel registered too: one server span, its spans under it`, async () => {
        const { spans, triplets } = await run(receiver, folder, script, { env: { WITH_FASTIFY_OTEL: '1' } });
        assertRouteRun(spans, triplets, CALLS, `fastify-${runs}`);
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
