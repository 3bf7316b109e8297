import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { withEpisode } from '@rl-otel/core';
import { episodeDone, runStep } from '@rl-otel/instrumentation-orchestrator';
import { generateText, isStepCount, jsonSchema, streamText, tool } from 'ai';
import { MockLanguageModelV4, simulateReadableStream } from 'ai/test';
import { setup, waitFor } from './helpers.ts';

const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: output, text: output, reasoning: 0 },
});

/** A model that asks for `add` once, then answers. */
function scriptedModel() {
  let n = 0;
  return new MockLanguageModelV4({
    modelId: 'mock-planner',
    doGenerate: async () => {
      n++;
      if (n % 2 === 1)
        return {
          content: [{ type: 'tool-call', toolCallId: `c${n}`, toolName: 'add', input: '{"a":1,"b":2}' }],
          finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
          usage: usage(10, 5),
          warnings: [],
          response: { id: `resp-${n}`, modelId: 'mock-planner' },
          // as an OpenAI-compatible server that returns token ids (vLLM) might report them
          providerMetadata: { vllm: { promptTokenIds: [101, 102], responseTokenIds: [7] } },
        };
      return {
        content: [{ type: 'text', text: 'three' }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: usage(20, 3),
        warnings: [],
        response: { id: `resp-${n}` },
      };
    },
  });
}

const seenInTool: Array<string | undefined> = [];
const tools = {
  add: tool({
    inputSchema: jsonSchema<{ a: number; b: number }>({ type: 'object' }),
    execute: async ({ a, b }) => {
      seenInTool.push((trace.getActiveSpan() as unknown as { name?: string } | undefined)?.name);
      return a + b;
    },
  }),
};

describe('Vercel AI SDK adapter', () => {
  beforeEach(() => {
    seenInTool.length = 0;
    setup({ prices: { 'mock-*': { input: 1, output: 1 } } });
  });

  test('generateText with a tool: one episode, a step per model round, tool and chat spans inside', async () => {
    const h = setup({ prices: { 'mock-*': { input: 1, output: 1 } } });
    const result = await generateText({
      model: scriptedModel(),
      prompt: 'add 1 and 2',
      tools,
      stopWhen: isStepCount(5),
      telemetry: { functionId: 'calculator' },
    });
    assert.equal(result.text, 'three');
    const episode = h.span('invoke_workflow calculator');
    const steps = h.spans().filter((s) => s.name === 'invoke_agent calculator');
    assert.equal(steps.length, 2);
    for (const s of steps) assert.equal(s.parentSpanContext?.spanId, episode.spanContext().spanId);
    const chats = h.spans().filter((s) => s.name === 'chat mock-planner');
    assert.equal(chats.length, 2);
    assert.equal(chats[0]?.attributes['gen_ai.response.id'], 'resp-1');
    assert.equal(chats[0]?.attributes['gen_ai.usage.input_tokens'], 10);
    assert.equal(chats[0]?.attributes['gen_ai.usage.output_tokens'], 5);
    assert.equal(chats[0]?.attributes['gen_ai.provider.name'], 'mock-provider');
    assert.deepEqual(chats[0]?.attributes.prompt_token_ids, [101, 102]);
    assert.deepEqual(chats[0]?.attributes.response_token_ids, [7]);
    assert.equal(chats[0]?.parentSpanContext?.spanId, steps[0]?.spanContext().spanId);
    const add = h.span('execute_tool add');
    assert.equal(add.attributes['gen_ai.tool.call.id'], 'c1');
    assert.equal(add.parentSpanContext?.spanId, steps[0]?.spanContext().spanId);
    assert.deepEqual(seenInTool, ['execute_tool add'], 'the tool runs inside its span');

    const lines = h.sink.triplets;
    assert.deepEqual(
      lines.map((l) => [l.step, l.action.name, l.done]),
      [
        [0, 'calculator call add', false],
        [1, 'calculator respond', true],
      ],
    );
    assert.equal(lines[0]?.reward.components.tool_calls, 1);
    assert.equal(lines[0]?.reward.components.llm_calls, 1);
    assert.equal(lines[0]?.reward.components.tokens, 15);
    assert.equal(lines[0]?.reward.components.cost_usd, 0.000015);
    assert.equal(lines[1]?.termination_reason, 'success');
    assert.deepEqual(h.warnings, []);
  });

  test('streamText: usage and response id of the streamed call, steps and tools', async () => {
    const h = setup();
    let n = 0;
    const model = new MockLanguageModelV4({
      modelId: 'mock-streamer',
      doStream: async () => {
        n++;
        const chunks =
          n === 1
            ? [
                { type: 'stream-start', warnings: [] },
                { type: 'response-metadata', id: 'stream-1', modelId: 'mock-streamer' },
                { type: 'tool-call', toolCallId: 's1', toolName: 'add', input: '{"a":2,"b":2}' },
                {
                  type: 'finish',
                  finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
                  usage: usage(7, 2),
                },
              ]
            : [
                { type: 'stream-start', warnings: [] },
                { type: 'response-metadata', id: 'stream-2', modelId: 'mock-streamer' },
                { type: 'text-start', id: 't' },
                { type: 'text-delta', id: 't', delta: 'four' },
                { type: 'text-end', id: 't' },
                { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: usage(9, 1) },
              ];
        return { stream: simulateReadableStream({ chunks: chunks as never[] }) };
      },
    });
    const result = streamText({ model, prompt: 'add', tools, stopWhen: isStepCount(5) });
    assert.equal(await result.text, 'four');
    await waitFor(() => h.sink.triplets.length === 2, 'both steps of the stream');
    const chats = h.spans().filter((s) => s.name === 'chat mock-streamer');
    assert.deepEqual(
      chats.map((c) => [c.attributes['gen_ai.response.id'], c.attributes['gen_ai.usage.output_tokens']]),
      [
        ['stream-1', 2],
        ['stream-2', 1],
      ],
    );
    assert.deepEqual(
      h.sink.triplets.map((l) => [l.step, l.action.name, l.done]),
      [
        [0, 'ai.streamText call add', false],
        [1, 'ai.streamText respond', true],
      ],
    );
    assert.deepEqual(seenInTool, ['execute_tool add']);
  });

  test('inside a running episode the AI SDK call joins it: its steps are steps of that episode', async () => {
    const h = setup();
    await withEpisode('outer', async () => {
      await runStep({ name: 'plan' }, () => undefined);
      await generateText({ model: scriptedModel(), prompt: 'x', tools, stopWhen: isStepCount(5) });
      episodeDone({ reward: 1 });
    });
    assert.equal(h.spans().filter((s) => s.name.startsWith('invoke_workflow')).length, 0);
    assert.deepEqual(
      h.sink.triplets.map((l) => [l.episode_id, l.step, l.action.name, l.done, l.reward.components.episode]),
      [
        ['outer', 0, 'plan', false, undefined],
        ['outer', 1, 'ai.generateText call add', false, undefined],
        ['outer', 2, 'ai.generateText respond', true, 1],
      ],
    );
  });

  test('inside an HTTP request (a one-step episode) the AI SDK call is an episode of its own', async () => {
    const h = setup();
    const request = trace
      .getTracer('http')
      .startSpan('POST', { attributes: { 'rl.action.kind': 'http', 'rl.action.name': 'POST /chat' } });
    await context.with(trace.setSpan(context.active(), request), () =>
      generateText({ model: scriptedModel(), prompt: 'x', tools, stopWhen: isStepCount(5) }),
    );
    request.end();
    const agent = h.sink.triplets.filter((l) => l.action.kind === 'step');
    assert.deepEqual(
      agent.map((l) => [l.step, l.done]),
      [
        [0, false],
        [1, true],
      ],
    );
    const http = h.sink.triplets.find((l) => l.action.kind === 'http');
    assert.notEqual(http?.episode_id, agent[0]?.episode_id);
    assert.equal(http?.done, true);
    assert.equal(http?.reward.components.llm_calls, 2, 'the agent’s work still folds into the request');
  });

  test('a failing tool is an error on its span; a failing model ends the episode with error', async () => {
    const h = setup();
    const failing = {
      add: tool({
        inputSchema: jsonSchema<{ a: number }>({ type: 'object' }),
        execute: async (): Promise<number> => {
          throw new Error('tool broke');
        },
      }),
    };
    await generateText({ model: scriptedModel(), prompt: 'x', tools: failing, stopWhen: isStepCount(5) });
    const add = h.span('execute_tool add');
    assert.equal(add.status.code, SpanStatusCode.ERROR);
    assert.equal(h.sink.triplets[0]?.reward.components.errors, 1);

    h.sink.reset();
    const boom = new Error('model down');
    const broken = new MockLanguageModelV4({
      doGenerate: async () => {
        throw boom;
      },
    });
    await assert.rejects(generateText({ model: broken, prompt: 'x', maxRetries: 0 }), /model down/);
    const last = h.sink.triplets.at(-1);
    assert.equal(last?.done, true);
    assert.equal(last?.termination_reason, 'error');
    assert.equal(last?.reward.components.success, 0);
  });

  test('disable() removes the integration from the AI SDK registry', async () => {
    const h = setup();
    h.instrumentation.disable();
    const list = (globalThis as { AI_SDK_TELEMETRY_INTEGRATIONS?: unknown[] }).AI_SDK_TELEMETRY_INTEGRATIONS;
    assert.deepEqual(list, []);
    const result = await generateText({
      model: scriptedModel(),
      prompt: 'x',
      tools,
      stopWhen: isStepCount(5),
    });
    assert.equal(result.text, 'three');
    assert.equal(h.spans().length, 0);
  });
});
