import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { gunzipSync, gzipSync, zstdCompressSync } from 'node:zlib';
import type { Triplet } from '@rl-otel/semantic-conventions';
import { readJsonl } from '@rl-otel/test-utils';
import { cliPath, hexId, jsonl, nameOf, oneStep, otlpLine, rlOtel, tmp, triplet } from './helpers.ts';

const base = Date.UTC(2026, 10, 26, 12, 0, 0);

describe('rl-otel triplets: inputs', () => {
  test('plain, gzip and zstd files; CRLF, a byte-order mark, blank lines and metrics lines are all fine', async () => {
    const dir = tmp();
    const metrics = JSON.stringify({ resourceMetrics: [] });
    const plain = join(dir, 'a.json');
    writeFileSync(
      plain,
      `\uFEFF${otlpLine([oneStep('a1', base)])}\r\n\r\n${metrics}\r\n${otlpLine([oneStep('a2', base + 1)])}\r\n`,
    );
    const gz = join(dir, 'b.json.gz');
    writeFileSync(gz, gzipSync(`${otlpLine([oneStep('b1', base + 2), oneStep('b2', base + 3)])}\n`));
    const zst = join(dir, 'c.json.zst');
    writeFileSync(zst, zstdCompressSync(Buffer.from(`${otlpLine([oneStep('c1', base + 4)])}\n`)));
    const out = join(dir, 'out.jsonl');
    const result = await rlOtel(['triplets', plain, gz, zst, '-o', out]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /3 files, .* 5 lines, 5 spans → 5 triplets to /);
    const lines = readJsonl<Triplet>(out);
    assert.deepEqual(
      lines.map((t) => nameOf(t.span_id)),
      ['a1', 'a2', 'b1', 'b2', 'c1'],
    );
    assert.ok(
      lines.every((t) => t.done && t.termination_reason === 'single_step' && t.action.name === 'GET /x'),
    );
  });

  test('the Collector’s length-prefixed framing, each record zstd-compressed (file exporter with compression: zstd)', async () => {
    const dir = tmp();
    const frames = [otlpLine([oneStep('f1', base)]), otlpLine([oneStep('f2', base + 1)])].map((line) => {
      const body = zstdCompressSync(Buffer.from(line));
      const size = Buffer.alloc(4);
      size.writeUInt32BE(body.length);
      return Buffer.concat([size, body]);
    });
    const file = join(dir, 'traces.zst');
    writeFileSync(file, Buffer.concat(frames));
    const result = await rlOtel(['triplets', '-q', file]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      result.stdout
        .trim()
        .split('\n')
        .map((l) => nameOf((JSON.parse(l) as Triplet).span_id)),
      ['f1', 'f2'],
    );
    assert.equal(result.stderr, '', '--quiet prints nothing');
  });

  test('malformed lines are reported with file and line number, and the rest is still written (exit 1)', async () => {
    const dir = tmp();
    const file = join(dir, 'traces.json');
    writeFileSync(
      file,
      [
        otlpLine([oneStep('g1', base)]),
        '{"resourceSpans": [ {"scopeSpans": ',
        otlpLine([oneStep('g2', base + 1)]),
        '{"hello": "world"}',
        otlpLine([{ ...oneStep('g3', base + 2), traceId: 'not-an-id' }, oneStep('g4', base + 3)]),
        otlpLine([oneStep('g5', base + 4)]),
        '{"resourceSpans": [',
      ].join('\n'),
    );
    const out = join(dir, 'out.jsonl');
    const result = await rlOtel(['triplets', file, '-o', out]);
    assert.equal(result.code, 1, 'malformed input is an exit status of 1');
    const problems = result.stderr.split('\n').filter((l) => l.startsWith('rl-otel: '));
    assert.deepEqual(
      problems.map((l) => l.replace(/not valid JSON \(.*\)/, 'not valid JSON (…)')),
      [
        `rl-otel: ${file}:2: line 2 is not valid JSON (…)`,
        `rl-otel: ${file}:4: line 4 is JSON but neither an OTLP export request (resourceSpans) nor an rl-otel triplet (schema rl-otel.triplet/v1)`,
        `rl-otel: ${file}:5: line 5: a span (GET /x) has no valid traceId; it was skipped`,
        `rl-otel: ${file}:7: line 7 is incomplete: the file ends in the middle of it`,
      ],
    );
    assert.match(result.stderr, /4 malformed lines or spans were skipped/);
    assert.deepEqual(
      readJsonl<Triplet>(out).map((t) => nameOf(t.span_id)),
      ['g1', 'g2', 'g4', 'g5'],
      'every good span was still used',
    );
  });

  test('a missing file stops the run before anything is written (exit 2)', async () => {
    const dir = tmp();
    const good = join(dir, 'good.json');
    writeFileSync(good, `${otlpLine([oneStep('h1', base)])}\n`);
    const out = join(dir, 'out.jsonl');
    const result = await rlOtel(['triplets', good, join(dir, 'missing.json'), '-o', out]);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, `rl-otel triplets: ${join(dir, 'missing.json')}: no such file\n`);
    assert.equal(existsSync(out), false, 'no output file');
    assert.deepEqual(
      (await import('node:fs')).readdirSync(dir).sort(),
      ['good.json'],
      'and no temporary file left behind',
    );
  });

  test('unknown formats are named, with what rl-otel reads', async () => {
    const dir = tmp();
    const cases: Array<[string, string | Buffer, RegExp]> = [
      [
        'proto.bin',
        Buffer.from([0x0a, 0xa4, 0x03, 0x0a, 0x21, 0x0a, 0x0c, 0x73, 0x65, 0x72]),
        /unknown format: not JSON lines \(it starts with the bytes 0a a4 03 0a 21 0a 0c 73; a Collector file written with format: proto is not supported\)/,
      ],
      [
        'table.csv',
        'time,action,reward\n1,GET,0.9\n',
        /unknown format: not JSON lines \(it starts with "time,action,rewa"\)/,
      ],
      [
        'other.json',
        '{"hello":"world"}\n{"hello":"again"}\n',
        /unknown format: line 1 is JSON but neither an OTLP export request \(resourceSpans\) nor an rl-otel triplet/,
      ],
    ];
    for (const [name, content, message] of cases) {
      const file = join(dir, name);
      writeFileSync(file, content);
      const result = await rlOtel(['triplets', file]);
      assert.equal(result.code, 2, name);
      assert.match(result.stderr, message, name);
      assert.match(
        result.stderr,
        /rl-otel reads OTLP\/JSON trace files as the OpenTelemetry Collector’s file exporter writes them/,
      );
      assert.equal(result.stdout, '');
    }
    mkdirSync(join(dir, 'folder'));
    const folder = await rlOtel(['triplets', join(dir, 'folder')]);
    assert.equal(folder.code, 2);
    assert.match(folder.stderr, /folder: is a directory; pass the files in it/);
  });

  test('triplet files pass through and mix with Collector files; a span seen twice is written once', async () => {
    const dir = tmp();
    const span = oneStep('d1', base);
    const collector = join(dir, 'traces.json');
    writeFileSync(collector, `${otlpLine([span, oneStep('d2', base + 5)])}\n`);
    // What the in-process sink wrote for the same span, and one of its own.
    const first = await rlOtel(['triplets', '-q', collector]);
    const inProcess = join(dir, 'triplets.jsonl');
    const own = triplet({
      episode: 'x',
      step: 0,
      span: hexId('own1', 8),
      ms: base + 1,
      name: 'tool',
      kind: 'tool',
      reward: 0.5,
    });
    const broken = { ...own, span_id: hexId('own2', 8), reward: { components: {} } };
    writeFileSync(inProcess, `${first.stdout.split('\n')[0]}\n${jsonl([own, broken])}`);
    const result = await rlOtel(['triplets', inProcess, collector]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      new RegExp(`${inProcess}:3: line 3 is not a valid triplet: reward.value is not a number`),
    );
    assert.match(result.stderr, /1 duplicate spans or triplets dropped/);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Triplet);
    assert.deepEqual(
      lines.map((t) => nameOf(t.span_id)),
      ['d1', 'own1', 'd2'],
      'merged by time, the duplicate dropped',
    );
  });

  test('rotated files given in any order are read in time order', async () => {
    const dir = tmp();
    const older = join(dir, 'traces-2026-11-26T12-00-00.000.json');
    const newer = join(dir, 'traces.json');
    writeFileSync(older, [0, 1, 2].map((i) => otlpLine([oneStep(`o${i}`, base + i * 10)])).join('\n'));
    writeFileSync(newer, [3, 4, 5].map((i) => otlpLine([oneStep(`n${i}`, base + i * 10)])).join('\n'));
    const result = await rlOtel(['triplets', '-q', newer, older]);
    assert.equal(result.code, 0, result.stderr);
    const times = result.stdout
      .trim()
      .split('\n')
      .map((l) => Date.parse((JSON.parse(l) as Triplet).time));
    assert.deepEqual(
      times,
      [0, 1, 2, 3, 4, 5].map((i) => base + i * 10),
    );
  });

  test('-o name.gz writes gzip', async () => {
    const dir = tmp();
    const file = join(dir, 'traces.json');
    writeFileSync(file, `${otlpLine([oneStep('z1', base)])}\n`);
    const out = join(dir, 'out.jsonl.gz');
    const result = await rlOtel(['triplets', '-q', file, '-o', out]);
    assert.equal(result.code, 0, result.stderr);
    const text = gunzipSync(readFileSync(out)).toString('utf8');
    assert.equal(nameOf((JSON.parse(text) as Triplet).span_id), 'z1');
  });

  test('standard input (-) and a pipe such as <(zcat …) are read once, compressed or not', async () => {
    const dir = tmp();
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const child = spawn(process.execPath, [cliPath, 'triplets', '-', fifo], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.end(gzipSync(`${otlpLine([oneStep('i1', base), oneStep('i2', base + 1)])}\n`));
    const writer = createWriteStream(fifo);
    writer.end(`${otlpLine([oneStep('p1', base + 2)])}\n`);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, stderr);
    assert.deepEqual(
      stdout
        .trim()
        .split('\n')
        .map((l) => nameOf((JSON.parse(l) as Triplet).span_id))
        .sort(),
      ['i1', 'i2', 'p1'],
    );
    assert.match(stderr, /2 files, .* 2 lines, 3 spans → 3 triplets\n/);
  });
});
