import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import {
  getRewardWeights,
  recordReward,
  setRewardFunction,
  setRewardWeightsFromText,
  withEpisode,
  withStep,
} from '@rl-otel/core';
import { ATTR_RL_ACTION_KIND, DEFAULT_REWARD_WEIGHTS } from '@rl-otel/semantic-conventions';
import { setupTracing, tracer } from '@rl-otel/test-utils/tracing';

describe('rewards', () => {
  beforeEach(() => setupTracing());

  test('RL_OTEL_REWARD_WEIGHTS text is applied over the defaults', () => {
    assert.equal(setRewardWeightsFromText('success=2, latency_ms=0'), true);
    assert.equal(getRewardWeights().success, 2);
    assert.equal(getRewardWeights().cost_usd, DEFAULT_REWARD_WEIGHTS.cost_usd);
    const { sink } = setupTracing();
    assert.equal(setRewardWeightsFromText('{"success": 3, "latency_ms": 0}'), true);
    tracer()
      .startSpan('x', { attributes: { [ATTR_RL_ACTION_KIND]: 'http' } })
      .end();
    assert.equal(sink.triplets[0]?.reward.value, 3);
  });

  test('garbage weights warn once in plain words and keep the defaults', () => {
    const { warnings } = setupTracing();
    assert.equal(setRewardWeightsFromText('garbage'), false);
    assert.equal(setRewardWeightsFromText('garbage'), false);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /RL_OTEL_REWARD_WEIGHTS is not valid/);
    assert.deepEqual({ ...getRewardWeights() }, { ...DEFAULT_REWARD_WEIGHTS });
  });

  test('a reward function replaces the weights; a bad one falls back with one warning', () => {
    const { sink, warnings } = setupTracing();
    setRewardFunction((c, a) => (a.kind === 'http' ? (c.success ?? 0) * 10 : 0));
    tracer()
      .startSpan('x', { attributes: { [ATTR_RL_ACTION_KIND]: 'http' } })
      .end();
    assert.equal(sink.triplets[0]?.reward.value, 10);
    setRewardFunction(() => Number.NaN);
    tracer()
      .startSpan('x', { attributes: { [ATTR_RL_ACTION_KIND]: 'http' } })
      .end();
    tracer()
      .startSpan('x', { attributes: { [ATTR_RL_ACTION_KIND]: 'http' } })
      .end();
    assert.ok((sink.triplets[1]?.reward.value ?? 0) > 0.9);
    assert.equal(warnings.filter((w) => w.includes('reward function returned')).length, 1);
  });

  test('recordReward on the active action becomes its reward (several add up)', async () => {
    const { sink } = setupTracing();
    await withEpisode('e', async () => {
      await withStep('review', async () => {
        const tool = tracer().startSpan('lint', { attributes: { [ATTR_RL_ACTION_KIND]: 'tool' } });
        assert.equal(recordReward({ value: 0.5, source: 'evaluator', name: 'tests' }), true);
        assert.equal(recordReward(0.25), true);
        tool.end();
      });
    });
    const t = sink.triplets[0];
    assert.equal(t?.reward.value, 0.75);
    assert.equal(t?.reward.source, 'env');
    assert.equal(t?.reward.components.explicit, 0.75);
  });

  test('recordReward after the action ended writes a linked rl.reward span and a reward line', () => {
    const { sink, exporter } = setupTracing();
    const span = tracer().startSpan('POST', {
      attributes: { [ATTR_RL_ACTION_KIND]: 'http', 'rl.action.name': 'POST /answer' },
    });
    span.end();
    assert.equal(recordReward({ value: -1, source: 'human', name: 'thumbs_down' }, { span }), true);
    const reward = exporter.getFinishedSpans().find((s) => s.name === 'rl.reward');
    assert.ok(reward);
    assert.equal(reward.links[0]?.context.spanId, span.spanContext().spanId);
    assert.equal(reward.parentSpanContext?.spanId, span.spanContext().spanId);
    const line = sink.triplets[1];
    assert.equal(line?.action.kind, 'reward');
    assert.equal(line?.action.name, 'POST /answer');
    assert.equal(line?.episode_id, sink.triplets[0]?.episode_id);
    assert.equal(line?.step, 0);
    assert.equal(line?.reward.value, -1);
    assert.equal(line?.reward.source, 'human');
  });

  test('a reward that is not a finite number is refused with one warning', () => {
    const { sink, warnings } = setupTracing();
    tracer().startActiveSpan('x', { attributes: { [ATTR_RL_ACTION_KIND]: 'http' } }, (span) => {
      assert.equal(recordReward(Number.NaN), false);
      assert.equal(recordReward(Number.POSITIVE_INFINITY), false);
      span.end();
    });
    assert.equal(sink.triplets[0]?.reward.source, 'heuristic');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /finite number/);
  });

  test('recordReward with no action warns and records nothing', () => {
    const { sink, warnings } = setupTracing();
    assert.equal(recordReward(1), false);
    assert.equal(sink.triplets.length, 0);
    assert.match(warnings[0] ?? '', /no active action/);
  });
});
