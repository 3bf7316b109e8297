import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { context, propagation, SpanStatusCode } from '@opentelemetry/api';
import { addRewardComponent, failStep, registerStateProvider, withEpisode, withStep } from '@rl-otel/core';
import { ATTR_RL_ACTION_KIND, ATTR_RL_ACTION_NAME, TRIPLET_SCHEMA_V1 } from '@rl-otel/semantic-conventions';
import { setupTracing, tracer } from '@rl-otel/test-utils/tracing';

const action = (name: string, kind = 'http') => ({
  attributes: { [ATTR_RL_ACTION_KIND]: kind, [ATTR_RL_ACTION_NAME]: name },
});

describe('RLSpanProcessor', () => {
  beforeEach(() => setupTracing());

  test('an action outside any episode is a one-step episode named after its trace', () => {
    const { sink, exporter } = setupTracing();
    const span = tracer().startSpan('GET', action('GET /health'));
    span.end();
    assert.equal(sink.triplets.length, 1);
    const [t] = sink.triplets;
    assert.ok(t);
    assert.equal(t.schema, TRIPLET_SCHEMA_V1);
    assert.equal(t.episode_id, span.spanContext().traceId);
    assert.equal(t.step, 0);
    assert.equal(t.done, true);
    assert.equal(t.termination_reason, 'single_step');
    assert.equal(t.action.kind, 'http');
    assert.equal(t.action.name, 'GET /health');
    assert.equal(t.reward.source, 'heuristic');
    assert.equal(t.reward.components.success, 1);
    assert.equal(typeof t.reward.components.latency_ms, 'number');
    assert.ok(t.reward.value > 0.99 && t.reward.value <= 1, `reward ${t.reward.value}`);
    assert.equal(typeof t.state.inflight_actions, 'number');
    assert.match(String(t.state.hash), /^[0-9a-f]{14}$/);
    const [exported] = exporter.getFinishedSpans();
    assert.equal(exported?.attributes['rl.reward.value'], t.reward.value);
    assert.equal(exported?.attributes['rl.episode.id'], t.episode_id);
  });

  test('a failed action has success 0 and a lower reward', () => {
    const { sink } = setupTracing();
    const span = tracer().startSpan('GET', action('GET /boom'));
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    assert.equal(sink.triplets[0]?.reward.components.success, 0);
    assert.ok((sink.triplets[0]?.reward.value ?? 1) <= 0);
  });

  test('child actions fold into their parent: calls, time and errors', () => {
    const { sink } = setupTracing();
    tracer().startActiveSpan('GET', action('GET /tasks'), (parent) => {
      for (let i = 0; i < 3; i++) {
        const q = tracer().startSpan('SELECT tasks', action('SELECT tasks', 'db'));
        if (i === 2) q.setStatus({ code: SpanStatusCode.ERROR });
        q.end();
      }
      // a plain span in between does not stop folding
      tracer().startActiveSpan('middleware', (mw) => {
        const w = tracer().startSpan('write', action('write reports/*.md', 'file'));
        addRewardComponent(w, 'bytes_written', 1024);
        w.end();
        mw.end();
      });
      parent.end();
    });
    assert.equal(sink.triplets.length, 1, 'only the step action is a triplet');
    const c = sink.triplets[0]?.reward.components ?? {};
    assert.equal(c.db_calls, 3);
    assert.equal(c.file_calls, 1);
    assert.equal(c.errors, 1);
    assert.equal(c.bytes_written, 1024);
    assert.equal(typeof c.db_time_ms, 'number');
  });

  test('failStep: a handled child failure fails the step only when a plugin says so', () => {
    const { sink } = setupTracing();
    for (const fail of [false, true]) {
      tracer().startActiveSpan('GET', action('GET /tasks'), (parent) => {
        tracer().startActiveSpan('middleware', (mw) => {
          const q = tracer().startSpan('SELECT tasks', action('SELECT tasks', 'db'));
          q.setStatus({ code: SpanStatusCode.ERROR });
          if (fail) failStep(q);
          q.end();
          mw.end();
        });
        parent.end();
      });
    }
    const [handled, failed] = sink.triplets;
    assert.equal(handled?.reward.components.success, 1, 'the app handled the error: the step succeeded');
    assert.equal(handled?.reward.components.errors, 1);
    assert.equal(failed?.reward.components.success, 0);
    assert.equal(failed?.reward.components.errors, 1, 'still one error, not two');
    failStep(undefined);
    failStep({});
  });

  test('withEpisode numbers steps, holds the last one and marks it done with the episode reward', async () => {
    const { sink, exporter } = setupTracing();
    let episodeId = '';
    await withEpisode('run-1', async (episode) => {
      episodeId = episode.id;
      for (let i = 0; i < 3; i++) {
        await withStep(`plan-${i}`, async () => {
          await sleep(1);
          const t = tracer().startSpan('tool', action('search', 'tool'));
          t.end();
        });
      }
      episode.setOutcome({ reward: 2, reason: 'success' });
    });
    assert.equal(episodeId, 'run-1');
    assert.deepEqual(
      sink.triplets.map((t) => [t.episode_id, t.step, t.action.kind, t.done]),
      [
        ['run-1', 0, 'step', false],
        ['run-1', 1, 'step', false],
        ['run-1', 2, 'step', true],
      ],
    );
    const last = sink.triplets[2];
    assert.equal(last?.termination_reason, 'success');
    assert.equal(last?.reward.components.episode, 2);
    assert.equal(last?.reward.components.tool_calls, 1);
    const first = sink.triplets[0];
    assert.ok(first && last && Math.abs(last.reward.value - (first.reward.value + 2)) < 0.01);
    const episodeSpan = exporter.getFinishedSpans().find((s) => s.name === 'rl.episode');
    assert.equal(episodeSpan?.attributes['rl.episode.done'], true);
    assert.equal(episodeSpan?.attributes['rl.episode.id'], 'run-1');
    for (const span of exporter.getFinishedSpans())
      assert.equal(span.attributes['rl.episode.id'], 'run-1', span.name);
  });

  test('an episode whose function throws ends with reason error; the error passes through', async () => {
    const { sink } = setupTracing();
    await assert.rejects(
      withEpisode('run-err', async () => {
        await withStep('only', async () => {});
        throw new Error('agent crashed');
      }),
      /agent crashed/,
    );
    assert.equal(sink.triplets.length, 1);
    assert.equal(sink.triplets[0]?.done, true);
    assert.equal(sink.triplets[0]?.termination_reason, 'error');
  });

  test('baggage rl.episode.id joins actions of separate requests into one episode', () => {
    const { sink } = setupTracing();
    const bag = propagation.createBaggage({ 'rl.episode.id': { value: 'user-42' } });
    const ctx = propagation.setBaggage(context.active(), bag);
    for (let i = 0; i < 3; i++) tracer().startSpan('GET', action('GET /page'), ctx).end();
    assert.deepEqual(
      sink.triplets.map((t) => [t.episode_id, t.step, t.done]),
      [
        ['user-42', 0, false],
        ['user-42', 1, false],
        ['user-42', 2, false],
      ],
    );
  });

  test('concurrent episodes never mix', async () => {
    const { sink } = setupTracing();
    const run = (id: string) =>
      withEpisode(id, async () => {
        for (let i = 0; i < 5; i++) {
          await withStep('s', async () => {
            await sleep(Math.random() * 3);
          });
        }
      });
    await Promise.all([run('a'), run('b')]);
    for (const id of ['a', 'b']) {
      const steps = sink.triplets.filter((t) => t.episode_id === id).map((t) => t.step);
      assert.deepEqual(
        steps.sort((x, y) => x - y),
        [0, 1, 2, 3, 4],
      );
    }
  });

  test('state providers add bounded app state; a throwing provider warns once', () => {
    const { sink, warnings } = setupTracing();
    const off1 = registerStateProvider('queue', () => ({
      depth: 3,
      name: 'x'.repeat(500),
      nested: { a: 1 } as never,
    }));
    const off2 = registerStateProvider('broken', () => {
      throw new Error('nope');
    });
    tracer().startSpan('a', action('a')).end();
    tracer().startSpan('b', action('b')).end();
    off1();
    off2();
    const state = sink.triplets[0]?.state ?? {};
    assert.equal(state['app.queue.depth'], 3);
    assert.equal(String(state['app.queue.name']).length, 128);
    assert.equal(state['app.queue.nested'], undefined);
    assert.equal(warnings.filter((w) => w.includes('"broken"')).length, 1);
  });
});
