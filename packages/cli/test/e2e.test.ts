import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Triplet } from '@rl-otel/semantic-conventions';
import { readJsonl, rlWarnings, runNode, startCollectorReceiver } from '@rl-otel/test-utils';
import { fixtures, rlOtel, shuffle, sorted, tmp, writeRotated } from './helpers.ts';

for (const fixture of ['app.mjs', 'app.cjs']) {
  const protocol = fixture.endsWith('.mjs') ? 'http/protobuf' : 'http/json';
  test(`${fixture} (${protocol}): rl-otel triplets from rotated, shuffled Collector files equals the in-process triplet file`, async () => {
    const collector = await startCollectorReceiver();
    const dir = tmp();
    const inProcessFile = join(dir, 'in-process.jsonl');
    try {
      const run = await runNode(fixture, {
        cwd: fixtures,
        env: {
          OTEL_SERVICE_NAME: `cli-e2e-${fixture}`,
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
          OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
          OTEL_BSP_SCHEDULE_DELAY: '20',
          RL_OTEL_TRIPLETS_FILE: inProcessFile,
        },
      });
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /done/);
      assert.deepEqual(rlWarnings(run.stderr), []);
    } finally {
      await collector.close();
    }
    assert.ok(
      collector.contentTypes.every((t) => t.includes(protocol === 'http/json' ? 'json' : 'protobuf')),
      `the app exported ${protocol}`,
    );
    const inProcess = readJsonl<Triplet>(inProcessFile);

    // What the in-process file says, so that equality below is about real content.
    const byEpisode = (id: string) =>
      inProcess.filter((t) => t.episode_id === id).sort((a, b) => a.step - b.step);
    const agent = byEpisode('agent-1').filter((t) => t.action.kind !== 'reward');
    assert.ok(agent.length >= 3);
    assert.deepEqual(
      agent.map((t) => t.done),
      [...agent.slice(1).map(() => false), true],
      'only the last step of an explicit episode is done',
    );
    assert.equal(agent.at(-1)?.reward.components.episode, 1, 'the episode reward is on the terminal step');
    const delayed = byEpisode('agent-1').find((t) => t.action.kind === 'reward');
    assert.equal(delayed?.reward.value, 0.5, 'the delayed reward has its own line');
    const session = byEpisode('session-7');
    assert.deepEqual(
      session.map((t) => [t.action.name, t.done, t.termination_reason]),
      [
        ['ask', false, undefined],
        ['answer', true, 'failure'],
        ['ask', false, undefined],
        ['answer', true, 'success'],
      ],
      'an id used twice: each run ends at its own last step',
    );
    assert.equal(byEpisode('crash').at(-1)?.termination_reason, 'error');
    assert.ok(byEpisode('browser-42').length === 3 && byEpisode('browser-42').every((t) => !t.done));
    assert.equal(inProcess.filter((t) => t.termination_reason === 'single_step').length >= 3, true);

    // The Collector's files: lines shuffled, rotated into three files (plain, gzip, zstd), given in any order.
    const files = writeRotated(dir, shuffle(collector.lines));
    const out = join(dir, 'from-collector.jsonl');
    const cli = await rlOtel([
      'triplets',
      files[2] as string,
      files[0] as string,
      files[1] as string,
      '-o',
      out,
    ]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stderr, new RegExp(`3 files, .* → ${inProcess.length} triplets to `));
    const offline = readJsonl<Triplet>(out);
    assert.deepEqual(sorted(offline), sorted(inProcess));
  });
}
