import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  type OtlpReceiver,
  type OtlpSpan,
  rlWarnings,
  runNode,
  startOtlpReceiver,
} from '@rl-otel/test-utils';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'rl-agl-'));

interface EventRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** Agent Lightning 1.0's event endpoint, as far as a client can tell: records each POST. */
async function startEventReceiver(): Promise<{ url: string; requests: EventRequest[]; server: Server }> {
  const requests: EventRequest[] = [];
  const server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (text += d));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(text) });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

const AL_KEYS = ['agentlightning.rollout_id', 'agentlightning.attempt_id'];
const REWARD_KEYS = ['agentlightning.reward.0.name', 'agentlightning.reward.0.value'];

describe('Agent Lightning output', () => {
  let receiver: OtlpReceiver;
  let events: Awaited<ReturnType<typeof startEventReceiver>>;
  let lint: Server;
  let lintUrl: string;
  before(async () => {
    receiver = await startOtlpReceiver();
    events = await startEventReceiver();
    lint = createServer((_q, r) => r.end('clean'));
    await new Promise<void>((r) => lint.listen(0, '127.0.0.1', r));
    lintUrl = `http://127.0.0.1:${(lint.address() as AddressInfo).port}/lint`;
  });
  after(async () => {
    await receiver.close();
    events.server.close();
    lint.close();
  });

  for (const fixture of ['loop.mjs', 'loop.cjs']) {
    test(`${fixture}: OTLP protobuf to <store>/v1/traces with ids on every span, model calls the adapter finds, reward annotations after them, and reward events`, async () => {
      const service = `agl-${fixture}`;
      events.requests.length = 0;
      const result = await runNode(fixture, {
        cwd: fixtures,
        env: {
          OTEL_SERVICE_NAME: service,
          OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
          AGENT_LIGHTNING_ROLLOUT_ID: 'ro-process',
          AGENT_LIGHTNING_ATTEMPT_ID: 'at-process',
          AGL_EVENT_URL: `${events.url}/v1/agl/events`,
          AGL_KEY: 'secret-key',
          PER_EPISODE_IDS: '1',
          LINT_URL: lintUrl,
          RL_OTEL_TRIPLETS_FILE: join(tmp(), 't.jsonl'),
        },
      });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(rlWarnings(result.stderr), []);
      // 16 spans of the loop + 2 annotations per episode
      const spans = await receiver.waitForSpans(20, (s) => s.resource['service.name'] === service);
      assert.equal(spans.length, 20);
      const mine = receiver.requests.filter((r) =>
        r.spans.some((s) => s.resource['service.name'] === service),
      );
      assert.ok(mine.every((r) => r.path === '/v1/traces' && r.contentType === 'application/x-protobuf'));

      const episodeOf = (s: OtlpSpan) => {
        const root = spans.find(
          (x) => x.traceId === s.traceId && x.attributes['rl.episode.id'] !== undefined,
        );
        return root?.attributes['rl.episode.id'];
      };
      for (const span of spans) {
        const expected =
          episodeOf(span) === 'task-1' ? ['ro-episode', 'at-episode'] : ['ro-process', 'at-process'];
        assert.deepEqual(
          AL_KEYS.map((k) => span.attributes[k]),
          expected,
          `ids on ${span.name} (${String(episodeOf(span))})`,
        );
      }

      const models = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat');
      assert.equal(models.length, 4);
      for (const m of models) {
        assert.equal(m.name, 'openai.chat.completion', 'the default triplet adapter matches this name');
        assert.equal(typeof m.attributes['gen_ai.response.id'], 'string');
      }
      const plan = models.find((m) => m.attributes['gen_ai.response.id'] === 'plan-0');
      assert.deepEqual(plan?.attributes.prompt_token_ids, [1, 2, 3]);
      assert.deepEqual(plan?.attributes.response_token_ids, [4, 5]);

      const annotations = spans.filter((s) => s.name === 'agentlightning.annotation');
      assert.equal(annotations.length, 4, 'per episode: one after the plan call, one after the last call');
      for (const [episode, outcome, review] of [
        ['task-0', 1, 0.5],
        ['task-1', 0, -0.5],
      ] as const) {
        const planReward = annotations.find(
          (s) => episodeOf(s) === episode && s.attributes['agentlightning.reward.0.name'] === 'plan_ok',
        );
        assert.ok(planReward, `plan annotation of ${episode}`);
        assert.deepEqual(Object.keys(planReward.attributes).sort(), [...AL_KEYS, ...REWARD_KEYS].sort());
        assert.equal(planReward.attributes['agentlightning.reward.0.value'], 0.1);
        const [planCall, reviewCall] = models
          .filter((m) => m.traceId === planReward.traceId)
          .sort((x, y) => (x.endTimeUnixNano < y.endTimeUnixNano ? -1 : 1));
        assert.equal(planCall?.attributes['gen_ai.response.id'], `plan-${episode.slice(-1)}`);
        assert.ok(
          planReward.startTimeUnixNano >= (planCall?.endTimeUnixNano ?? 0n),
          'after the plan call ended',
        );
        assert.ok(
          planReward.startTimeUnixNano < (reviewCall?.endTimeUnixNano ?? 0n),
          'before the next call ended',
        );
        const a = annotations.find((s) => episodeOf(s) === episode && s !== planReward);
        assert.ok(a, `annotation of ${episode}`);
        assert.deepEqual(
          Object.keys(a.attributes).sort(),
          [
            ...AL_KEYS,
            ...REWARD_KEYS,
            'agentlightning.reward.1.name',
            'agentlightning.reward.1.value',
          ].sort(),
        );
        assert.equal(
          a.attributes['agentlightning.reward.0.name'],
          'episode',
          'the outcome is the primary reward',
        );
        assert.equal(a.attributes['agentlightning.reward.0.value'], outcome);
        assert.equal(a.attributes['agentlightning.reward.1.name'], 'review');
        assert.equal(a.attributes['agentlightning.reward.1.value'], review);
        const lastModel = models
          .filter((m) => m.traceId === a.traceId)
          .reduce((x, y) => (x.endTimeUnixNano > y.endTimeUnixNano ? x : y));
        assert.equal(lastModel.attributes['gen_ai.response.id'], `review-${episode.slice(-1)}`);
        assert.ok(
          a.startTimeUnixNano >= lastModel.endTimeUnixNano,
          'started after the model call it rewards ended',
        );
      }

      assert.deepEqual(
        events.requests.map((r) => r.body),
        [0.1, 0.5, 1, 0.1, -0.5, 0].map((value) => ({ event_type: 'reward', data: { value } })),
      );
      for (const r of events.requests) {
        assert.equal(r.path, '/v1/agl/events');
        assert.equal(r.headers.authorization, 'Bearer secret-key');
        assert.equal(r.headers['content-type'], 'application/json');
        assert.equal(r.headers.traceparent, undefined, 'our own requests are not traced');
      }
    });
  }

  test('graph.mjs (LangGraph) under Agent Lightning: ids on every span; no app reward, no annotation', async () => {
    const service = 'agl-graph';
    const result = await runNode('graph.mjs', {
      cwd: fixtures,
      env: {
        OTEL_SERVICE_NAME: service,
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
        AGENT_LIGHTNING_ROLLOUT_ID: 'ro-g',
        AGENT_LIGHTNING_ATTEMPT_ID: 'at-g',
        LINT_URL: lintUrl,
        RL_OTEL_TRIPLETS_FILE: join(tmp(), 't.jsonl'),
      },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(rlWarnings(result.stderr), []);
    // the workflow, 5 node steps, 2 HTTP calls
    const spans = await receiver.waitForSpans(8, (s) => s.resource['service.name'] === service);
    assert.equal(spans.length, 8);
    assert.ok(spans.every((s) => s.attributes['agentlightning.rollout_id'] === 'ro-g'));
    assert.equal(
      spans.filter((s) => s.name === 'agentlightning.annotation').length,
      0,
      'no app reward, no annotation',
    );
  });

  test('ids missing: one warning that the store drops such spans; the app is unaffected', async () => {
    const result = await runNode('loop.mjs', {
      cwd: fixtures,
      env: {
        RL_OTEL_AGENT_LIGHTNING: 'on',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
        LINT_URL: lintUrl,
        RL_OTEL_TRIPLETS_FILE: join(tmp(), 't.jsonl'),
      },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /loop done/);
    const warnings = rlWarnings(result.stderr);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(
      warnings[0] ?? '',
      /no rollout and attempt id; the LightningStore drops such spans silently/,
    );
  });

  test('a bad AGL_EVENT_URL and an event endpoint that is down: one warning each, the app is unaffected', async () => {
    const bad = await runNode('loop.cjs', {
      cwd: fixtures,
      env: { AGL_EVENT_URL: 'not a url', LINT_URL: lintUrl, RL_OTEL_TRIPLETS_FILE: join(tmp(), 't.jsonl') },
    });
    assert.equal(bad.code, 0, bad.stderr);
    assert.deepEqual(rlWarnings(bad.stderr), [
      '[rl-otel] AGL_EVENT_URL "not a url" is not a URL; rewards are not sent to Agent Lightning\'s event API',
    ]);
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const down = await runNode('loop.cjs', {
      cwd: fixtures,
      env: {
        AGL_EVENT_URL: `http://127.0.0.1:${deadPort}/events`,
        AGL_KEY: 'k',
        LINT_URL: lintUrl,
        RL_OTEL_TRIPLETS_FILE: join(tmp(), 't.jsonl'),
      },
    });
    assert.equal(down.code, 0, down.stderr);
    assert.match(down.stdout, /loop done/);
    const warnings = rlWarnings(down.stderr);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0] ?? '', /could not send a reward to Agent Lightning's event API/);
  });
});
