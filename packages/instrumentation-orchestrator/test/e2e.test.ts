import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Triplet } from '@rl-otel/semantic-conventions';
import {
  checkEpisodeSteps,
  type OtlpReceiver,
  readJsonl,
  rlWarnings,
  runNode,
  startOtlpReceiver,
} from '@rl-otel/test-utils';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'rl-orch-'));

/** A service the fixtures call over HTTP (in this process, so not instrumented). */
async function startLintService(): Promise<{ url: string; server: Server }> {
  const server = createServer((_req, res) => res.end('clean'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/lint`, server };
}

describe('node --import @rl-otel/auto on orchestration loops', () => {
  let receiver: OtlpReceiver;
  let lint: { url: string; server: Server };
  before(async () => {
    receiver = await startOtlpReceiver();
    lint = await startLintService();
  });
  after(async () => {
    await receiver.close();
    lint.server.close();
  });

  for (const fixture of ['loop.mjs', 'loop.cjs']) {
    test(`${fixture}: hook API episodes, steps and rewards in the triplet file and as GenAI spans`, async () => {
      const triplets = join(tmp(), 'triplets.jsonl');
      const service = `loop-${fixture}`;
      const result = await runNode(fixture, {
        cwd: fixtures,
        env: {
          RL_OTEL_TRIPLETS_FILE: triplets,
          LINT_URL: lint.url,
          OTEL_SERVICE_NAME: service,
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          RL_OTEL_MODEL_PRICES: '{"gpt-4o-*":{"input":0.15,"output":0.6}}',
        },
      });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /loop done/);
      assert.deepEqual(rlWarnings(result.stderr), []);
      const lines = readJsonl<Triplet>(triplets);
      for (const [i, passes] of [
        [0, true],
        [1, false],
      ] as const) {
        const episode = lines.filter((l) => l.episode_id === `task-${i}`);
        assert.deepEqual(
          episode.map((l) => [l.step, l.action.kind, l.action.name, l.done]),
          [
            [0, 'step', 'plan', false],
            [1, 'step', 'write_code', false],
            [2, 'step', 'review', true],
          ],
        );
        const [plan, code, review] = episode;
        assert.equal(plan?.reward.components.llm_calls, 1);
        assert.equal(plan?.reward.components.tokens, 160);
        assert.equal(plan?.reward.components.cost_usd, 0.000042, '120 × $0.15/M + 40 × $0.60/M');
        assert.equal(code?.reward.components.tool_calls, 1);
        assert.equal(
          code?.reward.components.http_client_calls,
          1,
          'the HTTP call in the tool belongs to the step',
        );
        assert.equal(review?.termination_reason, passes ? 'success' : 'failure');
        assert.equal(review?.reward.components.explicit, passes ? 0.5 : -0.5);
        assert.equal(review?.reward.components.episode, passes ? 1 : 0);
        assert.equal(review?.reward.value, passes ? 1.5 : -0.5);
      }
      // per episode: workflow, 3 steps, tool, 2 model calls, the HTTP call
      const spans = await receiver.waitForSpans(16, (s) => s.resource['service.name'] === service);
      const names = new Set(spans.map((s) => s.name));
      for (const name of [
        'invoke_workflow dev-loop',
        'invoke_agent planner',
        'invoke_agent coder',
        'invoke_agent reviewer',
        'execute_tool lint',
        'chat gpt-4o-mini',
        'GET',
      ])
        assert.ok(names.has(name), `${name} in ${[...names]}`);
      const get = spans.find((s) => s.name === 'GET');
      const tool = spans.find((s) => s.name === 'execute_tool lint' && s.traceId === get?.traceId);
      assert.equal(get?.parentSpanId, tool?.spanId, 'the HTTP client span is a child of the tool span');
      const chat = spans.find((s) => s.attributes['gen_ai.response.id'] === 'plan-0');
      assert.equal(chat?.attributes['gen_ai.usage.input_tokens'], 120);
      assert.deepEqual(chat?.attributes.prompt_token_ids, [1, 2, 3]);
    });
  }

  for (const fixture of ['ai.mjs', 'ai.cjs']) {
    test(`${fixture}: an AI SDK generateText with a tool, zero code`, async () => {
      const triplets = join(tmp(), 'triplets.jsonl');
      const result = await runNode(fixture, {
        cwd: fixtures,
        env: { RL_OTEL_TRIPLETS_FILE: triplets, LINT_URL: lint.url },
      });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /all clean/);
      assert.deepEqual(rlWarnings(result.stderr), []);
      const lines = readJsonl<Triplet>(triplets);
      assert.deepEqual(
        lines.map((l) => [l.step, l.action.name, l.done]),
        [
          [0, 'linter call lint', false],
          [1, 'linter respond', true],
        ],
      );
      assert.equal(new Set(lines.map((l) => l.episode_id)).size, 1);
      assert.equal(lines[0]?.reward.components.tool_calls, 1);
      assert.equal(lines[0]?.reward.components.http_client_calls, 1);
      assert.equal(lines[0]?.reward.components.tokens, 40);
      assert.equal(lines[1]?.termination_reason, 'success');
    });
  }

  for (const fixture of ['graph.mjs', 'graph.cjs']) {
    test(`${fixture}: a LangGraph run, zero code: nodes are steps`, async () => {
      const triplets = join(tmp(), 'triplets.jsonl');
      const result = await runNode(fixture, {
        cwd: fixtures,
        env: { RL_OTEL_TRIPLETS_FILE: triplets, LINT_URL: lint.url },
      });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /"passed":true/);
      assert.deepEqual(rlWarnings(result.stderr), []);
      const lines = readJsonl<Triplet>(triplets);
      assert.deepEqual(
        lines.map((l) => [l.step, l.action.name, l.done]),
        [
          [0, 'plan', false],
          [1, 'code', false],
          [2, 'test', false],
          [3, 'code', false],
          [4, 'test', true],
        ],
      );
      assert.equal(new Set(lines.map((l) => l.episode_id)).size, 1);
      assert.equal(lines[1]?.reward.components.http_client_calls, 1);
    });
  }

  test('examples/agent-loop: its episodes, steps and rewards land in the triplet file', async () => {
    const triplets = join(tmp(), 'triplets.jsonl');
    const example = fileURLToPath(new URL('../../../examples/agent-loop/', import.meta.url));
    const result = await runNode('app.mjs', {
      cwd: example,
      env: {
        RL_OTEL_TRIPLETS_FILE: triplets,
        RL_OTEL_REWARD_WEIGHTS: 'success=0,cost_usd=-1000',
        RL_OTEL_MODEL_PRICES:
          '{"coder-large":{"input":2.5,"output":10},"planner-small":{"input":0.15,"output":0.6},"reviewer-small":{"input":0.15,"output":0.6}}',
      },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(rlWarnings(result.stderr), []);
    const lines = readJsonl<Triplet>(triplets);
    const episode = (id: string) => lines.filter((l) => l.episode_id === id).sort((a, b) => a.step - b.step);
    assert.deepEqual(
      episode('task-sort').map((l) => l.action.name),
      ['plan', 'write_code', 'run_tests', 'write_code', 'run_tests', 'review'],
    );
    for (const [id, reason, outcome] of [
      ['task-add', 'success', 1],
      ['task-sort', 'success', 1],
      ['task-parse', 'failure', -1],
    ] as const) {
      const steps = episode(id);
      checkEpisodeSteps(steps, id);
      const last = steps.at(-1);
      assert.equal(last?.termination_reason, reason);
      assert.equal(last?.reward.components.episode, outcome);
      for (const t of steps.filter((l) => l.action.name === 'run_tests'))
        assert.equal(Math.abs(t.reward.value), 0.2, 'the tester’s shaping reward');
      for (const t of steps.filter((l) => l.action.name === 'write_code'))
        assert.ok(t.reward.value < 0 && (t.reward.components.cost_usd ?? 0) > 0, 'model cost is a penalty');
    }
  });
});
