import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addRewardComponent } from '@rl-otel/core';
import { setupTracing, tracer } from '@rl-otel/test-utils/tracing';

test('small reward components (model cost in dollars) keep their value; times are rounded to the microsecond', () => {
  const { sink } = setupTracing();
  tracer().startActiveSpan(
    'step',
    { attributes: { 'rl.action.kind': 'step', 'rl.action.name': 's' } },
    (step) => {
      const call = tracer().startSpan('chat', {
        attributes: { 'rl.action.kind': 'llm', 'rl.action.name': 'm' },
      });
      addRewardComponent(call, 'cost_usd', 0.000215);
      call.end();
      step.end();
    },
  );
  const c = sink.triplets[0]?.reward.components ?? {};
  assert.equal(c.cost_usd, 0.000215);
  assert.equal(c.llm_time_ms, Math.round((c.llm_time_ms ?? 0) * 1000) / 1000);
});
