import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, test } from 'node:test';
import { callback, fileSpans, inAction, setup, summary } from './helpers.ts';

const h = setup();

type Style = 'callback' | 'sync' | 'promise';
const prefix: Record<Style, string> = { callback: 'fs.', sync: 'fs.', promise: 'fs.promises.' };

/** Calls fs function `name` in one API style. */
function call(style: Style, name: string, ...args: unknown[]): Promise<unknown> {
  const api = fs as unknown as Record<string, (...a: unknown[]) => unknown>;
  if (style === 'sync') return Promise.resolve(api[`${name}Sync`]?.(...args));
  if (style === 'promise')
    return (fs.promises as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name]?.(
      ...args,
    ) as Promise<unknown>;
  return callback(api[name] as never, ...args);
}

describe('every path operation in the callback, sync and promise APIs', () => {
  beforeEach(() => setup());

  for (const style of ['callback', 'sync', 'promise'] as const) {
    test(`${style} API`, async () => {
      const p = (...parts: string[]) => join(h.root, style, ...parts);
      fs.mkdirSync(p(), { recursive: true });
      const seen: unknown[] = [];
      await inAction(async () => {
        await call(style, 'writeFile', p('a.md'), 'hello');
        await call(style, 'appendFile', p('a.md'), ' world');
        seen.push(await call(style, 'readFile', p('a.md'), 'utf8'));
        seen.push(((await call(style, 'stat', p('a.md'))) as fs.Stats).size);
        await call(style, 'lstat', p('a.md'));
        await call(style, 'copyFile', p('a.md'), p('b.md'));
        await call(style, 'cp', p('b.md'), p('c.md'));
        await call(style, 'rename', p('c.md'), p('d.md'));
        await call(style, 'unlink', p('d.md'));
        await call(style, 'rm', p('b.md'));
        await call(style, 'mkdir', p('run-20240601'));
        seen.push(await call(style, 'readdir', p()));
        await call(style, 'rmdir', p('run-20240601'));
        const opened = await call(style, 'open', p('a.md'), 'r');
        if (typeof opened === 'number') fs.closeSync(opened);
        else await (opened as fs.promises.FileHandle).close();
      });
      assert.deepEqual(seen, ['hello world', 11, ['a.md', 'run-20240601']], 'results pass through unchanged');
      const f = (name: string) => `${prefix[style]}${name}${style === 'sync' ? 'Sync' : ''}`;
      assert.deepEqual(summary(), [
        [f('writeFile'), 'write', `${style}/a.md`],
        [f('appendFile'), 'append', `${style}/a.md`],
        [f('readFile'), 'read', `${style}/a.md`],
        [f('stat'), 'stat', `${style}/a.md`],
        [f('lstat'), 'stat', `${style}/a.md`],
        [f('copyFile'), 'copy', `${style}/b.md`],
        [f('cp'), 'copy', `${style}/c.md`],
        [f('rename'), 'rename', `${style}/d.md`],
        [f('unlink'), 'delete', `${style}/d.md`],
        [f('rm'), 'delete', `${style}/b.md`],
        [f('mkdir'), 'mkdir', `${style}/run-20240601`],
        [f('readdir'), 'readdir', style],
        [f('rmdir'), 'delete', `${style}/run-20240601`],
        [f('open'), 'open', `${style}/a.md`],
      ]);
      const names = fileSpans().map((s) => s.attributes['rl.action.name']);
      assert.deepEqual(names.slice(0, 3), [
        `write ${style}/*.md`,
        `append ${style}/*.md`,
        `read ${style}/*.md`,
      ]);
      assert.equal(names[10], `mkdir ${style}/*`, 'a dated folder name is not an action name');
      const byName = (n: string) => fileSpans().find((s) => s.attributes['code.function.name'] === f(n));
      assert.equal(byName('writeFile')?.attributes['rl.file.bytes_written'], 5);
      assert.equal(byName('writeFile')?.attributes['file.size'], 5);
      assert.equal(byName('appendFile')?.attributes['rl.file.bytes_written'], 6);
      assert.equal(
        byName('appendFile')?.attributes['file.size'],
        undefined,
        'the size after an append is unknown',
      );
      assert.equal(byName('readFile')?.attributes['rl.file.bytes_read'], 11);
      assert.equal(byName('stat')?.attributes['file.size'], 11);

      const [triplet] = h.sink.triplets;
      assert.equal(triplet?.reward.components.file_calls, 14);
      assert.equal(triplet?.reward.components.artifact_writes, 4, 'writeFile, appendFile, copyFile, cp');
      assert.equal(triplet?.reward.components.artifact_reads, 1);
      assert.equal(triplet?.reward.components.bytes_written, 11);
      assert.equal(triplet?.reward.components.bytes_read, 11);
      assert.equal(h.sink.triplets.length, 1, 'file actions fold into their parent; they are not steps');
    });
  }
});

describe('descriptors from open', () => {
  beforeEach(() => setup());

  test('reads and writes through a descriptor are recorded; after close the number is forgotten', async () => {
    const file = join(h.root, 'fd.log');
    const secret = join(h.outside, 'fd-outside.log');
    await inAction(async () => {
      const fd = fs.openSync(file, 'w+');
      fs.writeSync(fd, 'abc');
      fs.writevSync(fd, [Buffer.from('de'), Buffer.from('f')]);
      await callback(fs.write, fd, 'gh');
      fs.readSync(fd, Buffer.alloc(4), 0, 4, 0);
      await callback(fs.read, fd, Buffer.alloc(2), 0, 2, 0);
      fs.readvSync(fd, [Buffer.alloc(3)], 0);
      fs.fstatSync(fd);
      fs.closeSync(fd);
      // The same number, now naming a file outside the root, is not recorded.
      const other = fs.openSync(secret, 'w');
      fs.writeSync(other, 'not an artifact');
      fs.closeSync(other);
      const appended = await callback<number>(fs.open, file, 'a');
      fs.writeSync(appended, '!');
      await callback(fs.close, appended);
    });
    assert.deepEqual(summary(), [
      ['fs.openSync', 'open', 'fd.log'],
      ['fs.writeSync', 'write', 'fd.log'],
      ['fs.writevSync', 'write', 'fd.log'],
      ['fs.write', 'write', 'fd.log'],
      ['fs.readSync', 'read', 'fd.log'],
      ['fs.read', 'read', 'fd.log'],
      ['fs.readvSync', 'read', 'fd.log'],
      ['fs.fstatSync', 'stat', 'fd.log'],
      ['fs.open', 'open', 'fd.log'],
      ['fs.writeSync', 'append', 'fd.log'],
    ]);
    const bytes = fileSpans().map(
      (s) => s.attributes['rl.file.bytes_written'] ?? s.attributes['rl.file.bytes_read'] ?? null,
    );
    assert.deepEqual(bytes, [null, 3, 3, 2, 4, 2, 3, null, null, 1]);
    assert.equal(fileSpans()[7]?.attributes['file.size'], 8);
  });
});

describe('FileHandle', () => {
  beforeEach(() => setup());

  test('every method is recorded with its bytes; streams of a handle are one action each', async () => {
    const file = join(h.root, 'notes', 'handle.txt');
    fs.mkdirSync(join(h.root, 'notes'));
    let text = '';
    let lines = 0;
    await inAction(async () => {
      const handle = await fs.promises.open(file, 'w+');
      await handle.writeFile('one\n');
      await handle.appendFile('two\n');
      await handle.write('three\n');
      await handle.writev([Buffer.from('four\n')]);
      await handle.read(Buffer.alloc(4), 0, 4, 0);
      await handle.readv([Buffer.alloc(4)], 4);
      await handle.stat();
      await handle.close();
      const reader = await fs.promises.open(file, 'r');
      text = await reader.readFile('utf8');
      await fs.promises.readFile(reader); // a FileHandle where a path goes (at its end now: 0 bytes)
      for await (const _ of reader.readLines({ start: 0 })) lines++;
      const again = await fs.promises.open(file, 'r');
      for await (const chunk of again.createReadStream({ highWaterMark: 3 })) text += String(chunk);
      const writer = await fs.promises.open(join(h.root, 'notes', 'copy.txt'), 'w');
      const out = writer.createWriteStream({ highWaterMark: 2 });
      for (const piece of ['a', 'bc', 'def']) out.write(piece);
      out.end();
      await once(out, 'close');
    });
    assert.equal(text, 'one\ntwo\nthree\nfour\n'.repeat(2));
    assert.equal(lines, 4);
    assert.deepEqual(summary(), [
      ['fs.promises.open', 'open', 'notes/handle.txt'],
      ['FileHandle.writeFile', 'write', 'notes/handle.txt'],
      ['FileHandle.appendFile', 'append', 'notes/handle.txt'],
      ['FileHandle.write', 'write', 'notes/handle.txt'],
      ['FileHandle.writev', 'write', 'notes/handle.txt'],
      ['FileHandle.read', 'read', 'notes/handle.txt'],
      ['FileHandle.readv', 'read', 'notes/handle.txt'],
      ['FileHandle.stat', 'stat', 'notes/handle.txt'],
      ['fs.promises.open', 'open', 'notes/handle.txt'],
      ['FileHandle.readFile', 'read', 'notes/handle.txt'],
      ['fs.promises.readFile', 'read', 'notes/handle.txt'],
      ['FileHandle.createReadStream', 'read', 'notes/handle.txt'],
      ['fs.promises.open', 'open', 'notes/handle.txt'],
      ['FileHandle.createReadStream', 'read', 'notes/handle.txt'],
      ['fs.promises.open', 'open', 'notes/copy.txt'],
      ['FileHandle.createWriteStream', 'write', 'notes/copy.txt'],
    ]);
    const bytes = fileSpans().map(
      (s) => s.attributes['rl.file.bytes_written'] ?? s.attributes['rl.file.bytes_read'] ?? null,
    );
    assert.deepEqual(bytes, [null, 4, 4, 6, 5, 4, 4, null, null, 19, 0, 19, null, 19, null, 6]);
    assert.deepEqual(
      fileSpans().map((s) => s.attributes['file.size'] ?? null),
      [null, null, null, null, null, null, null, 19, null, null, null, null, null, null, null, null],
      'only stat knows the size of a file read or written through a handle',
    );
  });
});

describe('streams', () => {
  beforeEach(() => setup());

  test('a stream is one action with the bytes it moved, however many chunks', async () => {
    const file = join(h.root, 'stream.txt');
    let read = '';
    await inAction(async () => {
      const out = fs.createWriteStream(file, { highWaterMark: 4 });
      for (let i = 0; i < 50; i++) out.write('0123456789');
      out.end();
      await once(out, 'close');
      const more = fs.createWriteStream(file, { flags: 'a' });
      more.end('!');
      await once(more, 'close');
      for await (const chunk of fs.createReadStream(file, { highWaterMark: 16, encoding: 'utf8' }))
        read += chunk;
      const fd = fs.openSync(file, 'r');
      const byFd = fs.createReadStream('', { fd, start: 0, end: 9 });
      const closed = new Promise<void>((resolve) => byFd.once('close', () => resolve()));
      for await (const _ of byFd) {
      }
      await closed;
      // The stream closed the descriptor; its number now names a file outside the root.
      const other = fs.openSync(join(h.outside, 'reuses-the-number.txt'), 'w');
      assert.equal(other, fd, 'the number was reused');
      fs.writeSync(other, 'not an artifact');
      fs.closeSync(other);
    });
    assert.equal(read.length, 501);
    assert.deepEqual(summary(), [
      ['fs.createWriteStream', 'write', 'stream.txt'],
      ['fs.createWriteStream', 'append', 'stream.txt'],
      ['fs.createReadStream', 'read', 'stream.txt'],
      ['fs.openSync', 'open', 'stream.txt'],
      ['fs.createReadStream', 'read', 'stream.txt'],
    ]);
    const bytes = fileSpans().map(
      (s) => s.attributes['rl.file.bytes_written'] ?? s.attributes['rl.file.bytes_read'] ?? null,
    );
    assert.deepEqual(bytes, [500, 1, 501, null, 10]);
  });

  test('a stream error is recorded and reaches the app unchanged', async () => {
    let seen: NodeJS.ErrnoException | undefined;
    await inAction(async () => {
      const stream = fs.createReadStream(join(h.root, 'nope.txt'));
      stream.on('error', (error) => {
        seen = error;
      });
      await new Promise<void>((resolve) => stream.once('close', () => resolve()));
    });
    assert.equal(seen?.code, 'ENOENT');
    const [span] = fileSpans();
    assert.equal(span?.attributes['error.type'], 'ENOENT');
    assert.equal(span?.status.code, 2);
  });
});
