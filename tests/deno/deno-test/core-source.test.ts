// @rl-otel/core imported from its TypeScript source (as JSR serves it), on Deno:
// episodes, steps, rewards and triplets through a real tracer provider.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import {
  InMemoryTripletSink,
  RLSpanProcessor,
  recordReward,
  spansToTriplets,
  withEpisode,
  withStep,
} from '../../../packages/core/src/index.ts';
import { computeReward, DEFAULT_REWARD_WEIGHTS } from '../../../packages/semantic-conventions/src/index.ts';

test('core from source on Deno: an episode of three steps becomes three triplets', async () => {
  const sink = new InMemoryTripletSink();
  const provider = new TracerProvider({ spanProcessors: [new RLSpanProcessor({ sink })] });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  await withEpisode('deno-run', async (episode) => {
    for (const name of ['plan', 'code', 'review']) {
      await withStep(name, async () => {
        await new Promise((r) => setTimeout(r, 1));
        if (name === 'review') recordReward({ value: 0.5, source: 'evaluator' });
      });
    }
    episode.setOutcome({ reward: 1 });
  });
  assert.deepEqual(
    sink.triplets.map((t) => [t.episode_id, t.step, t.action.name, t.done]),
    [
      ['deno-run', 0, 'plan', false],
      ['deno-run', 1, 'code', false],
      ['deno-run', 2, 'review', true],
    ],
  );
  assert.equal(sink.triplets[2]?.reward.value, 1.5);
  assert.deepEqual(spansToTriplets([]), []);
  assert.equal(computeReward({ success: 1 }, DEFAULT_REWARD_WEIGHTS), 1);
});
