// An orchestration loop: a planner plans, a coder writes code (a tool call),
// a tester runs the tests (a tool call), a reviewer reviews; repeat until the
// tests pass or three tries are used up. Each task is an episode, each agent
// turn a step, each tool and model call an action; the outcome is the reward.
//
// Run it as `node --import @rl-otel/auto app.mjs` (run.mjs does).
import {
  episodeDone,
  reward,
  runEpisode,
  runModelCall,
  runStep,
  runTool,
} from '@rl-otel/instrumentation-orchestrator/hooks';
import { scriptedModel, TASKS } from './agents.mjs';

const MAX_TRIES = 3;

/** One model call through the hook API: the OpenAI-shaped answer carries id and usage. */
const ask = (model, chat, prompt) => runModelCall({ model, provider: 'scripted' }, () => chat(prompt));

for (const task of TASKS) {
  const planner = scriptedModel('planner-small', [`plan for ${task.goal}`]);
  const coder = scriptedModel('coder-large', task.attempts);
  const reviewer = scriptedModel('reviewer-small', ['looks good', 'needs work']);
  await runEpisode({ id: task.id, name: 'dev-loop' }, async () => {
    await runStep({ name: 'plan', agent: 'planner' }, () => ask('planner-small', planner, task.goal));
    let passed = false;
    for (let attempt = 0; attempt < MAX_TRIES && !passed; attempt++) {
      await runStep({ name: 'write_code', agent: 'coder' }, async () => {
        const answer = await ask('coder-large', coder, task.goal);
        await runTool(
          { name: 'write_file', callId: `${task.id}-write-${attempt}` },
          () => answer.choices[0].message.content,
        );
      });
      passed = await runStep({ name: 'run_tests', agent: 'tester' }, async () => {
        const ok = await runTool(
          { name: 'run_tests', callId: `${task.id}-test-${attempt}` },
          () => task.tests[attempt],
        );
        // Shaping: a small reward for a green run, a small penalty for a red one.
        reward(ok ? 0.2 : -0.2, { name: 'tests' });
        return ok;
      });
    }
    await runStep({ name: 'review', agent: 'reviewer' }, () => ask('reviewer-small', reviewer, task.goal));
    // The outcome: +1 when the tests pass, -1 when the loop gave up.
    episodeDone({ success: passed, reward: passed ? 1 : -1 });
  });
}
console.log(`ran ${TASKS.length} episodes`);
