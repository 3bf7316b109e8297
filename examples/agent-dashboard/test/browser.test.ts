// A person clicking through the dashboards in headless Chromium (Debian's
// `chromium`, driven by playwright-core; nothing is downloaded). The browser
// sends no baggage: the app's session cookie makes the clicks one episode.
// Every click must be an action of that episode in the triplet file.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CHROMIUM_ARGS, requireChromium, rlWarnings, startServer } from '@rl-otel/test-utils';
import { chromium, type Locator, type Page } from 'playwright-core';
import { actions, episode, example, readTriplets, sandbox, tempDir } from './env.ts';

/** Clicks and waits for the page the click leads to. */
async function click(page: Page, target: Locator, url: RegExp): Promise<void> {
  await Promise.all([page.waitForURL(url, { waitUntil: 'load' }), target.click()]);
}

/** Waits until the triplet file has a line that `ok` accepts (rl-otel writes in batches). */
async function waitForLine(path: string, ok: (l: ReturnType<typeof readTriplets>[number]) => boolean) {
  for (let i = 0; i < 100; i++) {
    if (readTriplets(path).some(ok)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`no such line in ${path} after 10 s`);
}

describe('the dashboards in a browser', () => {
  test('each click is an action of the session episode; feedback is a delayed reward', async () => {
    const executablePath = requireChromium();
    const box = sandbox();
    const server = await startServer('src/server.mjs', { cwd: example, env: box.env });
    let sessionId: string | undefined;
    let stopped: Awaited<ReturnType<typeof server.stop>>;
    try {
      const context = await chromium.launchPersistentContext(tempDir('chromium-profile-'), {
        executablePath,
        headless: true,
        args: [...CHROMIUM_ARGS],
      });
      try {
        const page = context.pages()[0] ?? (await context.newPage());
        const nav = (name: string) => page.locator('header nav').getByRole('link', { name, exact: true });
        const button = (name: string, row?: string) =>
          (row ? page.locator('tr', { hasText: row }) : page).getByRole('button', { name });

        await page.goto(`${server.url}/manager`);
        await click(page, nav('Product'), /\/product$/);
        await click(page, nav('Developer'), /\/developer$/);
        await click(page, nav('Manager'), /\/manager$/);
        await click(page, button('Approve', 'task-104'), /\/manager\?notice=task-104%20approved$/);
        await click(
          page,
          button('Run next approved task (task-101)'),
          /\/developer\/runs\/task-101-run-001\?/,
        );
        await click(page, button('Thumbs up'), /\/developer\/runs\/task-101-run-001\?notice=thanks/);
        await click(page, nav('Developer'), /\/developer$/);
        await click(page, button('Run', 'task-103'), /\/developer\/runs\/task-103-run-001\?/);
        await click(page, button('Thumbs down'), /\/developer\/runs\/task-103-run-001\?notice=thanks/);
        await click(page, nav('Product'), /\/product$/);
        await page.getByPlaceholder('title').fill('CSV for the triplets');
        await page.getByPlaceholder('goal').fill('download the triplets as CSV');
        await click(page, button('Propose'), /\/product\?notice=proposed/);
        await waitForLine(
          box.triplets,
          (l) => l.episode_id === 'task-103-run-001' && l.action.kind === 'reward',
        );
        await click(page, nav('Triplets'), /\/triplets$/);

        // The chart: one panel per action, the delayed rewards among them.
        assert.ok((await page.locator('figure.panel').count()) >= 8);
        assert.ok((await page.locator('[data-series="http GET /manager"] circle').count()) >= 2);
        assert.ok((await page.locator('[data-series^="feedback → "]').count()) >= 1);
        assert.ok(
          (await page.locator('[data-series="step code"] svg').getAttribute('aria-label'))?.includes('mean'),
        );
        sessionId = (await context.cookies()).find((c) => c.name === 'rl_session')?.value;
      } finally {
        await context.close();
      }
    } finally {
      stopped = await server.stop();
    }
    assert.deepEqual(rlWarnings(stopped.stderr), []);
    assert.ok(sessionId, 'the app set a session cookie');

    const lines = readTriplets(box.triplets);
    const session = episode(lines, sessionId);
    assert.deepEqual(actions(session), [
      'http GET /manager',
      'http GET /product',
      'http GET /developer',
      'http GET /manager',
      'http POST /tasks/:id/approve',
      'http GET /manager',
      'http POST /runs/next',
      'http GET /developer/runs/:id',
      'http POST /runs/:id/feedback',
      'http GET /developer/runs/:id',
      'http GET /developer',
      'http POST /tasks/:id/run',
      'http GET /developer/runs/:id',
      'http POST /runs/:id/feedback',
      'http GET /developer/runs/:id',
      'http GET /product',
      'http POST /product/tasks',
      'http GET /product',
      'http GET /triplets',
    ]);
    assert.deepEqual(
      session.map((l) => l.step),
      session.map((_, i) => i),
    );
    // Nothing else the browser fetched (a favicon, say) is a stray action.
    assert.deepEqual(
      lines.filter((l) => l.action.kind === 'http' && l.episode_id !== sessionId),
      [],
    );
    for (const [run, value] of [
      ['task-101-run-001', 1],
      ['task-103-run-001', -1],
    ] as const) {
      const all = episode(lines, run);
      const last = all.filter((l) => l.action.kind !== 'reward').at(-1);
      const feedback = all.filter((l) => l.action.kind === 'reward');
      assert.equal(last?.done, true, `${run} ended`);
      assert.deepEqual(
        feedback.map((l) => [l.step, l.reward.value, l.reward.source]),
        [[last?.step, value, 'human']],
        `${run}: the thumbs are a delayed reward of its last step`,
      );
    }
  });
});
