import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AGENTLIGHTNING_DEFAULT_MODEL_SPAN_NAME,
  agentLightningRewardNameKey,
  agentLightningRewardValueKey,
} from '@rl-otel/semantic-conventions';

test('Agent Lightning reward keys: agentlightning.reward.<i>.name / .value', () => {
  assert.equal(agentLightningRewardNameKey(0), 'agentlightning.reward.0.name');
  assert.equal(agentLightningRewardValueKey(3), 'agentlightning.reward.3.value');
  assert.match(AGENTLIGHTNING_DEFAULT_MODEL_SPAN_NAME, /openai\.chat\.completion/);
});
