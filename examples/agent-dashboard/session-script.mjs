// A scripted user session: what a person does in the dashboards — browse,
// approve a task, run tasks, give feedback — as plain HTTP requests. It is an
// HTTP client, not a browser, so it names its episode itself with the W3C
// baggage header; the redirects that follow each button are requests of the
// same episode, as in a browser.

/** Runs the session against `base`; returns the clicks with the requests each made. */
export async function scriptedSession(base, { episode = 'scripted-user' } = {}) {
  const baggage = `rl.episode.id=${episode}`;
  const clicks = [];
  const click = async (label, method, path, form) => {
    const headers = { baggage };
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(base + path, { method, headers, body: form && new URLSearchParams(form) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${label}: ${method} ${path} answered ${res.status}`);
    const url = new URL(res.url);
    const requests = [`${method} ${path}`];
    if (res.redirected) requests.push(`GET ${url.pathname}`);
    clicks.push({ label, requests });
    return { text, url };
  };
  // Was the run good? This user likes runs that pass in at most two attempts.
  const verdict = (page) => {
    const passed = page.includes('class="status succeeded"');
    const attempts = Number(/(\d+) attempt\(s\)/.exec(page)?.[1] ?? 0);
    return passed && attempts <= 2 ? 1 : -1;
  };

  await click('open the manager dashboard', 'GET', '/manager');
  await click('look at product progress', 'GET', '/product');
  await click('approve task-102', 'POST', '/tasks/task-102/approve');
  await click('allow two attempts per run', 'POST', '/manager/settings', {
    budget_usd: '0.25',
    max_attempts: '2',
  });
  await click('open the developer dashboard', 'GET', '/developer');
  const runs = [];
  for (const [label, path] of [
    ['run task-102', '/tasks/task-102/run'],
    ['run the next approved task', '/runs/next'],
    ['run task-103', '/tasks/task-103/run'],
  ]) {
    const { text, url } = await click(label, 'POST', path);
    const run = url.pathname.split('/').pop();
    const value = verdict(text);
    await click(`thumbs ${value > 0 ? 'up' : 'down'} for ${run}`, 'POST', `/runs/${run}/feedback`, {
      value: String(value),
    });
    runs.push({ run, feedback: value });
  }
  await click('see the product progress again', 'GET', '/product');
  await click('check the budget', 'GET', '/api/budget');
  await click('open the triplets page', 'GET', '/triplets');
  return { episode, clicks, runs };
}

/**
 * A second user looking around, in an episode of their own: pages, an API call,
 * and two requests the app refuses (a run that does not exist, a task proposal
 * without a title). Those are client errors (4xx), not failures of the app: the
 * reward keeps `success` 1 and the status is in the action's attributes.
 */
export async function visitorSession(base, { episode = 'second-user' } = {}) {
  const headers = { baggage: `rl.episode.id=${episode}` };
  const statuses = [];
  for (const [method, path, form] of [
    ['GET', '/product'],
    ['GET', '/developer/runs/no-such-run'],
    ['GET', '/api/budget'],
    ['POST', '/api/tasks', {}],
    ['GET', '/manager'],
  ]) {
    const res = await fetch(base + path, {
      method,
      headers: form ? { ...headers, 'content-type': 'application/json' } : headers,
      body: form && JSON.stringify(form),
    });
    await res.text();
    statuses.push(res.status);
  }
  return { episode, statuses };
}
