import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type SpanData,
  setEpisodeOutcome,
  spansToTriplets,
  toSpanData,
  withEpisode,
  withStep,
} from '@rl-otel/core';
import { ATTR_RL_EPISODE_TERMINAL_SPAN_ID } from '@rl-otel/semantic-conventions';
import { setupTracing } from '@rl-otel/test-utils/tracing';

test('an episode span names its terminal step, so one batch with two runs of an id marks each run’s own last step', async () => {
  const { exporter, sink } = setupTracing();
  for (const reward of [-1, 2]) {
    await withEpisode({ id: 'reused' }, async () => {
      await withStep('ask', async () => {});
      await withStep('answer', async () => {});
      setEpisodeOutcome({ reward });
    });
  }
  const spans = exporter.getFinishedSpans();
  const ends = spans.filter((s) => s.name === 'rl.episode');
  const answers = spans.filter((s) => s.name === 'answer');
  assert.deepEqual(
    ends.map((s) => s.attributes[ATTR_RL_EPISODE_TERMINAL_SPAN_ID]),
    answers.map((s) => s.spanContext().spanId),
  );
  const plain: SpanData[] = spans.map((s) => JSON.parse(JSON.stringify(toSpanData(s))));
  const all = spansToTriplets(plain.reverse()).sort((a, b) => a.step - b.step);
  assert.deepEqual(
    all.map((t) => [t.step, t.action.name, t.done, t.reward.components.episode]),
    [
      [0, 'ask', false, undefined],
      [1, 'answer', true, -1],
      [2, 'ask', false, undefined],
      [3, 'answer', true, 2],
    ],
  );
  assert.deepEqual(
    all,
    [...sink.triplets].sort((a, b) => a.step - b.step),
    'the same as in-process',
  );
});

test('an episode span without steps names none, and a step that ends after its episode is not terminal', async () => {
  const { exporter, sink } = setupTracing();
  await withEpisode({ id: 'empty' }, async () => {});
  let late: Promise<void> | undefined;
  await withEpisode({ id: 'outlived' }, async () => {
    await withStep('first', async () => {});
    late = withStep('late', () => new Promise<void>((resolve) => setTimeout(resolve, 5)));
  });
  await late;
  const ends = exporter.getFinishedSpans().filter((s) => s.name === 'rl.episode');
  assert.equal(ends[0]?.attributes[ATTR_RL_EPISODE_TERMINAL_SPAN_ID], undefined);
  const first = exporter.getFinishedSpans().find((s) => s.name === 'first');
  assert.equal(ends[1]?.attributes[ATTR_RL_EPISODE_TERMINAL_SPAN_ID], first?.spanContext().spanId);
  assert.deepEqual(
    sink.triplets.map((t) => [t.action.name, t.done]),
    [
      ['first', true],
      ['late', false],
    ],
  );
});
