// `npm start`: the app under `node --import @rl-otel/auto`, driven by the
// scripted session, and the summary it prints. Checked against what rl-otel
// wrote: the session is one episode of clicks, each task run an episode of
// phases with token usage, the outcome on the last step, the user's feedback a
// delayed reward of that step. The same check runs on SQLite here; with
// DATABASE_URL in `env` it runs on PostgreSQL.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ATTR_RL_REWARD_TARGET_SPAN_ID } from '@rl-otel/semantic-conventions';
import { checkEpisodeSteps, rlWarnings, runNode } from '@rl-otel/test-utils';
import { actions, episode, example, readTriplets, sandbox } from './env.ts';

/** Runs `npm start` (run.mjs) with a fresh sandbox plus `env`, and checks its triplets. */
export async function checkScriptedSession(env: Record<string, string> = {}): Promise<void> {
  const box = sandbox();
  const result = await runNode('run.mjs', {
    cwd: example,
    nodeArgs: [],
    env: { ...box.env, ...env },
    timeoutMs: 60_000,
  });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(rlWarnings(result.stderr), []);
  assert.match(result.stdout, /episode scripted-user \(the user session\): 22 steps/);
  assert.ok(result.stdout.includes(`triplets:  ${box.triplets}`), result.stdout);

  const lines = readTriplets(box.triplets);
  // The session: every request of the script (a button's POST and the redirect it answers) is the next step.
  const session = episode(lines, 'scripted-user');
  assert.deepEqual(actions(session), [
    'http GET /manager',
    'http GET /product',
    'http POST /tasks/:id/approve',
    'http GET /manager',
    'http POST /manager/settings',
    'http GET /manager',
    'http GET /developer',
    ...['http POST /tasks/:id/run', 'http POST /runs/next', 'http POST /tasks/:id/run'].flatMap((run) => [
      run,
      'http GET /developer/runs/:id',
      'http POST /runs/:id/feedback',
      'http GET /developer/runs/:id',
    ]),
    'http GET /product',
    'http GET /api/budget',
    'http GET /triplets',
  ]);
  assert.deepEqual(
    session.map((l) => l.step),
    session.map((_, i) => i),
  );
  assert.ok(
    session.every((l) => !l.done),
    'a session has no end',
  );
  // The app's own state is part of each step's state.
  assert.equal(session[0]?.state['app.dashboard.tasks_proposed'], 3);
  assert.equal(session[3]?.state['app.dashboard.tasks_proposed'], 2, 'after the approval');
  assert.equal(typeof session[0]?.state['app.dashboard.budget_left_usd'], 'number');
  // The manager page's queries (SQLite or PostgreSQL plugin) fold into its action.
  assert.ok((session[0]?.reward.components.db_calls ?? 0) > 0, 'database calls fold into the page view');
  assert.equal(typeof session[0]?.reward.components.db_time_ms, 'number');
  // A run inside a request is an episode of its own; its work still folds into the request's action.
  const runClick = session[7];
  assert.ok(
    (runClick?.reward.components.llm_calls ?? 0) > 0 && (runClick?.reward.components.cost_usd ?? 0) > 0,
  );

  // The runs: seed 42 gives these outcomes every time.
  const runs = [
    { id: 'task-102-run-001', reason: 'attempts_exhausted', outcome: -1, feedback: -1 },
    { id: 'task-101-run-001', reason: 'success', outcome: 1, feedback: 1 },
    { id: 'task-103-run-001', reason: 'success', outcome: 1, feedback: 1 },
  ];
  for (const run of runs) {
    const all = episode(lines, run.id);
    const steps = all.filter((l) => l.action.kind !== 'reward');
    assert.deepEqual(
      actions(steps).slice(0, 3),
      ['step plan', 'step design', 'step code'],
      `${run.id} goes through the phases`,
    );
    checkEpisodeSteps(steps, run.id);
    const last = steps.at(-1)!;
    assert.equal(last.termination_reason, run.reason);
    assert.equal(last.reward.components.episode, run.outcome);
    for (const step of steps.filter((l) => l.action.name !== 'test')) {
      const c = step.reward.components;
      assert.equal(c.llm_calls, 1, `${run.id} step ${step.step}: one model call`);
      assert.ok((c.tokens ?? 0) > 0 && (c.cost_usd ?? 0) > 0, `${run.id} step ${step.step}: tokens and cost`);
      assert.ok((c.tool_calls ?? 0) >= 1 && (c.file_calls ?? 0) >= 1, 'tools write artifacts');
    }
    for (const test of steps.filter((l) => l.action.name === 'test'))
      assert.equal(Math.abs(test.reward.components.explicit ?? 0), 0.2, 'the tester’s shaping reward');
    // The user's thumbs: a delayed reward of the run's last step.
    const feedback = all.filter((l) => l.action.kind === 'reward');
    assert.equal(feedback.length, 1, `${run.id}: one feedback line`);
    assert.equal(feedback[0]?.reward.value, run.feedback);
    assert.equal(feedback[0]?.reward.source, 'human');
    assert.equal(feedback[0]?.step, last.step);
    assert.equal(feedback[0]?.action.name, last.action.name);
    assert.equal(feedback[0]?.action.attributes[ATTR_RL_REWARD_TARGET_SPAN_ID], last.span_id);
    assert.ok(existsSync(join(box.artifacts, 'tasks', run.id.slice(0, 8), run.id, 'plan.md')));
  }
}
