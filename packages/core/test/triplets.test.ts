import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type SpanData, spansToTriplets, toSpanData, withEpisode, withStep } from '@rl-otel/core';
import { setupTracing } from '@rl-otel/test-utils/tracing';

test('spansToTriplets gives the same triplets from SDK spans and from plain span data', async () => {
  const { exporter, sink } = setupTracing();
  await withEpisode({ id: 'pure' }, async (episode) => {
    await withStep('a', async () => {});
    await withStep('b', async () => {});
    episode.setOutcome({ reward: 1 });
  });
  const spans = exporter.getFinishedSpans();
  const plain: SpanData[] = spans.map((s) => JSON.parse(JSON.stringify(toSpanData(s))));
  // order does not matter for the episode's end, and the offline path sees plain data
  const fromSdk = spansToTriplets(spans);
  const fromPlain = spansToTriplets(plain.reverse()).sort((x, y) => x.step - y.step);
  assert.deepEqual(fromPlain, fromSdk);
  assert.deepEqual(fromSdk, sink.triplets, 'in-process sink wrote exactly what the pure function gives');
  assert.equal(fromSdk.at(-1)?.done, true);
});

test('spans without a role give no triplets', () => {
  assert.deepEqual(
    spansToTriplets([
      { traceId: 't', spanId: 's', name: 'x', startTimeMs: 0, attributes: { 'http.route': '/' } },
    ]),
    [],
  );
});
