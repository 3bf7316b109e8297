import assert from 'node:assert/strict';
import { test } from 'node:test';
import { trace } from '@opentelemetry/api';
import { recordReward } from '@rl-otel/core';
import {
  AgentLightningSpanProcessor,
  OrchestratorInstrumentation,
  runEpisode,
  runModelCall,
  runStep,
} from '@rl-otel/instrumentation-orchestrator';
import { setupTracing } from '@rl-otel/test-utils/tracing';

test('AgentLightningSpanProcessor in a hand-built provider: a delayed reward becomes an annotation at once; GenAI names can be kept', async () => {
  const { provider, exporter, warnings } = setupTracing({
    spanProcessors: [
      new AgentLightningSpanProcessor({ rolloutId: 'r', attemptId: 'a', modelSpanName: false }),
    ],
  });
  const instrumentation = new OrchestratorInstrumentation();
  instrumentation.setTracerProvider(provider);

  let stepSpan: ReturnType<typeof trace.getActiveSpan>;
  await runEpisode({ id: 'e' }, () =>
    runStep({ name: 'answer' }, async () => {
      stepSpan = trace.getActiveSpan();
      await runModelCall({ model: 'm' }, (c) => {
        c.responseId = 'x';
      });
    }),
  );
  assert.ok(stepSpan);
  assert.equal(recordReward({ value: 0.7, name: 'user_feedback' }, { span: stepSpan }), true);
  const spans = exporter.getFinishedSpans();
  assert.ok(
    spans.some((s) => s.name === 'chat m'),
    'the GenAI name is kept',
  );
  const annotation = spans.find((s) => s.name === 'agentlightning.annotation');
  assert.ok(annotation);
  assert.equal(annotation.attributes['agentlightning.reward.0.name'], 'user_feedback');
  assert.equal(annotation.attributes['agentlightning.reward.0.value'], 0.7);
  assert.equal(annotation.attributes['agentlightning.rollout_id'], 'r');
  assert.ok(spans.every((s) => s.attributes['agentlightning.attempt_id'] === 'a'));
  assert.deepEqual(warnings, []);
  instrumentation.disable();
});
