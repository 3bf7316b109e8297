import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CHARTS, EVIL, knownTriplets } from './fixtures-data.ts';
import { jsonl, rlOtel, tmp } from './helpers.ts';

describe('rl-otel report', () => {
  test('one self-contained page: five charts, the action table, nothing to fetch, names escaped', async () => {
    const dir = tmp();
    const input = join(dir, 'triplets.jsonl');
    writeFileSync(input, jsonl(knownTriplets()));
    const out = join(dir, 'report.html');
    const result = await rlOtel(['report', input, '-o', out, '--title', 'Nightly <run>']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stderr,
      /^rl-otel report: wrote .*report\.html \(\d+\.\d KiB\): 106 triplets, 102 episodes, 3 actions\n$/,
    );
    const html = readFileSync(out, 'utf8');
    assert.match(html, /^<!doctype html>/);
    assert.match(
      html,
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">/,
    );
    assert.match(html, /<title>Nightly &lt;run&gt;<\/title>/);
    assert.doesNotMatch(
      html,
      /<script|<link|<iframe|<[^>]+\s(src|href)\s*=\s*["']|@import|url\(/i,
      'nothing that loads anything',
    );
    assert.deepEqual(
      [...html.matchAll(/https?:\/\/[^"\s)]+/g)].map((m) => m[0]),
      Array(5).fill('http://www.w3.org/2000/svg'),
      'the only URL is the SVG namespace',
    );
    for (const id of CHARTS) {
      const figure = new RegExp(
        `<figure class="chart" id="chart-${id}" data-chart="${id}">.*?</figure>`,
        's',
      ).exec(html)?.[0];
      assert.ok(figure, id);
      assert.match(figure, /<svg class="plot"/, `${id} has a plot`);
    }
    assert.equal(html.includes(EVIL), false, 'a hostile action name never reaches the page as markup');
    assert.ok(html.includes('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'));
    assert.match(
      html,
      /<td class="name" title="GET \/api\/tasks\/:id">GET \/api\/tasks\/:id<\/td><td>http<\/td><td>100<\/td><td>10\.0%<\/td>/,
    );
  });

  test('an empty input still gives a page, each chart saying it has no data', async () => {
    const dir = tmp();
    const input = join(dir, 'empty.jsonl');
    writeFileSync(input, '');
    const result = await rlOtel(['report', '-q', input], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    const html = readFileSync(join(dir, 'rl-otel-report.html'), 'utf8');
    assert.equal(html.match(/<p class="empty">No data for this chart in the input\.<\/p>/g)?.length, 5);
  });
});
