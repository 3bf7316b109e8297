import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CHROMIUM_ARGS, requireChromium } from '@rl-otel/test-utils';
import { chromium } from 'playwright-core';
import { CHARTS, EVIL, knownTriplets } from './fixtures-data.ts';
import { jsonl, rlOtel, tmp } from './helpers.ts';

// The page's globals, as far as the probes below use them (this program has no DOM typings).
interface PageElement {
  readonly dataset: Record<string, string | undefined>;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement>;
  getBoundingClientRect(): { width: number; height: number };
  getTotalLength(): number;
}
declare const document: PageElement & {
  addEventListener(
    type: string,
    listener: (event: { effectiveDirective: string }) => void,
    options: object,
  ): void;
};
declare function getComputedStyle(element: PageElement): { stroke: string };

interface Rendered {
  id: string | undefined;
  width: number;
  height: number;
  series: number;
  points: number;
  bars: number;
  lineLength: number;
  lineColors: string[];
  legend: number;
}

test('the report renders its charts in headless Chromium, offline', async () => {
  const executablePath = requireChromium();
  const dir = tmp();
  const input = join(dir, 'triplets.jsonl');
  writeFileSync(input, jsonl(knownTriplets()));
  const page = join(dir, 'report.html');
  const made = await rlOtel(['report', '-q', input, '-o', page]);
  assert.equal(made.code, 0, made.stderr);

  // launch() runs Chromium on a fresh temporary profile (user-data-dir) of its own.
  const browser = await chromium.launch({ executablePath, args: [...CHROMIUM_ARGS] });
  try {
    const tab = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const requests: string[] = [];
    const errors: string[] = [];
    let dialogs = 0;
    tab.on('request', (r) => requests.push(r.url()));
    tab.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    tab.on('pageerror', (e) => errors.push(e.message));
    tab.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    const url = pathToFileURL(page).href;
    await tab.goto(url, { waitUntil: 'load' });

    const charts = (await tab.evaluate(() =>
      [...document.querySelectorAll('figure.chart')].map((figure) => {
        const box = figure.querySelector('svg.plot')?.getBoundingClientRect();
        const lines = [...figure.querySelectorAll('path.line')];
        return {
          id: figure.dataset.chart,
          width: box?.width ?? 0,
          height: box?.height ?? 0,
          series: figure.querySelectorAll('g.series').length,
          points: figure.querySelectorAll('circle.point').length,
          bars: figure.querySelectorAll('rect.bar').length,
          lineLength: lines.reduce((sum, p) => sum + p.getTotalLength(), 0),
          lineColors: lines.map((p) => getComputedStyle(p).stroke),
          legend: figure.querySelectorAll('.legend li').length,
        };
      }),
    )) as Rendered[];
    assert.deepEqual(
      charts.map((c) => c.id),
      CHARTS,
    );
    for (const chart of charts) {
      assert.ok(
        chart.width > 500 && chart.height > 100,
        `${chart.id} is drawn at ${chart.width}×${chart.height}`,
      );
    }
    const byId = Object.fromEntries(charts.map((c) => [c.id, c])) as Record<string, Rendered>;
    const overTime = byId['reward-over-time'] as Rendered;
    assert.equal(overTime.series, 3, 'one line per action');
    assert.equal(overTime.legend, 3);
    assert.ok(overTime.points >= 3 && overTime.lineLength > 100, `lines have length ${overTime.lineLength}`);
    assert.deepEqual(overTime.lineColors.slice(0, 3), [
      'rgb(78, 121, 167)',
      'rgb(242, 142, 43)',
      'rgb(225, 87, 89)',
    ]);
    assert.ok((byId['reward-distribution'] as Rendered).bars >= 10);
    assert.equal((byId['episode-lengths'] as Rendered).bars, 3, 'episodes of 1, 2 and 3 steps');
    assert.equal((byId['slowest-actions'] as Rendered).bars, 3);
    assert.equal((byId['worst-actions'] as Rendered).bars, 3);

    assert.ok((await tab.getByText(EVIL).count()) >= 1, 'the hostile name is shown as text');
    assert.equal(dialogs, 0, 'and never runs');
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, [url], 'the page loaded nothing but itself');

    // Its Content-Security-Policy refuses any connection the page might attempt.
    const violated = await tab.evaluate(
      () =>
        new Promise<string>((resolve) => {
          document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), {
            once: true,
          });
          fetch('http://127.0.0.1:9/beacon').catch(() => {});
        }),
    );
    assert.equal(violated, 'connect-src');
    assert.deepEqual(requests, [url]);
  } finally {
    await browser.close();
  }
});
