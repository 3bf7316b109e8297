// The orchestrator loop: a task run goes through planning, design, then code →
// review → test until the tests pass, the attempts run out or the budget does.
// It talks to rl-otel only through the dependency-free hook API: the run is an
// episode, each phase a step, each tool and model call an action with its token
// usage, the outcome the episode reward. Without rl-otel the hooks just run the
// functions.
import { trace } from '@opentelemetry/api';
import {
  episodeDone,
  reward,
  runEpisode,
  runModelCall,
  runStep,
  runTool,
} from '@rl-otel/instrumentation-orchestrator/hooks';
import {
  answer,
  codeText,
  costUsd,
  designText,
  planText,
  reviewVerdict,
  rng,
  TEAM,
  testsPass,
} from './agents.mjs';

const RUNNABLE = ['approved', 'failed'];

export function createOrchestrator({ store, artifacts, seed = '42', onChange = async () => {} }) {
  let running = 0;
  // What each agent works on now (agent id → "run (phase)"), for the team's status.
  const working = new Map();

  /**
   * Runs one task to its end. Returns `{ run }` (the finished run row), or
   * `{ refused }` with a reason when the task cannot run now.
   */
  async function runTask(taskId) {
    const task = await store.task(taskId);
    if (task === undefined) return { refused: 'no such task' };
    if (!RUNNABLE.includes(task.status)) return { refused: `the task is ${task.status}, not approved` };
    const { leftUsd } = await store.budget();
    if (leftUsd <= 0) return { refused: 'the budget is spent; raise it on the manager dashboard' };
    const { maxAttempts } = await store.settings();
    if (!(await store.setTaskStatus(taskId, 'running', RUNNABLE)))
      return { refused: 'the task is already running' };
    const runId = await store.startRun(taskId);
    running++;
    await onChange();
    try {
      const result = await runEpisode(
        { id: runId, name: 'dev-process', attributes: { 'app.task.id': taskId } },
        () => phases(task, runId, { maxAttempts, leftUsd }),
      );
      await store.finishRun(runId, result);
      await store.setTaskStatus(taskId, result.status === 'succeeded' ? 'done' : 'failed', ['running']);
      return { run: await store.run(runId) };
    } catch (error) {
      await store.finishRun(runId, { status: 'error', attempts: 0, reason: 'error', outcomeReward: null });
      await store.setTaskStatus(taskId, 'approved', ['running']);
      throw error;
    } finally {
      running--;
      await onChange();
    }
  }

  /**
   * The phases of one run, inside its episode. Database work here happens
   * inside steps only: a query between steps would be a step of its own.
   */
  async function phases(task, runId, { maxAttempts, leftUsd }) {
    const random = (...parts) => rng(seed, runId, ...parts);
    let terminal;
    let calls = 0;
    let spentUsd = 0;

    // Each phase is a step; its span context is kept so that feedback given
    // after the run can reward the run's last step (a delayed reward).
    const step = (name, agent, fn) =>
      runStep({ name, agent }, async () => {
        terminal = trace.getActiveSpan()?.spanContext() ?? terminal;
        working.set(agent, `${runId} (${name})`);
        try {
          return await fn();
        } finally {
          working.delete(agent);
        }
      });
    const tool = (name, fn) => runTool({ name, callId: `${runId}-${name}-${++calls}` }, fn);
    const ask = async (agentId, phase, prompt, content, r) => {
      const { model } = TEAM.find((a) => a.id === agentId);
      const id = `${runId}-${phase}-${++calls}`;
      const res = await runModelCall({ model, provider: 'scripted' }, () =>
        answer(model, id, prompt, content, r),
      );
      const { prompt_tokens: inputTokens, completion_tokens: outputTokens } = res.usage;
      const cost = costUsd(model, inputTokens, outputTokens);
      spentUsd += cost;
      await store.addUsage({
        id,
        runId,
        agent: agentId,
        phase,
        model,
        inputTokens,
        outputTokens,
        costUsd: cost,
      });
      return res.choices[0].message.content;
    };
    const write = (name, content) => tool('write_file', () => artifacts.write(task.id, runId, name, content));
    const read = (name) => tool('read_file', () => artifacts.read(task.id, runId, name));

    await step('plan', 'planner', async () => {
      const plan = await ask('planner', 'plan', task.goal, planText(task), random('plan'));
      await write('plan.md', plan);
    });
    await step('design', 'designer', async () => {
      const plan = await read('plan.md');
      const r = random('design');
      await write('design.md', await ask('designer', 'design', plan, designText(task, r), r));
    });

    let passed = false;
    let reason = 'attempts_exhausted';
    let attempt = 0;
    while (attempt < maxAttempts && !passed) {
      // The budget left when the run started, less what this run spent since.
      if (spentUsd >= leftUsd) {
        reason = 'budget_exhausted';
        break;
      }
      attempt++;
      await step('code', 'coder', async () => {
        const design = await read('design.md');
        const r = random('code', attempt);
        await write(`code-${attempt}.js`, await ask('coder', 'code', design, codeText(task, attempt, r), r));
      });
      const verdict = await step('review', 'reviewer', async () => {
        const code = await read(`code-${attempt}.js`);
        const r = random('review', attempt);
        const v = reviewVerdict(attempt, r);
        const text =
          v === 'approve' ? 'Approved: small, clear, tested.' : 'Changes requested: validate the input type.';
        await write(
          `review-${attempt}.md`,
          await ask('reviewer', 'review', code, `# Review ${attempt}\n\n${text}\n`, r),
        );
        if (v === 'changes') reward(-0.1, { name: 'review' });
        return v;
      });
      if (verdict === 'changes') continue;
      passed = await step('test', 'tester', async () => {
        const ok = await tool('run_tests', async () => {
          const r = random('test', attempt);
          const pass = testsPass(attempt, r);
          const total = 8 + Math.floor(r() * 8);
          const failed = pass ? 0 : 1 + Math.floor(r() * 3);
          await artifacts.write(
            task.id,
            runId,
            `test-${attempt}.txt`,
            `tests: ${total}, passed: ${total - failed}, failed: ${failed}\n`,
          );
          return pass;
        });
        // Shaping: a small reward for a green run, a small penalty for a red one.
        reward(ok ? 0.2 : -0.2, { name: 'tests' });
        return ok;
      });
    }
    if (passed) reason = 'success';
    const outcomeReward = passed ? 1 : -1;
    // The outcome is the episode reward, added to the last step.
    episodeDone({ success: passed, reason, reward: outcomeReward });
    return { status: passed ? 'succeeded' : 'failed', attempts: attempt, reason, outcomeReward, terminal };
  }

  return {
    runTask,
    get running() {
      return running;
    },
    /** What the agent works on now, or undefined when it is idle. */
    workingOn: (agentId) => working.get(agentId),
  };
}
