import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  computeReward,
  DEFAULT_REWARD_WEIGHTS,
  hashState,
  isFiniteNumber,
  parseRewardWeights,
} from '@rl-otel/semantic-conventions';

test('computeReward is the weighted sum over the components that have a weight', () => {
  assert.equal(computeReward({ success: 1, latency_ms: 1000, db_calls: 3 }, DEFAULT_REWARD_WEIGHTS), 0.9);
  assert.equal(computeReward({ success: 0, errors: 2 }, DEFAULT_REWARD_WEIGHTS), -0.2);
  assert.equal(computeReward({ a: 0.1, b: 0.2 }, { a: 1, b: 1 }), 0.3, 'no binary noise');
  assert.equal(computeReward({}, DEFAULT_REWARD_WEIGHTS), 0);
});

test('parseRewardWeights reads name=number pairs and JSON', () => {
  assert.deepEqual(parseRewardWeights('success=2, latency_ms=-0.001'), {
    ok: true,
    value: { success: 2, latency_ms: -0.001 },
  });
  assert.deepEqual(parseRewardWeights('{"cost_usd": -5}'), { ok: true, value: { cost_usd: -5 } });
});

test('parseRewardWeights explains what is wrong', () => {
  const cases: Array<[string, RegExp]> = [
    ['', /empty/],
    ['garbage', /not of the form name=number/],
    ['success=', /not a finite number/],
    ['success=abc', /not a finite number/],
    ['Success=1', /not a component name/],
    ['{"success": "1"}', /not a finite number/],
    ['{nope', /not valid JSON/],
    ['[1]', /not of the form name=number/],
    ['{"a": 1, "b": [2]}', /not a finite number/],
  ];
  for (const [text, error] of cases) {
    const result = parseRewardWeights(text);
    assert.equal(result.ok, false, text);
    if (!result.ok) assert.match(result.error, error, text);
  }
});

test('hashState is stable, order-independent, and ignores the hash itself', () => {
  const a = hashState({ x: 1, y: 'two', z: true });
  assert.match(a, /^[0-9a-f]{14}$/);
  assert.equal(hashState({ z: true, y: 'two', x: 1, hash: 'old' }), a);
  assert.notEqual(hashState({ x: 2, y: 'two', z: true }), a);
  assert.notEqual(hashState({ x: '1', y: 'two', z: true }), a, 'a string and a number differ');
});

test('isFiniteNumber guards rewards', () => {
  assert.equal(isFiniteNumber(1.5), true);
  for (const v of [Number.NaN, Number.POSITIVE_INFINITY, '1', null, undefined])
    assert.equal(isFiniteNumber(v), false);
});
