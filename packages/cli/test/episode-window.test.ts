import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EpisodeWindow, type TimedSpan } from '@rl-otel/cli';
import {
  ATTR_RL_ACTION_KIND,
  ATTR_RL_ACTION_NAME,
  ATTR_RL_EPISODE_DONE,
  ATTR_RL_EPISODE_ID,
  ATTR_RL_EPISODE_TERMINAL_SPAN_ID,
  ATTR_RL_REWARD_COMPONENT_PREFIX,
  ATTR_RL_REWARD_SOURCE,
  ATTR_RL_REWARD_TARGET_SPAN_ID,
  ATTR_RL_REWARD_VALUE,
  ATTR_RL_STEP_INDEX,
  ATTR_RL_TERMINATION_REASON,
  type Triplet,
} from '@rl-otel/semantic-conventions';

/** A step span as the RL processor leaves it. */
function step(spanId: string, episode: string, index: number, endMs: number, group = 'g'): TimedSpan {
  return {
    span: {
      traceId: 't'.repeat(32),
      spanId,
      name: `step ${index}`,
      startTimeMs: endMs - 1,
      attributes: {
        [ATTR_RL_ACTION_KIND]: 'step',
        [ATTR_RL_ACTION_NAME]: `step ${index}`,
        [ATTR_RL_EPISODE_ID]: episode,
        [ATTR_RL_STEP_INDEX]: index,
        [ATTR_RL_REWARD_VALUE]: 1,
        [`${ATTR_RL_REWARD_COMPONENT_PREFIX}success`]: 1,
      },
    },
    endMs,
    group,
  };
}

/** An episode span naming its terminal step. */
function end(
  spanId: string,
  episode: string,
  terminal: string | undefined,
  endMs: number,
  reward = 10,
): TimedSpan {
  return {
    span: {
      traceId: 't'.repeat(32),
      spanId,
      name: 'rl.episode',
      startTimeMs: endMs - 5,
      attributes: {
        [ATTR_RL_EPISODE_ID]: episode,
        [ATTR_RL_EPISODE_DONE]: true,
        [ATTR_RL_TERMINATION_REASON]: 'success',
        [ATTR_RL_REWARD_VALUE]: reward,
        [`${ATTR_RL_REWARD_COMPONENT_PREFIX}episode`]: reward,
        ...(terminal === undefined ? {} : { [ATTR_RL_EPISODE_TERMINAL_SPAN_ID]: terminal }),
      },
    },
    endMs,
    group: 'g',
  };
}

function run(spans: TimedSpan[], options: { windowMs?: number; maxHeld?: number } = {}) {
  const out: Triplet[] = [];
  const window = new EpisodeWindow({
    windowMs: options.windowMs ?? 60_000,
    maxHeld: options.maxHeld ?? 1000,
    emit: (t) => out.push(t),
  });
  for (const span of spans) window.add(span);
  const beforeFinish = out.length;
  window.finish();
  return { out, beforeFinish, stats: window.stats };
}

const summary = (out: Triplet[]) =>
  out.map((t) => `${t.episode_id}/${t.step}:${t.done ? `done(${t.reward.value})` : 'open'}`).sort();

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe('EpisodeWindow', () => {
  test('an episode span marks the step it names, whichever is read first', () => {
    const spans = [step('a0', 'e', 0, 10), step('a1', 'e', 1, 20), end('E', 'e', 'a1', 21)];
    for (const order of permutations(spans)) {
      assert.deepEqual(
        summary(run(order).out),
        ['e/0:open', 'e/1:done(11)'],
        order.map((s) => s.span.spanId).join(),
      );
    }
  });

  test('an episode id used twice: each end marks its own run’s last step, in every read order', () => {
    const spans = [
      step('r0', 's', 0, 10),
      step('r1', 's', 1, 20),
      end('E1', 's', 'r1', 20, -1),
      step('r2', 's', 2, 30),
      step('r3', 's', 3, 40),
      end('E2', 's', 'r3', 40, 2),
    ];
    for (const order of permutations(spans)) {
      const { out, stats } = run(order);
      assert.deepEqual(summary(out), ['s/0:open', 's/1:done(0)', 's/2:open', 's/3:done(3)']);
      assert.equal(stats.unmatched, 0);
      assert.equal(stats.triplets, 4);
    }
  });

  test('one-step episodes and delayed rewards are written at once', () => {
    const single = step('x', 'trace-episode', 0, 5);
    (single.span.attributes as Record<string, unknown>)[ATTR_RL_EPISODE_DONE] = true;
    const reward: TimedSpan = {
      span: {
        traceId: 't'.repeat(32),
        spanId: 'rw',
        name: 'rl.reward',
        startTimeMs: 6,
        attributes: {
          [ATTR_RL_EPISODE_ID]: 'e',
          [ATTR_RL_STEP_INDEX]: 0,
          [ATTR_RL_REWARD_VALUE]: 0.5,
          [ATTR_RL_REWARD_SOURCE]: 'human',
          [ATTR_RL_REWARD_TARGET_SPAN_ID]: 'a0',
        },
      },
      endMs: 6,
      group: 'g',
    };
    const { out, beforeFinish } = run([single, reward]);
    assert.equal(beforeFinish, 2, 'nothing waited');
    assert.deepEqual(
      out.map((t) => [t.action.kind, t.done]),
      [
        ['step', true],
        ['reward', false],
      ],
    );
  });

  test('a lower step waits until the window has passed the higher step, then is written not done', () => {
    const out: Triplet[] = [];
    const window = new EpisodeWindow({ windowMs: 1000, maxHeld: 100, emit: (t) => out.push(t) });
    window.add(step('a0', 'e', 0, 0));
    window.add(step('a1', 'e', 1, 10));
    assert.equal(out.length, 0, 'an episode span ending later could still name a0');
    window.add(step('other', 'f', 0, 1010));
    assert.equal(out.length, 0, 'the watermark is not yet past 10 + 1000');
    window.add(step('other2', 'f', 1, 1012));
    assert.deepEqual(summary(out), ['e/0:open'], 'past 10 + 1 ms of clock + 1000: a0 can no longer be named');
    window.add(end('E', 'e', 'a1', 1013));
    assert.deepEqual(summary(out), ['e/0:open', 'e/1:done(11)'], 'the highest step waited for its end');
  });

  test('an episode span whose step never comes is dropped after the window and counted', () => {
    const { out, stats } = run([end('E', 'e', 'gone', 10), step('late', 'f', 0, 5000)], { windowMs: 1000 });
    assert.deepEqual(summary(out), ['f/0:open']);
    assert.equal(stats.unmatched, 1);
  });

  test('spans read more than the window behind are counted as late', () => {
    const { stats } = run([step('a', 'e', 0, 5000), step('b', 'f', 0, 10)], { windowMs: 1000 });
    assert.equal(stats.late, 1);
  });

  test('at most maxHeld spans wait: the least recently active episode gives way first', () => {
    const out: Triplet[] = [];
    const window = new EpisodeWindow({ windowMs: 60_000, maxHeld: 2, emit: (t) => out.push(t) });
    window.add(step('a', 'e1', 0, 1));
    window.add(step('b', 'e2', 0, 2));
    window.add(step('a2', 'e1', 1, 3));
    assert.deepEqual(summary(out), ['e1/0:open'], 'the due lower step of e1 went first');
    window.add(step('c', 'e3', 0, 4));
    assert.deepEqual(summary(out), ['e1/0:open', 'e2/0:open'], 'then e2, the least recently active');
    assert.equal(window.stats.early, 2);
    assert.equal(window.stats.peakHeld, 3);
  });

  test('the same episode id in two processes (resources) are two episodes', () => {
    const { out } = run([
      step('a0', 'shared', 0, 1, 'process-a'),
      step('b0', 'shared', 0, 2, 'process-b'),
      step('b1', 'shared', 1, 3, 'process-b'),
      step('b2', 'shared', 2, 4, 'process-b'),
      end('E', 'shared', 'a0', 5),
    ]);
    const done = out.filter((t) => t.done).map((t) => t.span_id);
    assert.deepEqual(done, ['a0']);
    assert.equal(out.length, 4);
  });

  test('a span read twice (an exporter retry) gives one triplet', () => {
    const { out, stats } = run([
      step('a', 'e', 0, 1),
      step('a', 'e', 0, 1),
      end('E', 'e', 'a', 2),
      end('E', 'e', 'a', 2),
    ]);
    assert.deepEqual(summary(out), ['e/0:done(11)']);
    assert.equal(stats.duplicates, 2);
  });

  test('an episode span that names no step changes nothing', () => {
    const { out } = run([step('a', 'e', 0, 1), end('E', 'e', undefined, 2)]);
    assert.deepEqual(summary(out), ['e/0:open']);
  });
});
