// The web app: three dashboards (manager, developer, product), the triplets
// page, a JSON API and health checks. HTML is rendered on the server; every
// button is a form POST answered with a redirect, so it works without scripts.
import { Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { diffLines } from './artifacts.mjs';
import { giveFeedback } from './feedback.mjs';
import { SESSION_COOKIE, sessionOf } from './session.mjs';
import { readTriplets, summarize } from './triplets.mjs';
import { runView, tasksView, taskView } from './views/developer.mjs';
import { page } from './views/layout.mjs';
import { managerView } from './views/manager.mjs';
import { productView } from './views/product.mjs';
import { tripletsView } from './views/triplets.mjs';

export function createApp({ store, artifacts, orchestrator, tripletsFile, onChange = async () => {} }) {
  const app = new Hono();

  app.use('*', async (c, next) => {
    const session = sessionOf(c.env?.incoming);
    c.set('session', session?.id);
    if (session?.isNew)
      setCookie(c, SESSION_COOKIE, session.id, { path: '/', httpOnly: true, sameSite: 'Lax' });
    await next();
  });

  const render = (c, title, active, body) =>
    c.html(page({ title, active, session: c.get('session'), notice: c.req.query('notice') }, body));
  const back = (c, to, notice) => c.redirect(notice ? `${to}?notice=${encodeURIComponent(notice)}` : to, 303);

  // Health: liveness needs nothing, readiness needs the database.
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    try {
      await store.db.get('SELECT 1 AS ok');
      return c.json({ status: 'ready', database: store.db.dialect });
    } catch {
      return c.json({ status: 'unavailable', database: store.db.dialect }, 503);
    }
  });

  // Pages
  app.get('/', (c) => c.redirect('/manager', 302));

  app.get('/manager', async (c) => render(c, 'Manager', '/manager', managerView(await managerData())));
  app.post('/manager/settings', async (c) => {
    const form = await c.req.parseBody();
    const problem = await saveSettings({ budgetUsd: form.budget_usd, maxAttempts: form.max_attempts });
    return back(c, '/manager', problem ?? 'settings saved');
  });
  app.post('/tasks/:id/approve', async (c) =>
    back(c, '/manager', await decide(c.req.param('id'), 'approved')),
  );
  app.post('/tasks/:id/reject', async (c) =>
    back(c, '/manager', await decide(c.req.param('id'), 'rejected')),
  );
  app.post('/tasks/:id/run', async (c) => {
    const id = c.req.param('id');
    const result = await orchestrator.runTask(id);
    if (result.refused) return back(c, `/developer/tasks/${id}`, `not run: ${result.refused}`);
    return back(c, `/developer/runs/${result.run.id}`, `run ${result.run.status}: ${result.run.reason}`);
  });
  app.post('/runs/next', async (c) => {
    const [next] = await store.tasks('approved');
    if (next === undefined) return back(c, '/manager', 'no approved task to run');
    const result = await orchestrator.runTask(next.id);
    if (result.refused) return back(c, '/manager', `not run: ${result.refused}`);
    return back(c, `/developer/runs/${result.run.id}`, `run ${result.run.status}: ${result.run.reason}`);
  });
  app.post('/runs/:id/feedback', async (c) => {
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    const result = await giveFeedback(store, id, Number(form.value));
    await onChange();
    return back(c, `/developer/runs/${id}`, result.message);
  });

  app.get('/developer', async (c) =>
    render(c, 'Developer', '/developer', tasksView({ tasks: await store.tasks() })),
  );
  app.get('/developer/tasks/:id', async (c) => {
    const task = await store.task(c.req.param('id'));
    if (task === undefined) return c.notFound();
    const body = taskView({ task, runs: await store.runs(task.id) });
    return render(c, `${task.id}: ${task.title}`, '/developer', body);
  });
  app.get('/developer/runs/:id', async (c) => {
    const data = await runData(c.req.param('id'));
    if (data === undefined) return c.notFound();
    return render(c, `Run ${data.run.id}`, '/developer', runView(data));
  });

  app.get('/product', async (c) =>
    render(
      c,
      'Product',
      '/product',
      productView({ features: await store.features(), tasks: await store.tasks() }),
    ),
  );
  app.post('/product/tasks', async (c) => {
    const form = await c.req.parseBody();
    const result = await propose(form);
    return back(c, '/product', result.problem ?? `proposed ${result.id}; it waits for approval`);
  });

  app.get('/triplets', async (c) => {
    const summary = summarize(await readTriplets(tripletsFile));
    return render(
      c,
      'Triplets',
      '/triplets',
      tripletsView({ summary, path: tripletsFile, kind: c.req.query('kind') }),
    );
  });

  // JSON API
  app.get('/api/team', async (c) => c.json(await store.team()));
  app.get('/api/budget', async (c) => c.json(await store.budget()));
  app.get('/api/settings', async (c) => c.json(await store.settings()));
  app.put('/api/settings', async (c) => {
    const problem = await saveSettings(await c.req.json());
    return problem ? c.json({ error: problem }, 400) : c.json(await store.settings());
  });
  app.get('/api/features', async (c) => c.json(await store.features()));
  app.get('/api/tasks', async (c) => c.json(await store.tasks(c.req.query('status'))));
  app.post('/api/tasks', async (c) => {
    const result = await propose(await c.req.json());
    return result.problem ? c.json({ error: result.problem }, 400) : c.json(await store.task(result.id), 201);
  });
  app.get('/api/tasks/:id', async (c) => {
    const task = await store.task(c.req.param('id'));
    return task
      ? c.json({ ...task, runs: await store.runs(task.id) })
      : c.json({ error: 'no such task' }, 404);
  });
  app.get('/api/approvals', async (c) => c.json(await store.tasks('proposed')));
  app.post('/api/tasks/:id/approve', async (c) => decideJson(c, 'approved'));
  app.post('/api/tasks/:id/reject', async (c) => decideJson(c, 'rejected'));
  app.post('/api/tasks/:id/run', async (c) => {
    const result = await orchestrator.runTask(c.req.param('id'));
    return result.refused ? c.json({ error: result.refused }, 409) : c.json(result.run, 201);
  });
  app.get('/api/runs/:id', async (c) => {
    const data = await runData(c.req.param('id'));
    if (data === undefined) return c.json({ error: 'no such run' }, 404);
    return c.json({ ...data.run, usage: data.usage, artifacts: data.artifacts.map((a) => a.name) });
  });
  app.post('/api/runs/:id/feedback', async (c) => {
    const body = await c.req.json().catch(() => ({}));
    const result = await giveFeedback(store, c.req.param('id'), Number(body.value));
    await onChange();
    return c.json({ message: result.message, recorded: result.recorded ?? false }, result.status);
  });
  app.get('/api/triplets/summary', async (c) => {
    const s = summarize(await readTriplets(tripletsFile));
    return c.json({
      file: tripletsFile,
      total: s.total,
      actions: s.series.map((x) => ({ action: x.label, count: x.points.length, mean_reward: x.mean })),
      episodes: s.episodes,
      one_step_episodes: s.singleStep,
    });
  });

  return app;

  async function managerData() {
    const [budget, settings, team, approvals, approved, runs] = await Promise.all([
      store.budget(),
      store.settings(),
      store.team(),
      store.tasks('proposed'),
      store.tasks('approved'),
      store.recentRuns(),
    ]);
    for (const agent of team) agent.working = orchestrator.workingOn(agent.id);
    return { budget, settings, team, approvals, approved, runs };
  }

  async function runData(id) {
    const run = await store.run(id);
    if (run === undefined) return undefined;
    const task = await store.task(run.task_id);
    const names = await artifacts.list(task.id, run.id);
    const files = [];
    for (const name of names) files.push({ name, content: await artifacts.read(task.id, run.id, name) });
    const code = files.filter((f) => f.name.startsWith('code-'));
    const diffs = code
      .slice(1)
      .map((f, i) => ({ from: code[i].name, to: f.name, lines: diffLines(code[i].content, f.content) }));
    return { run, task, usage: await store.usage(run.id), artifacts: files, diffs };
  }

  async function decide(id, status) {
    const ok = await store.setTaskStatus(id, status, ['proposed']);
    await onChange();
    return ok ? `${id} ${status}` : `${id} is not waiting for approval`;
  }

  async function decideJson(c, status) {
    const id = c.req.param('id');
    if (!(await store.setTaskStatus(id, status, ['proposed'])))
      return c.json({ error: `${id} is not waiting for approval` }, 409);
    await onChange();
    return c.json(await store.task(id));
  }

  async function saveSettings({ budgetUsd, maxAttempts }) {
    const budget = Number(budgetUsd);
    const attempts = Number(maxAttempts);
    if (budgetUsd !== undefined && !(Number.isFinite(budget) && budget >= 0))
      return 'the budget must be a number ≥ 0';
    if (maxAttempts !== undefined && !(Number.isInteger(attempts) && attempts >= 1 && attempts <= 5))
      return 'attempts must be a whole number from 1 to 5';
    if (budgetUsd !== undefined) await store.setSetting('budget_usd', budget);
    if (maxAttempts !== undefined) await store.setSetting('max_attempts', attempts);
    await onChange();
    return undefined;
  }

  async function propose({ feature_id: featureId, title, goal }) {
    const clean = (v, max) => (typeof v === 'string' ? v.trim().slice(0, max) : '');
    if (!(await store.features()).some((f) => f.id === featureId)) return { problem: 'unknown feature' };
    if (clean(title, 80) === '' || clean(goal, 160) === '')
      return { problem: 'a task needs a title and a goal' };
    const id = await store.nextTaskId();
    await store.insertTask({ id, featureId, title: clean(title, 80), goal: clean(goal, 160) });
    await onChange();
    return { id };
  }
}
