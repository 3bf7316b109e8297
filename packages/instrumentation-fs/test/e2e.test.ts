import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Triplet } from '@rl-otel/semantic-conventions';
import { type OtlpReceiver, readJsonl, rlWarnings, runNode, startOtlpReceiver } from '@rl-otel/test-utils';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const { EXPECTED } = createRequire(import.meta.url)('./fixtures/exercise.cjs') as {
  EXPECTED: Array<[string, string, string, string]>;
};

/** A real artifact folder, a folder outside it, and links inside the root that lead out. */
function workspace() {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'rl-fs-e2e-')));
  const root = join(base, 'artifacts');
  const outside = join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.md'), 'outside');
  symlinkSync(outside, join(root, 'escape'), 'dir');
  symlinkSync(join(outside, 'secret.md'), join(root, 'link.md'), 'file');
  return { base, root, outside };
}

describe('node --import @rl-otel/auto on apps that work on artifacts', () => {
  let receiver: OtlpReceiver;
  before(async () => {
    receiver = await startOtlpReceiver();
  });
  after(() => receiver.close());

  for (const fixture of ['app.mjs', 'app.cjs']) {
    test(`${fixture}: every API style and import style is recorded, nothing outside the root is`, async () => {
      const { base, root, outside } = workspace();
      const service = `fs-${fixture}`;
      const triplets = join(root, 'triplets.jsonl'); // inside the root on purpose: the sink is never traced
      const result = await runNode(fixture, {
        cwd: fixtures,
        env: {
          OTEL_SERVICE_NAME: service,
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_BSP_SCHEDULE_DELAY: '50',
          RL_OTEL_ARTIFACT_DIRS: root,
          RL_OTEL_TRIPLETS_FILE: triplets,
          ARTIFACTS: root,
          OUTSIDE: outside,
        },
      });
      assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
      assert.deepEqual(rlWarnings(result.stderr), []);

      // The app saw exactly what it would see without instrumentation.
      const seen = JSON.parse(/SEEN (.*)/.exec(result.stdout)?.[1] ?? 'null');
      assert.deepEqual(seen, {
        readBack: '# Summary\n',
        relative: 10,
        url: 10,
        plan: { steps: 3 },
        logSize: 5,
        streamed: 'streamed text',
        reports: ['startup.md', 'stream.txt', 'summary.md'],
        missing: 'ENOENT',
        exists: 'EEXIST',
        outside: 'outside',
        leak: 'through a link',
        linked: 'outside',
      });

      const mine = (s: { resource: Record<string, unknown> }) => s.resource['service.name'] === service;
      await receiver.waitForSpans(EXPECTED.length + 1, mine);
      const spans = receiver.spans().filter(mine);
      const server = spans.find((s) => s.kind === 2);
      assert.ok(server, 'the request is the action the file work belongs to');
      const files = spans.filter((s) => s.attributes['rl.action.kind'] === 'file');
      assert.deepEqual(
        files.map((s) => [
          s.attributes['code.function.name'],
          s.attributes['rl.file.operation'],
          s.attributes['file.path'],
          s.attributes['rl.action.name'],
        ]),
        EXPECTED,
        'one span per artifact operation, in order; none for start-up work, the sink, or paths outside',
      );
      for (const span of files) {
        assert.equal(span.name, span.attributes['rl.action.name']);
        assert.equal(span.parentSpanId, server.spanId);
        assert.equal(span.attributes['rl.step.index'], server.attributes['rl.step.index']);
      }
      for (const span of spans) {
        const text = JSON.stringify(span.attributes);
        assert.ok(!text.includes(outside) && !text.includes(base), `no absolute or outside path: ${text}`);
        assert.ok(!/secret|leak|triplets/.test(text), `nothing about files outside: ${text}`);
      }

      const byPath = (fn: string, path: string) =>
        files.find((s) => s.attributes['code.function.name'] === fn && s.attributes['file.path'] === path)
          ?.attributes;
      assert.equal(byPath('fs.writeFileSync', 'reports/summary.md')?.['rl.file.bytes_written'], 10);
      assert.equal(byPath('fs.writeFileSync', 'reports/summary.md')?.['file.size'], 10);
      assert.equal(byPath('fs.writeFileSync', 'reports/summary.md')?.['file.extension'], 'md');
      assert.equal(byPath('fs.writeFileSync', 'reports/summary.md')?.['file.name'], 'summary.md');
      assert.equal(byPath('fs.promises.readFile', 'plans/plan-0001.json')?.['rl.file.bytes_read'], 11);
      assert.equal(byPath('fs.stat', 'logs/run.log')?.['file.size'], 5);
      assert.equal(byPath('FileHandle.write', 'code/main.ts')?.['rl.file.bytes_written'], 11);
      assert.equal(byPath('fs.createWriteStream', 'reports/stream.txt')?.['rl.file.bytes_written'], 13);
      assert.equal(byPath('fs.createReadStream', 'reports/stream.txt')?.['rl.file.bytes_read'], 13);
      const missing = files.find((s) => s.attributes['file.path'] === 'reports/missing.md');
      assert.equal(missing?.attributes['error.type'], 'ENOENT');
      assert.equal(missing?.status.code, 2);
      assert.equal(byPath('fs.promises.mkdir', 'reports')?.['error.type'], 'EEXIST');

      // The request's triplet carries the artifact work as reward components.
      const lines = readJsonl<Triplet>(triplets);
      assert.equal(lines.length, 1, 'one triplet: the request; file actions fold into it');
      const components = lines[0]?.reward.components ?? {};
      assert.equal(components.file_calls, EXPECTED.length);
      assert.equal(components.errors, 2);
      // writeFileSync, writeFile, appendFile, FileHandle.write, writeSync, the write stream, copyFileSync
      assert.equal(components.artifact_writes, 7);
      assert.equal(components.bytes_written, 10 + 11 + 5 + 11 + 1 + 13);
      // three readFileSync, readFile, the read stream (the failed read counts as an error, not a read)
      assert.equal(components.artifact_reads, 5);
      assert.equal(components.bytes_read, 10 * 3 + 11 + 13);
    });
  }

  test('an fs rejection the app leaves unhandled still ends the app, exactly as without instrumentation', async () => {
    const { root } = workspace();
    const env = { RL_OTEL_ARTIFACT_DIRS: root, RL_OTEL_TRIPLETS_FILE: 'none', ARTIFACTS: root };
    const bare = await runNode('unhandled.mjs', { cwd: fixtures, env, nodeArgs: [] });
    const traced = await runNode('unhandled.mjs', { cwd: fixtures, env });
    for (const result of [bare, traced]) {
      assert.equal(result.code, 1, result.stderr);
      assert.match(result.stderr, /ENOENT: no such file or directory, open '.*missing\.md'/);
    }
    assert.deepEqual(rlWarnings(traced.stderr), []);
  });

  test('a bad RL_OTEL_ARTIFACT_DIRS gets one clear warning and the app runs', async () => {
    const { base, root, outside } = workspace();
    writeFileSync(join(base, 'a-file'), 'x');
    const result = await runNode('app.mjs', {
      cwd: fixtures,
      env: {
        RL_OTEL_ARTIFACT_DIRS: `${join(base, 'a-file')}:/`,
        RL_OTEL_TRIPLETS_FILE: 'none',
        ARTIFACTS: root,
        OUTSIDE: outside,
      },
    });
    assert.equal(result.code, 0, result.stderr);
    const warnings = rlWarnings(result.stderr);
    assert.equal(warnings.length, 2, warnings.join('\n'));
    assert.match(warnings[0] ?? '', /RL_OTEL_ARTIFACT_DIRS has ".*a-file", which is a file, not a folder/);
    assert.match(warnings[1] ?? '', /RL_OTEL_ARTIFACT_DIRS has "\/", the root of the file system/);
    assert.match(warnings[1] ?? '', /artifacts are traced in .*artifacts/);
  });
});
