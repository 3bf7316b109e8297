import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs';
// Bound before the instrumentation exists: module.syncBuiltinESMExports() must reach it.
import { readFileSync as earlyReadFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { type FileOperationInfo, FsInstrumentation } from '@rl-otel/instrumentation-fs';
import { ATTR_RL_ACTION_NAME } from '@rl-otel/semantic-conventions';
import { callback, fileSpans, inAction, setup, summary } from './helpers.ts';

const h = setup();
const rootConfig = { artifactDirs: [h.root] };
const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('hooks and options', () => {
  beforeEach(() => {
    setup();
    h.instrumentation.setConfig(rootConfig);
  });

  test('hooks learn the operation and the relative path; a hook can rename the action', async () => {
    const started: FileOperationInfo[] = [];
    const ended: Array<[FileOperationInfo, unknown]> = [];
    h.instrumentation.setConfig({
      ...rootConfig,
      requestHook: (span, info) => {
        started.push(info);
        if (info.operation === 'write') {
          span.setAttribute(ATTR_RL_ACTION_NAME, 'save draft');
          span.updateName('save draft');
        }
      },
      responseHook: (_span, info, error) => ended.push([info, (error as NodeJS.ErrnoException)?.code]),
    });
    await inAction(async () => {
      fs.writeFileSync(join(h.root, 'draft.md'), 'x');
      await fs.promises.readFile(join(h.root, 'none.md')).catch(() => {});
    });
    const write = { operation: 'write', path: 'draft.md', root: h.root, functionName: 'fs.writeFileSync' };
    const read = { operation: 'read', path: 'none.md', root: h.root, functionName: 'fs.promises.readFile' };
    assert.deepEqual(started, [write, read]);
    assert.deepEqual(ended, [
      [write, undefined],
      [read, 'ENOENT'],
    ]);
    assert.equal(fileSpans()[0]?.name, 'save draft');
    assert.equal(fileSpans()[0]?.attributes[ATTR_RL_ACTION_NAME], 'save draft');
  });

  test('a hook that throws is reported once and the spans are still valid', async () => {
    h.instrumentation.setConfig({
      ...rootConfig,
      requestHook: () => {
        throw new Error('hook broke');
      },
      responseHook: () => {
        throw new Error('hook broke too');
      },
    });
    await inAction(() => {
      fs.writeFileSync(join(h.root, 'a.md'), 'x');
      fs.writeFileSync(join(h.root, 'b.md'), 'y');
    });
    assert.deepEqual(summary(), [
      ['fs.writeFileSync', 'write', 'a.md'],
      ['fs.writeFileSync', 'write', 'b.md'],
    ]);
    assert.ok(fileSpans().every((s) => s.attributes['rl.file.bytes_written'] === 1 && s.ended));
    assert.equal(h.warnings.length, 2, h.warnings.join('\n'));
    assert.match(h.warnings[0] ?? '', /requestHook .* threw and was ignored: hook broke/);
    assert.match(h.warnings[1] ?? '', /responseHook .* threw and was ignored: hook broke too/);
  });

  test('hashContent records the SHA-256 of content written in one piece; off by default', async () => {
    const data = Buffer.from('binary \u00e9 data');
    await inAction(() => fs.writeFileSync(join(h.root, 'plain.md'), 'x'));
    assert.equal(fileSpans()[0]?.attributes['rl.file.sha256'], undefined);
    setup();
    h.instrumentation.setConfig({ ...rootConfig, hashContent: true });
    await inAction(async () => {
      fs.writeFileSync(join(h.root, 'a.md'), 'hello');
      await fs.promises.writeFile(join(h.root, 'b.bin'), data);
      await callback(fs.writeFile, join(h.root, 'c.txt'), '68656c6c6f', 'hex');
      const handle = await fs.promises.open(join(h.root, 'd.md'), 'w');
      await handle.writeFile('handle');
      await handle.close();
      const out = fs.createWriteStream(join(h.root, 'e.md'));
      out.write('str');
      out.end('eam');
      await once(out, 'close');
      fs.appendFileSync(join(h.root, 'a.md'), ' again'); // an append is not the whole content
    });
    assert.deepEqual(
      fileSpans().map((s) => s.attributes['rl.file.sha256']),
      [
        sha256('hello'),
        sha256(data),
        sha256('hello'),
        undefined,
        sha256('handle'),
        sha256('stream'),
        undefined,
      ],
    );
  });
});

describe('the app is unchanged', () => {
  beforeEach(() => {
    setup();
    h.instrumentation.setConfig(rootConfig);
  });

  test("the app's errors pass through unchanged on the sync, callback and promise paths", async () => {
    const missing = join(h.root, 'missing.md');
    const shape = (error: unknown) => {
      const e = error as NodeJS.ErrnoException;
      return {
        type: e.constructor.name,
        code: e.code,
        errno: e.errno,
        syscall: e.syscall,
        path: e.path,
        message: e.message,
      };
    };
    const attempt = async () => {
      const out: unknown[] = [];
      try {
        fs.readFileSync(missing);
      } catch (error) {
        out.push(shape(error));
      }
      out.push(shape(await callback(fs.readFile, missing).catch((e: unknown) => e)));
      out.push(shape(await fs.promises.readFile(missing).catch((e: unknown) => e)));
      try {
        fs.mkdirSync(h.root);
      } catch (error) {
        out.push(shape(error));
      }
      return out;
    };
    h.instrumentation.disable();
    const bare = await inAction(attempt);
    h.instrumentation.enable();
    const traced = await inAction(attempt);
    assert.deepEqual(traced, bare);
    assert.deepEqual(
      fileSpans().map((s) => [s.attributes['error.type'], s.status.code, s.events[0]?.name]),
      [
        ['ENOENT', 2, 'exception'],
        ['ENOENT', 2, 'exception'],
        ['ENOENT', 2, 'exception'],
        ['EEXIST', 2, 'exception'],
      ],
    );
  });

  test('what callers read off fs functions is kept: promisify hints, realpath.native, name and length', async () => {
    const file = join(h.root, 'p.txt');
    fs.writeFileSync(file, 'promisified');
    const fd = fs.openSync(file, 'r');
    const result = await promisify(fs.read)(fd, Buffer.alloc(4), 0, 4, 0);
    fs.closeSync(fd);
    assert.equal(result.bytesRead, 4);
    assert.equal(result.buffer.toString(), 'prom');
    assert.equal(typeof fs.realpath.native, 'function');
    assert.equal(fs.readFile.name, 'readFile');
    assert.equal(fs.writeFileSync.length, 3);
    assert.equal(await promisify(fs.exists)(file), true);
  });

  test('disable() unhooks every function and the ES module bindings; enable() hooks them again', async () => {
    const wrapped = (fn: unknown) => (fn as { __wrapped?: boolean }).__wrapped === true;
    const handle = await fs.promises.open(join(h.root, 'h.md'), 'w');
    const prototype = Object.getPrototypeOf(handle) as Record<string, unknown>;
    await handle.close();
    assert.ok(wrapped(fs.readFileSync) && wrapped(earlyReadFileSync) && wrapped(fs.promises.writeFile));
    assert.ok(wrapped(prototype.write) && wrapped(fs.createWriteStream));
    h.instrumentation.disable();
    for (const fn of [
      fs.readFileSync,
      earlyReadFileSync,
      fs.promises.writeFile,
      prototype.write,
      fs.createWriteStream,
    ])
      assert.ok(!wrapped(fn));
    assert.equal(earlyReadFileSync, fs.readFileSync);
    await inAction(async () => {
      fs.writeFileSync(join(h.root, 'off.md'), 'x');
      earlyReadFileSync(join(h.root, 'off.md'));
      const again = await fs.promises.open(join(h.root, 'off.md'), 'r');
      await again.readFile();
      await again.close();
    });
    assert.deepEqual(summary(), []);
    h.instrumentation.enable();
    assert.ok(wrapped(earlyReadFileSync));
    await inAction(() => earlyReadFileSync(join(h.root, 'off.md')));
    assert.deepEqual(summary(), [['fs.readFileSync', 'read', 'off.md']]);
  });
});

describe('artifact folders', () => {
  test('RL_OTEL_ARTIFACT_DIRS names the folders when the option does not; the option wins', () => {
    setup();
    const saved = process.env.RL_OTEL_ARTIFACT_DIRS;
    try {
      process.env.RL_OTEL_ARTIFACT_DIRS = ` ${join(h.base, 'plans')}::relative/reports `;
      const fromEnv = new FsInstrumentation({ enabled: false });
      const expected = [join(process.cwd(), 'relative', 'reports'), join(h.base, 'plans')];
      assert.deepEqual(
        fromEnv.artifactDirs,
        expected.sort((a, b) => b.length - a.length),
      );
      const fromOption = new FsInstrumentation({ enabled: false, artifactDirs: [h.outside] });
      assert.deepEqual(fromOption.artifactDirs, [h.outside]);
      delete process.env.RL_OTEL_ARTIFACT_DIRS;
      assert.deepEqual(new FsInstrumentation({ enabled: false }).artifactDirs, [
        join(process.cwd(), 'artifacts'),
      ]);
      assert.deepEqual(h.warnings, []);
    } finally {
      if (saved === undefined) delete process.env.RL_OTEL_ARTIFACT_DIRS;
      else process.env.RL_OTEL_ARTIFACT_DIRS = saved;
    }
  });

  test('unusable folders are reported once each, in plain words, and left out', () => {
    setup();
    const file = join(h.base, 'a-file');
    fs.writeFileSync(file, 'x');
    const bad = { enabled: false, artifactDirs: [file, '/', h.root, 42 as never] };
    assert.deepEqual(new FsInstrumentation(bad).artifactDirs, [h.root]);
    assert.deepEqual(new FsInstrumentation(bad).artifactDirs, [h.root]);
    assert.deepEqual(h.warnings, [
      `the artifactDirs option has "${file}", which is a file, not a folder; it was ignored`,
      'the artifactDirs option has "/", the root of the file system, which would trace every file; it was ignored',
      'the artifactDirs option has 42, which is not a folder name; it was ignored',
    ]);
  });
});
