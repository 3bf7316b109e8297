import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Progress } from '@rl-otel/cli';
import { cliPath, oneStep, otlpLine, rlOtel, tmp } from './helpers.ts';

const base = Date.UTC(2026, 10, 26, 12, 0, 0);

describe('rl-otel command line', () => {
  test('--help for the program and for every command', async () => {
    const top = await rlOtel(['--help']);
    assert.equal(top.code, 0);
    assert.match(top.stdout, /^Usage: rl-otel <command>/);
    for (const command of ['triplets', 'stats', 'report']) {
      assert.match(top.stdout, new RegExp(`\\n  ${command} `));
      for (const args of [
        [command, '--help'],
        [command, '-h'],
        ['help', command],
      ]) {
        const result = await rlOtel(args);
        assert.equal(result.code, 0, args.join(' '));
        assert.match(result.stdout, new RegExp(`^Usage: rl-otel ${command} \\[options\\]`));
        assert.match(result.stdout, /\n {2}-h, --help +show this help/);
        assert.match(result.stdout, /--window <duration>/);
        assert.match(result.stdout, /Exit status: /);
        assert.equal(result.stderr, '');
      }
    }
    const version = await rlOtel(['--version']);
    assert.match(version.stdout, /^\d+\.\d+\.\d+/);
  });

  test('command-line mistakes: a plain message, a pointer to --help, exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /^Usage: rl-otel <command>/],
      [['frobnicate'], /unknown command "frobnicate"; the commands are triplets, stats, report/],
      [['triplets'], /^rl-otel triplets: no input file given\nRun "rl-otel triplets --help" for usage\.\n$/],
      [['stats', '--colour', 'x.jsonl'], /^rl-otel stats: unknown option --colour for "rl-otel stats"/],
      [['triplets', 'x.json', '-o'], /^rl-otel triplets: option -o, --output needs a value\n/],
      [
        ['triplets', '--window', 'soon', 'x.json'],
        /--window must be a duration such as 30s, 5m or 1h, got "soon"/,
      ],
      [['stats', '--top', '0', 'x.jsonl'], /--top must be a whole number ≥ 1, got "0"/],
      [['report', '--quiet=yes', 'x.jsonl'], /^rl-otel report: option -q, --quiet takes no value\n/],
    ];
    for (const [args, message] of cases) {
      const result = await rlOtel(args);
      assert.equal(result.code, 2, args.join(' '));
      assert.match(result.stderr, message, args.join(' '));
      assert.equal(result.stdout, '');
    }
  });

  test('an unwritable output is reported before any input is read', async () => {
    const dir = tmp();
    const input = join(dir, 'traces.json');
    writeFileSync(input, `${otlpLine([oneStep('a1', base)])}\n`);
    const result = await rlOtel(['triplets', input, '-o', join(dir, 'no', 'such', 'dir', 'out.jsonl')]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^rl-otel triplets: cannot write .*out\.jsonl: no such file/);
  });

  test('when stdout closes early (| head), the command stops quietly', async () => {
    const dir = tmp();
    const input = join(dir, 'traces.json');
    const lines: string[] = [];
    for (let i = 0; i < 2000; i++)
      lines.push(otlpLine(Array.from({ length: 20 }, (_, j) => oneStep(`s${i}.${j}`, base + i * 20 + j))));
    writeFileSync(input, `${lines.join('\n')}\n`);
    const child = spawn(process.execPath, [cliPath, 'triplets', '-q', input], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    assert.equal(stderr, '', 'no EPIPE stack trace');
    assert.equal(code, 0);
  });

  test('no progress output when stderr is not a terminal: one summary line', async () => {
    const dir = tmp();
    const input = join(dir, 'traces.json');
    writeFileSync(input, `${otlpLine([oneStep('a1', base)])}\n`);
    const result = await rlOtel(['triplets', input, '-o', join(dir, 'out.jsonl')]);
    assert.equal(result.code, 0, result.stderr);
    assert.ok(
      !result.stderr.includes('\r') && !result.stderr.includes('\x1b'),
      'no carriage returns or escapes',
    );
    assert.equal(result.stderr.split('\n').filter(Boolean).length, 1);
    assert.ok(existsSync(join(dir, 'out.jsonl')));
  });

  test('a progress bar is drawn and cleared on a terminal', () => {
    let written = '';
    const terminal = {
      isTTY: true,
      columns: 100,
      write(chunk: string) {
        written += chunk;
        return true;
      },
    } as unknown as NodeJS.WriteStream;
    const progress = new Progress({ total: 4 * 1024 * 1024, stream: terminal });
    progress.counters.set('triplets', 1234);
    progress.advance(2 * 1024 * 1024);
    assert.ok(written.startsWith('\r\x1b[2K'), 'redrawn in place');
    assert.match(written.slice(5), /^\[#{12}\.{12}\] +50% 2\.0 MiB \/ 4\.0 MiB.* · 1,234 triplets$/);
    progress.clear();
    assert.ok(written.endsWith('\r\x1b[2K'));
    let silent = '';
    const pipe = {
      isTTY: false,
      write(chunk: string) {
        silent += chunk;
        return true;
      },
    } as unknown as NodeJS.WriteStream;
    new Progress({ total: 10, stream: pipe }).advance(5);
    assert.equal(silent, '');
  });
});
