import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  costUsd,
  parsePriceTable,
  priceOf,
  readModelResult,
  resolveAgentLightning,
  stepActionName,
} from '@rl-otel/instrumentation-orchestrator';

describe('pure helpers', () => {
  test('readModelResult: fields set by the orchestrator win over the returned result', () => {
    assert.deepEqual(
      readModelResult(
        { usage: { inputTokens: 1, outputTokens: 2 }, responseId: 'mine', promptTokenIds: [7] },
        { id: 'theirs', usage: { prompt_tokens: 9, completion_tokens: 9 } },
      ),
      {
        responseId: 'mine',
        responseModel: undefined,
        inputTokens: 1,
        outputTokens: 2,
        promptTokenIds: [7],
        responseTokenIds: undefined,
      },
    );
  });

  test('readModelResult: OpenAI-shaped and AI SDK-shaped results; junk is ignored', () => {
    const openai = readModelResult(
      {},
      {
        id: 'chatcmpl-1',
        model: 'gpt-4o-2024',
        usage: { prompt_tokens: 11, completion_tokens: 3 },
        choices: [{ finish_reason: 'stop', token_ids: [5, 6] }],
        prompt_token_ids: [1, 2],
      },
    );
    assert.equal(openai.responseId, 'chatcmpl-1');
    assert.equal(openai.responseModel, 'gpt-4o-2024');
    assert.equal(openai.inputTokens, 11);
    assert.equal(openai.outputTokens, 3);
    assert.deepEqual(openai.finishReasons, ['stop']);
    assert.deepEqual(openai.promptTokenIds, [1, 2]);
    assert.deepEqual(openai.responseTokenIds, [5, 6]);
    const aiSdk = readModelResult({}, { response: { id: 'r', modelId: 'm' }, usage: { inputTokens: 4 } });
    assert.equal(aiSdk.responseId, 'r');
    assert.equal(aiSdk.inputTokens, 4);
    const junk = readModelResult(
      { usage: { inputTokens: -1, outputTokens: Number.NaN }, promptTokenIds: [1.5] },
      'text',
    );
    assert.equal(junk.inputTokens, undefined);
    assert.equal(junk.outputTokens, undefined);
    assert.equal(junk.promptTokenIds, undefined);
  });

  test('price tables: exact keys, the longest prefix* key, cost in dollars; bad tables say what is wrong', () => {
    const parsed = parsePriceTable(
      '{"gpt-4o":{"input":2.5,"output":10},"gpt-*":{"input":1,"output":1},"gpt-4o-*":{"input":0.15,"output":0.6}}',
    );
    assert.ok(parsed.ok);
    const table = parsed.value;
    assert.equal(priceOf(table, 'gpt-4o')?.input, 2.5);
    assert.equal(priceOf(table, 'gpt-4o-mini')?.input, 0.15);
    assert.equal(priceOf(table, 'gpt-3.5')?.input, 1);
    assert.equal(priceOf(table, 'claude'), undefined);
    assert.equal(costUsd({ input: 2.5, output: 10 }, 1000, 500), 0.0075);
    assert.deepEqual(parsePriceTable('{'), { ok: false, error: 'it is not valid JSON' });
    const bad = parsePriceTable('{"m":{"input":1}}');
    assert.equal(bad.ok, false);
    assert.match(bad.ok ? '' : bad.error, /"m" needs "input" and "output"/);
  });

  test('stepActionName: the tools a step called, or respond', () => {
    assert.equal(
      stepActionName('a', [{ toolName: 'z' }, { toolName: 'b' }, { toolName: 'z' }]),
      'a call b,z',
    );
    assert.equal(stepActionName('a', []), 'a respond');
  });

  test('resolveAgentLightning: on with ids, off without; bad values are reported', () => {
    assert.equal(resolveAgentLightning({}, {}).spans, false);
    const on = resolveAgentLightning(
      {},
      { AGENT_LIGHTNING_ROLLOUT_ID: 'r', AGENT_LIGHTNING_ATTEMPT_ID: 'a' },
    );
    assert.equal(on.spans, true);
    assert.equal(on.modelSpanName, 'openai.chat.completion');
    assert.equal(
      resolveAgentLightning({}, { RL_OTEL_AGENT_LIGHTNING_MODEL_SPAN_NAME: 'keep' }).modelSpanName,
      undefined,
    );
    const problems: string[] = [];
    const bad = resolveAgentLightning(
      {},
      { RL_OTEL_AGENT_LIGHTNING: 'maybe', AGL_EVENT_URL: '::' },
      problems,
    );
    assert.equal(bad.spans, false);
    assert.equal(bad.eventUrl, undefined);
    assert.equal(problems.length, 2);
  });
});
