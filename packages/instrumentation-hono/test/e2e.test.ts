import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
let runs = 0;

async function run(receiver: OtlpReceiver, script: string, sdk: boolean) {
  const service = `hono-${++runs}`;
  const triplets = join(mkdtempSync(join(tmpdir(), 'rl-hono-')), 'triplets.jsonl');
  const spawn: SpawnOptions = sdk
    ? {
        // What users of a hand-built SDK run: their telemetry file first.
        nodeArgs: script.endsWith('.mjs')
          ? ['--import', './telemetry.mjs']
          : ['--require', './telemetry.cjs'],
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
  spawn.cwd = fixtures;
  const server = await startServer(script, spawn);
  const mine = (s: { resource: Record<string, unknown> }) => s.resource['service.name'] === service;
  try {
    const requests = await exerciseRoutes(server.url, CALLS, service);
    await receiver.waitForSpans(requests, (s) => mine(s) && s.kind === 2);
  } finally {
    const result = await server.stop();
    // Hono's default error handler logs the errors it answers with 500; only rl-otel's own lines count here.
    assert.deepEqual(rlWarnings(result.stderr), [], result.stderr);
  }
  return { service, spans: receiver.spans().filter(mine), triplets: readJsonl<Triplet>(triplets) };
}

describe('Hono apps on @hono/node-server', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(() => receiver.close());

  for (const script of ['server.mjs', 'server.cjs']) {
    test(`${script} under --import @rl-otel/auto: routes, errors, 404s, streams, episodes`, async () => {
      const { service, spans, triplets } = await run(receiver, script, false);
      assertRouteRun(spans, triplets, CALLS, service);
      assert.ok(
        spans.every((s) => s.kind === 2),
        'no span per middleware: only the server spans',
      );
    });
    test(`${script} with a hand-built SDK (registerInstrumentations)`, async () => {
      const { service, spans, triplets } = await run(receiver, script, true);
      assertRouteRun(spans, triplets, CALLS, service);
    });
  }
});
