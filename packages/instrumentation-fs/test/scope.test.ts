import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { beforeEach, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { JsonlFileSink } from '@rl-otel/core';
import { callback, inAction, setup, summary } from './helpers.ts';

const h = setup();
const rootConfig = { artifactDirs: [h.root] };

/** No exported span carries any of these strings in any attribute. */
function assertNoMention(...needles: string[]): void {
  for (const span of h.exporter.getFinishedSpans()) {
    const text = JSON.stringify(span.attributes);
    for (const needle of needles)
      assert.ok(!text.includes(needle), `${span.name} mentions ${needle}: ${text}`);
  }
}

describe('what is an artifact', () => {
  beforeEach(() => {
    setup();
    h.instrumentation.setConfig(rootConfig);
  });

  test('paths outside the roots produce no span and no attribute', async () => {
    const sibling = `${h.root}-other`; // shares the root's spelling as a prefix, but is not inside it
    fs.mkdirSync(sibling, { recursive: true });
    fs.mkdirSync(join(h.root, 'node_modules', 'dep'), { recursive: true });
    fs.writeFileSync(join(h.outside, 'module.cjs'), 'module.exports = 42;');
    await inAction(async () => {
      fs.writeFileSync(join(h.outside, 'a.md'), 'x');
      fs.readFileSync(join(h.outside, 'a.md'));
      await fs.promises.writeFile(join(sibling, 'b.md'), 'x');
      fs.readFileSync(join(h.root, '..', 'outside', 'a.md'));
      fs.readFileSync(relative(process.cwd(), join(h.outside, 'a.md')));
      fs.readFileSync(pathToFileURL(join(h.outside, 'a.md')));
      fs.writeFileSync(join(h.root, 'node_modules', 'dep', 'index.js'), '');
      await callback(fs.stat, h.outside);
      fs.createReadStream(join(h.outside, 'a.md')).destroy();
      assert.equal(createRequire(import.meta.url)(join(h.outside, 'module.cjs')), 42);
    });
    assert.deepEqual(summary(), []);
    assertNoMention(h.outside, sibling, 'node_modules');
  });

  test('paths spelled inside a root, however: relative, file URL, Buffer, dot segments', async () => {
    fs.mkdirSync(join(h.root, 'reports'), { recursive: true });
    const file = join(h.root, 'reports', 'q.md');
    fs.writeFileSync(file, 'x');
    await inAction(() => {
      fs.readFileSync(relative(process.cwd(), file));
      fs.readFileSync(pathToFileURL(file));
      fs.readFileSync(Buffer.from(file));
      fs.readFileSync(`${h.root}/./reports/../reports/q.md`);
      fs.readdirSync(`${h.root}/`);
    });
    assert.deepEqual(summary(), [
      ...Array.from({ length: 4 }, () => ['fs.readFileSync', 'read', 'reports/q.md']),
      ['fs.readdirSync', 'readdir', '.'],
    ]);
    assertNoMention(h.base);
  });

  test('an absolute path that climbs into a root from outside is judged by its prefix: not recorded', async () => {
    fs.mkdirSync(join(h.root, 'reports'), { recursive: true });
    fs.writeFileSync(join(h.root, 'reports', 'q.md'), 'x');
    await inAction(() => {
      assert.equal(fs.readFileSync(`${h.outside}/../artifacts/reports/q.md`, 'utf8'), 'x');
      fs.statSync(`${h.outside}//../artifacts/reports/q.md`);
    });
    assert.deepEqual(summary(), []);
  });

  test('symbolic links that lead out of a root are not followed out', async () => {
    fs.mkdirSync(join(h.root, 'links'), { recursive: true });
    fs.writeFileSync(join(h.outside, 'secret.md'), 'secret');
    fs.writeFileSync(join(h.root, 'links', 'real.md'), 'inside');
    fs.symlinkSync(h.outside, join(h.root, 'links', 'out-dir'), 'dir');
    fs.symlinkSync(join(h.outside, 'secret.md'), join(h.root, 'links', 'out.md'));
    fs.symlinkSync(join(h.outside, 'not-yet.md'), join(h.root, 'links', 'dangling.md'));
    fs.symlinkSync(join(h.root, 'links', 'real.md'), join(h.root, 'links', 'in.md'));
    await inAction(async () => {
      assert.equal(fs.readFileSync(join(h.root, 'links', 'out.md'), 'utf8'), 'secret');
      fs.writeFileSync(join(h.root, 'links', 'out-dir', 'leak.md'), 'leak');
      await fs.promises.readFile(join(h.root, 'links', 'out-dir', 'secret.md'));
      fs.statSync(join(h.root, 'links', 'out-dir'));
      fs.readdirSync(join(h.root, 'links', 'out-dir'));
      fs.createWriteStream(join(h.root, 'links', 'out-dir', 'stream.md')).end('x');
      fs.writeFileSync(join(h.root, 'links', 'dangling.md'), 'created outside');
      const fd = fs.openSync(join(h.root, 'links', 'out.md'), 'r');
      fs.readSync(fd, Buffer.alloc(3));
      fs.closeSync(fd);
      // Inside: a link to a file in the root, and operations on links themselves.
      assert.equal(fs.readFileSync(join(h.root, 'links', 'in.md'), 'utf8'), 'inside');
      fs.lstatSync(join(h.root, 'links', 'out.md'));
      fs.unlinkSync(join(h.root, 'links', 'out.md'));
    });
    assert.ok(fs.existsSync(join(h.outside, 'not-yet.md')), 'the app wrote through the link as usual');
    assert.deepEqual(summary(), [
      ['fs.readFileSync', 'read', 'links/in.md'],
      ['fs.lstatSync', 'stat', 'links/out.md'],
      ['fs.unlinkSync', 'delete', 'links/out.md'],
    ]);
    assertNoMention(h.outside, 'secret', 'leak', 'not-yet');
  });

  test('a folder renamed away and replaced by a link out of the root is not followed out', async () => {
    fs.mkdirSync(join(h.root, 'work'), { recursive: true });
    fs.writeFileSync(join(h.outside, 'secret.md'), 'secret');
    await inAction(async () => {
      fs.writeFileSync(join(h.root, 'work', 'a.md'), 'inside'); // the folder's real path is now known
      fs.renameSync(join(h.root, 'work'), join(h.root, 'work-old'));
      fs.symlinkSync(h.outside, join(h.root, 'work'), 'dir');
      fs.readFileSync(join(h.root, 'work', 'secret.md'));
    });
    assert.deepEqual(
      summary().map(([fn, , path]) => [fn, path]),
      [
        ['fs.writeFileSync', 'work/a.md'],
        ['fs.renameSync', 'work-old'],
      ],
    );
    assertNoMention(h.outside, 'secret');
  });

  test('a file removed and replaced by a link out of the root is not followed out', async () => {
    fs.mkdirSync(join(h.root, 'notes'), { recursive: true });
    fs.writeFileSync(join(h.outside, 'secret.md'), 'secret');
    await inAction(async () => {
      fs.writeFileSync(join(h.root, 'notes', 'a.md'), 'inside');
      fs.readFileSync(join(h.root, 'notes', 'a.md')); // the file's real path is now known
      fs.unlinkSync(join(h.root, 'notes', 'a.md'));
      fs.symlinkSync(join(h.outside, 'secret.md'), join(h.root, 'notes', 'a.md'));
      assert.equal(fs.readFileSync(join(h.root, 'notes', 'a.md'), 'utf8'), 'secret');
      await fs.promises.readFile(join(h.root, 'notes', 'a.md'));
    });
    assert.deepEqual(
      summary().map(([fn, , path]) => [fn, path]),
      [
        ['fs.writeFileSync', 'notes/a.md'],
        ['fs.readFileSync', 'notes/a.md'],
        ['fs.unlinkSync', 'notes/a.md'],
      ],
    );
    assertNoMention(h.outside, 'secret');
  });

  test('copy and rename across the boundary record only the side inside', async () => {
    fs.writeFileSync(join(h.outside, 'draft.md'), 'draft');
    await inAction(() => {
      fs.copyFileSync(join(h.outside, 'draft.md'), join(h.root, 'imported.md'));
      fs.renameSync(join(h.outside, 'draft.md'), join(h.root, 'moved.md'));
      fs.renameSync(join(h.root, 'moved.md'), join(h.outside, 'exported.md'));
    });
    assert.deepEqual(summary(), [
      ['fs.copyFileSync', 'copy', 'imported.md'],
      ['fs.renameSync', 'rename', 'moved.md'],
      ['fs.renameSync', 'rename', 'moved.md'],
    ]);
    assertNoMention(h.outside, 'draft', 'exported');
  });

  test('each of several roots is recorded, and a root added by setConfig is at once', async () => {
    const roots = ['plans', 'designs', 'reports'].map((name) => join(h.base, name));
    for (const root of roots) fs.mkdirSync(root, { recursive: true });
    h.instrumentation.setConfig({ artifactDirs: roots.slice(0, 1) });
    await inAction(() => {
      for (const root of roots) fs.writeFileSync(join(root, 'a.md'), 'x');
    });
    h.instrumentation.setConfig({ artifactDirs: roots });
    await inAction(() => {
      for (const root of roots) fs.statSync(join(root, 'a.md'));
    });
    assert.deepEqual(summary(), [
      ['fs.writeFileSync', 'write', 'a.md'],
      ['fs.statSync', 'stat', 'a.md'],
      ['fs.statSync', 'stat', 'a.md'],
      ['fs.statSync', 'stat', 'a.md'],
    ]);
  });

  test('a path is relative to the most specific root', async () => {
    const reports = join(h.root, 'reports');
    fs.mkdirSync(reports, { recursive: true });
    h.instrumentation.setConfig({ artifactDirs: [h.root, reports] });
    assert.deepEqual(h.instrumentation.artifactDirs, [reports, h.root]);
    await inAction(() => {
      fs.writeFileSync(join(reports, 'a.md'), 'x');
      fs.writeFileSync(join(h.root, 'b.md'), 'x');
    });
    assert.deepEqual(summary(), [
      ['fs.writeFileSync', 'write', 'a.md'],
      ['fs.writeFileSync', 'write', 'b.md'],
    ]);
  });
});

describe('when file access is recorded', () => {
  beforeEach(() => {
    setup();
    h.instrumentation.setConfig(rootConfig);
  });

  test('outside any action nothing is recorded (requireParentSpan, the default)', async () => {
    fs.writeFileSync(join(h.root, 'startup.json'), '{}');
    await fs.promises.readFile(join(h.root, 'startup.json'));
    assert.deepEqual(summary(), []);
    assert.equal(h.sink.triplets.length, 0);
  });

  test('with requireParentSpan: false a file operation alone is a one-step action', async () => {
    h.instrumentation.setConfig({ ...rootConfig, requireParentSpan: false });
    fs.writeFileSync(join(h.root, 'alone.md'), 'twelve bytes');
    assert.deepEqual(summary(), [['fs.writeFileSync', 'write', 'alone.md']]);
    const [triplet] = h.sink.triplets;
    assert.equal(triplet?.action.kind, 'file');
    assert.equal(triplet?.action.name, 'write *.md');
    assert.equal(triplet?.reward.components.artifact_writes, 1);
    assert.equal(triplet?.reward.components.bytes_written, 12);
  });

  test('suppressed tracing is respected, and the triplet sink is never recorded, even inside a root', async () => {
    h.instrumentation.setConfig({ ...rootConfig, requireParentSpan: false });
    context.with(suppressTracing(context.active()), () => fs.writeFileSync(join(h.root, 'quiet.md'), 'x'));
    await inAction(async () => {
      const sink = new JsonlFileSink({ path: join(h.root, '.rl-otel', 'triplets.jsonl'), flushLines: 1 });
      sink.write({ schema: 'test' } as never);
      sink.flushSync();
      await sink.shutdown();
    });
    assert.deepEqual(summary(), []);
    assert.equal(fs.readFileSync(join(h.root, '.rl-otel', 'triplets.jsonl'), 'utf8'), '{"schema":"test"}\n');
  });
});
