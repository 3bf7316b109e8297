// The JSON API and the health checks, as an API client uses them: without
// baggage each call is a one-step episode; with `baggage: rl.episode.id=…`
// the calls are the steps of that episode. And the app without rl-otel.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { rlWarnings, startServer } from '@rl-otel/test-utils';
import { actions, episode, example, readTriplets, sandbox } from './env.ts';

async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(base + path, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & unknown[] };
}

describe('JSON API and health checks', () => {
  test('an API client proposes, approves and runs a task and gives feedback', async () => {
    const box = sandbox();
    const server = await startServer('src/server.mjs', { cwd: example, env: box.env });
    const api = (method: string, path: string, body?: unknown) =>
      call(server.url, method, path, body, { baggage: 'rl.episode.id=api-client' });
    try {
      assert.deepEqual(await call(server.url, 'GET', '/healthz'), { status: 200, body: { status: 'ok' } });
      assert.deepEqual((await call(server.url, 'GET', '/readyz')).body, {
        status: 'ready',
        database: 'sqlite',
      });

      const proposed = await api('POST', '/api/tasks', {
        feature_id: 'feat-dark',
        title: 'Contrast',
        goal: 'meet AA',
      });
      assert.equal(proposed.status, 201);
      assert.equal(proposed.body.id, 'task-107');
      assert.equal(
        (await api('POST', '/api/tasks', { feature_id: 'nope', title: 'x', goal: 'y' })).status,
        400,
      );
      assert.equal((await api('POST', '/api/tasks/task-107/run')).status, 409, 'not approved yet');
      assert.equal((await api('POST', '/api/tasks/task-107/approve')).body.status, 'approved');
      assert.equal((await api('POST', '/api/tasks/task-107/approve')).status, 409, 'approved once');

      const run = await api('POST', '/api/tasks/task-107/run');
      assert.equal(run.status, 201);
      assert.equal(run.body.id, 'task-107-run-001');
      const details = await api('GET', '/api/runs/task-107-run-001');
      assert.ok((details.body.artifacts as unknown as string[]).includes('plan.md'));
      assert.ok((details.body.usage as unknown as unknown[]).length >= 3);

      const feedback = await api('POST', '/api/runs/task-107-run-001/feedback', { value: 1 });
      assert.deepEqual(feedback, { status: 200, body: { message: 'thanks: thumbs up', recorded: true } });
      assert.equal((await api('POST', '/api/runs/task-107-run-001/feedback', { value: -1 })).status, 409);
      assert.equal((await api('POST', '/api/runs/task-107-run-001/feedback', { value: 5 })).status, 400);

      // A budget that runs out during the run: it stops before the first code attempt.
      const { spentUsd } = (await api('GET', '/api/budget')).body as unknown as { spentUsd: number };
      await api('PUT', '/api/settings', { budgetUsd: spentUsd + 0.0001 });
      const short = await api('POST', '/api/tasks/task-101/run');
      assert.deepEqual(
        [short.body.status, short.body.reason, short.body.attempts],
        ['failed', 'budget_exhausted', 0],
      );

      assert.equal((await api('PUT', '/api/settings', { budgetUsd: -1 })).status, 400);
      assert.deepEqual((await api('PUT', '/api/settings', { budgetUsd: 0 })).body, {
        budgetUsd: 0,
        maxAttempts: 3,
      });
      const refused = await api('POST', '/api/tasks/task-106/run');
      assert.equal(refused.status, 409);
      assert.match(String(refused.body.error), /budget/);
    } finally {
      const stopped = await server.stop();
      assert.deepEqual(rlWarnings(stopped.stderr), []);
    }

    const lines = readTriplets(box.triplets);
    assert.deepEqual(actions(episode(lines, 'api-client')), [
      'http POST /api/tasks',
      'http POST /api/tasks',
      'http POST /api/tasks/:id/run',
      'http POST /api/tasks/:id/approve',
      'http POST /api/tasks/:id/approve',
      'http POST /api/tasks/:id/run',
      'http GET /api/runs/:id',
      'http POST /api/runs/:id/feedback',
      'http POST /api/runs/:id/feedback',
      'http POST /api/runs/:id/feedback',
      'http GET /api/budget',
      'http PUT /api/settings',
      'http POST /api/tasks/:id/run',
      'http PUT /api/settings',
      'http PUT /api/settings',
      'http POST /api/tasks/:id/run',
    ]);
    const short = episode(lines, 'task-101-run-001');
    assert.deepEqual(actions(short), ['step plan', 'step design']);
    assert.equal(short.at(-1)?.termination_reason, 'budget_exhausted');
    assert.equal(short.at(-1)?.reward.components.episode, -1);
    // The health checks carried no baggage and no cookie: one-step episodes.
    for (const name of ['GET /healthz', 'GET /readyz']) {
      const [check] = lines.filter((l) => l.action.name === name);
      assert.equal(check?.done, true);
      assert.equal(check?.termination_reason, 'single_step');
      assert.equal(check?.episode_id, check?.trace_id);
    }
    const reward = lines.find((l) => l.action.kind === 'reward');
    assert.equal(reward?.episode_id, 'task-107-run-001');
    assert.equal(reward?.reward.value, 1);
  });

  test('without rl-otel the app runs the same and records no reward', async () => {
    const box = sandbox();
    const server = await startServer('src/server.mjs', { cwd: example, env: box.env, nodeArgs: [] });
    try {
      assert.equal((await call(server.url, 'POST', '/api/tasks/task-101/run')).status, 201);
      const feedback = await call(server.url, 'POST', '/api/runs/task-101-run-001/feedback', { value: -1 });
      assert.deepEqual(feedback.body, { message: 'thanks: thumbs down', recorded: false });
      const page = await fetch(`${server.url}/developer/runs/task-101-run-001`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /thumbs down/);
    } finally {
      const stopped = await server.stop();
      assert.equal(stopped.stderr, '');
    }
    assert.deepEqual(readTriplets(box.triplets), []);
  });
});
