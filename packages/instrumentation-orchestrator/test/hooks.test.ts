import assert from 'node:assert/strict';
import * as diagnosticsChannel from 'node:diagnostics_channel';
import { beforeEach, describe, test } from 'node:test';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { withEpisode } from '@rl-otel/core';
import {
  CHANNELS,
  episodeDone,
  reward,
  runEpisode,
  runModelCall,
  runStep,
  runTool,
} from '@rl-otel/instrumentation-orchestrator';
import { setup } from './helpers.ts';

const PRICES = { 'gpt-test': { input: 1, output: 2 } };

/** One scripted loop: plan (model call), code (tool + model call), review (model call), outcome. */
async function loop(reviewPasses: boolean): Promise<string> {
  return runEpisode({ id: `ep-${reviewPasses}`, name: 'dev-loop' }, async () => {
    await runStep({ name: 'plan', agent: 'planner' }, () =>
      runModelCall({ model: 'gpt-test', provider: 'openai' }, (call) => {
        call.usage = { inputTokens: 100, outputTokens: 50 };
        call.responseId = 'resp-plan';
        return 'a plan';
      }),
    );
    await runStep({ name: 'write_code', agent: 'coder' }, async () => {
      await runTool({ name: 'write_file', callId: 'call-1' }, async () => 'ok');
      // an OpenAI-shaped result is read without help
      await runModelCall({ model: 'gpt-test' }, async () => ({
        id: 'chatcmpl-1',
        model: 'gpt-test-2026',
        usage: { prompt_tokens: 10, completion_tokens: 20 },
        choices: [{ finish_reason: 'stop' }],
      }));
    });
    await runStep({ name: 'review', agent: 'reviewer' }, async () => {
      reward(reviewPasses ? 0.5 : -0.5, { name: 'review' });
    });
    episodeDone({ success: reviewPasses, reward: reviewPasses ? 1 : -1 });
    return 'done';
  });
}

describe('hook API (rl-otel:* channels)', () => {
  beforeEach(() => setup({ prices: PRICES }));

  test('an episode of steps, tool and model calls: GenAI spans and triplets with done and the episode reward', async () => {
    const h = setup({ prices: PRICES });
    assert.equal(await loop(true), 'done');
    const episode = h.span('invoke_workflow dev-loop');
    assert.equal(episode.attributes['gen_ai.operation.name'], 'invoke_workflow');
    assert.equal(episode.attributes['rl.episode.id'], 'ep-true');
    assert.equal(episode.attributes['rl.episode.reward'], 1);
    const plan = h.span('invoke_agent planner');
    assert.equal(plan.attributes['gen_ai.operation.name'], 'invoke_agent');
    assert.equal(plan.attributes['gen_ai.agent.name'], 'planner');
    assert.equal(plan.attributes['rl.action.kind'], 'step');
    assert.equal(plan.attributes['rl.action.name'], 'plan');
    assert.equal(plan.attributes['rl.step.index'], 0);
    assert.equal(plan.parentSpanContext?.spanId, episode.spanContext().spanId);
    const chat = h.spans().filter((s) => s.name === 'chat gpt-test');
    assert.equal(chat.length, 2);
    assert.equal(chat[0]?.attributes['gen_ai.operation.name'], 'chat');
    assert.equal(chat[0]?.attributes['gen_ai.request.model'], 'gpt-test');
    assert.equal(chat[0]?.attributes['gen_ai.provider.name'], 'openai');
    assert.equal(chat[0]?.attributes['gen_ai.response.id'], 'resp-plan');
    assert.equal(chat[0]?.attributes['gen_ai.usage.input_tokens'], 100);
    assert.equal(chat[0]?.attributes['gen_ai.usage.output_tokens'], 50);
    assert.equal(chat[0]?.attributes['rl.action.kind'], 'llm');
    assert.equal(chat[0]?.parentSpanContext?.spanId, plan.spanContext().spanId);
    assert.equal(chat[1]?.attributes['gen_ai.response.id'], 'chatcmpl-1');
    assert.equal(chat[1]?.attributes['gen_ai.response.model'], 'gpt-test-2026');
    assert.deepEqual(chat[1]?.attributes['gen_ai.response.finish_reasons'], ['stop']);
    const tool = h.span('execute_tool write_file');
    assert.equal(tool.attributes['gen_ai.tool.name'], 'write_file');
    assert.equal(tool.attributes['gen_ai.tool.call.id'], 'call-1');
    assert.equal(tool.attributes['rl.action.kind'], 'tool');
    assert.equal(tool.attributes['rl.step.index'], 1, 'a tool call inside a step is part of that step');

    const lines = h.sink.triplets;
    assert.deepEqual(
      lines.map((l) => [l.step, l.action.kind, l.action.name, l.done]),
      [
        [0, 'step', 'plan', false],
        [1, 'step', 'write_code', false],
        [2, 'step', 'review', true],
      ],
    );
    assert.ok(lines.every((l) => l.episode_id === 'ep-true'));
    const [planLine, codeLine, reviewLine] = lines;
    assert.equal(planLine?.reward.components.llm_calls, 1);
    assert.equal(planLine?.reward.components.tokens, 150);
    assert.equal(planLine?.reward.components.cost_usd, 0.0002, '100 in at $1/M + 50 out at $2/M');
    assert.equal(codeLine?.reward.components.tool_calls, 1);
    assert.equal(codeLine?.reward.components.llm_calls, 1);
    assert.equal(codeLine?.reward.components.tokens, 30);
    assert.equal(reviewLine?.termination_reason, 'success');
    assert.equal(reviewLine?.reward.components.explicit, 0.5);
    assert.equal(reviewLine?.reward.components.episode, 1);
    assert.equal(reviewLine?.reward.value, 1.5, 'terminal step: its explicit reward plus the episode reward');
    assert.deepEqual(h.warnings, []);
  });

  test('a failed outcome: reason failure and a negative episode reward on the terminal step', async () => {
    const h = setup({ prices: PRICES });
    await loop(false);
    const last = h.sink.triplets.at(-1);
    assert.equal(last?.done, true);
    assert.equal(last?.termination_reason, 'failure');
    assert.equal(last?.reward.value, -1.5);
  });

  test('work inside a step (other plugins’ spans) belongs to the step and its episode', async () => {
    const h = setup();
    await runEpisode({ id: 'ctx' }, () =>
      runStep({ name: 'fetch' }, async () => {
        await new Promise((r) => setTimeout(r, 1));
        const active = trace.getActiveSpan();
        const child = trace
          .getTracer('other')
          .startSpan('GET', { attributes: { 'rl.action.kind': 'http.client', 'rl.action.name': 'GET x' } });
        child.end();
        return active;
      }),
    );
    const step = h.span('invoke_agent fetch');
    const child = h.span('GET');
    assert.equal(child.parentSpanContext?.spanId, step.spanContext().spanId);
    assert.equal(child.attributes['rl.episode.id'], 'ctx');
    assert.equal(child.attributes['rl.step.index'], 0);
    assert.equal(h.sink.triplets.length, 1);
    assert.equal(h.sink.triplets[0]?.reward.components.http_client_calls, 1);
  });

  test('the context is left at the end of the call: code after runStep is back in the episode', async () => {
    const h = setup();
    let after: string | undefined;
    await runEpisode({ id: 'leave' }, async () => {
      const pending = runStep({ name: 'slow' }, () => new Promise((r) => setTimeout(r, 5)));
      after = (trace.getActiveSpan() as unknown as { name?: string })?.name;
      await pending;
    });
    assert.equal(after, 'invoke_workflow episode');
    assert.equal(h.sink.triplets.length, 1);
  });

  test('an orchestrator can publish the channels itself (tracePromise and traceSync)', async () => {
    const h = setup();
    const episode = diagnosticsChannel.tracingChannel('rl-otel:episode');
    const step = diagnosticsChannel.tracingChannel('rl-otel:step');
    await episode.tracePromise(
      async () => {
        step.traceSync(() => 1, { name: 'sync-step' });
        await step.tracePromise(async () => 2, { name: 'async-step' });
        diagnosticsChannel.channel(CHANNELS.outcome).publish({ reward: 2 });
      },
      { id: 'direct', name: 'raw' },
    );
    assert.deepEqual(
      h.sink.triplets.map((t) => [t.action.name, t.step, t.done]),
      [
        ['sync-step', 0, false],
        ['async-step', 1, true],
      ],
    );
    assert.equal(h.sink.triplets[1]?.reward.components.episode, 2);
  });

  test('errors pass through unchanged and mark the step and the episode', async () => {
    const h = setup();
    const boom = new Error('tests failed');
    await assert.rejects(
      runEpisode({ id: 'err' }, () =>
        runStep({ name: 'test' }, () => {
          throw boom;
        }),
      ),
      (e) => e === boom,
    );
    const step = h.span('invoke_agent test');
    assert.equal(step.status.code, SpanStatusCode.ERROR);
    assert.equal(step.attributes['error.type'], 'Error');
    const [line] = h.sink.triplets;
    assert.equal(line?.reward.components.success, 0);
    assert.equal(line?.done, true);
    assert.equal(line?.termination_reason, 'error');
  });

  test('episodeDone by id reaches an episode running elsewhere in the process', async () => {
    const h = setup();
    let release: () => void = () => {};
    const running = runEpisode({ id: 'remote' }, () =>
      runStep({ name: 'wait' }, () => new Promise<void>((r) => (release = r))),
    );
    await new Promise((r) => setTimeout(r, 1));
    episodeDone({ episodeId: 'remote', success: true, reward: 3 });
    release();
    await running;
    assert.equal(h.sink.triplets[0]?.reward.components.episode, 3);
    assert.deepEqual(h.warnings, []);
  });

  test('bad input: a clear warning each, nothing recorded wrongly, the app unaffected', async () => {
    const h = setup();
    const results: unknown[] = [];
    results.push(await runStep({ name: 'orphan' }, () => 'ran anyway'));
    await runEpisode({ id: 'bad' }, async () => {
      results.push(
        await runStep({ name: 'ok' }, () => {
          reward(Number.NaN);
          reward(Number.POSITIVE_INFINITY);
          return 'step ran';
        }),
      );
      episodeDone({ reward: Number.NaN });
      episodeDone({ episodeId: 'no-such-episode', reward: 1 });
    });
    reward(1);
    results.push(await runStep({ name: '' }, () => 'unnamed ran'));
    assert.deepEqual(results, ['ran anyway', 'step ran', 'unnamed ran']);
    assert.deepEqual(
      h.sink.triplets.map((t) => [
        t.action.name,
        t.done,
        t.reward.components.explicit,
        t.reward.components.episode,
      ]),
      [['ok', true, undefined, undefined]],
      'only the valid step, with no reward taken from bad input',
    );
    assert.ok(
      h.warnings.some((w) => /step "orphan" ran outside any episode/.test(w)),
      h.warnings.join('\n'),
    );
    assert.ok(h.warnings.some((w) => /reward\(\) needs a finite number, got NaN/.test(w)));
    assert.ok(h.warnings.some((w) => /episodeDone was given the reward NaN/.test(w)));
    assert.ok(h.warnings.some((w) => /episode "no-such-episode", which is not running/.test(w)));
    assert.ok(h.warnings.some((w) => /reward\(\) was called outside any episode/.test(w)));
    assert.ok(h.warnings.some((w) => /a step needs a name/.test(w)));
    assert.equal(h.warnings.length, 6, h.warnings.join('\n'));
  });

  test('a step inside withEpisode (core) and a reward between steps sets the episode reward', async () => {
    const h = setup();
    await withEpisode('core-episode', async () => {
      await runStep({ name: 'a' }, () => undefined);
      reward(0.25);
    });
    assert.equal(h.sink.triplets[0]?.episode_id, 'core-episode');
    assert.equal(h.sink.triplets[0]?.reward.components.episode, 0.25);
  });

  test('a user hook that throws: spans are still valid, one warning', async () => {
    const h = setup({
      requestHook: () => {
        throw new Error('hook bug');
      },
      responseHook: (span, info) => span.setAttribute('test.kind', info.kind),
    });
    await runEpisode({ id: 'hooks' }, () => runStep({ name: 's' }, () => 1));
    assert.equal(h.span('invoke_agent s').attributes['test.kind'], 'step');
    assert.equal(h.span('invoke_workflow episode').attributes['test.kind'], 'episode');
    assert.equal(h.sink.triplets.length, 1);
    assert.equal(h.warnings.length, 1);
    assert.match(h.warnings[0] ?? '', /requestHook .* threw and was ignored: hook bug/);
  });

  test('disable() unhooks: the functions run, nothing is traced', async () => {
    const h = setup();
    h.instrumentation.disable();
    const value = await runEpisode({ id: 'off' }, () => runStep({ name: 's' }, () => 42));
    assert.equal(value, 42);
    assert.equal(h.spans().length, 0);
    assert.equal(h.sink.triplets.length, 0);
  });

  test('model content is private by default and recorded when asked', async () => {
    let h = setup();
    const call = () =>
      runEpisode({ id: 'content' }, () =>
        runModelCall({ model: 'm', messages: [{ role: 'user', content: 'secret prompt' }] }, (c) => {
          c.completion = [{ role: 'assistant', content: 'secret answer' }];
        }),
      );
    await call();
    assert.equal(
      Object.keys(h.span('chat m').attributes).some((k) => k.startsWith('gen_ai.prompt')),
      false,
    );
    h = setup({ captureMessageContent: true });
    await call();
    const attrs = h.span('chat m').attributes;
    assert.equal(attrs['gen_ai.prompt.0.role'], 'user');
    assert.equal(attrs['gen_ai.prompt.0.content'], 'secret prompt');
    assert.equal(attrs['gen_ai.completion.0.content'], 'secret answer');
  });
});
