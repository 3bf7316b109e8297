/**
 * The end-to-end suite of the HTTP framework plugins: each plugin's fixture
 * apps (`app.mjs` and `app.cjs` in a folder per framework version) run the
 * shared scenario of `http-scenario.ts` under `--import @rl-otel/auto` and
 * with a hand-built SDK (`test-utils/fixtures/telemetry.{cjs,mjs}`), the ESM
 * app also with ES module hooks on a loader thread (what Node versions
 * without in-thread hooks get); exported to a real OTLP receiver and written
 * to a real triplet file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Triplet } from '@rl-otel/semantic-conventions';
import { readJsonl, rlWarnings, startServer } from './fixtures.ts';
import {
  checkCases,
  checkScenario,
  exerciseScenario,
  type Framework,
  requestCases,
  type ScenarioCase,
  type ScenarioRun,
} from './http-scenario.ts';
import { installPackages } from './packages.ts';
import type { OtlpSpan } from './protobuf.ts';
import { type OtlpReceiver, startOtlpReceiver } from './receiver.ts';

/** The hand-built SDK a CommonJS app is started with (`--require`): the HTTP plugin and the one of `TELEMETRY_FRAMEWORK`. */
export const TELEMETRY_CJS = fileURLToPath(new URL('../fixtures/telemetry.cjs', import.meta.url));
/** The same for an ES module app (`--import`), with import-in-the-middle's hook first. */
export const TELEMETRY_MJS = new URL('../fixtures/telemetry.mjs', import.meta.url).href;

export interface FixtureVariant {
  /** A folder of the plugin's `test/fixtures` holding `app.mjs` and `app.cjs`. */
  readonly dir: string;
  /** Packages copied into the folder's `node_modules` under their real names (`installPackages`). */
  readonly packages?: Record<string, string>;
}

export interface FrameworkSuiteOptions {
  readonly framework: Framework;
  /** The test file's `import.meta.url`: the fixtures are in `fixtures/` next to it. */
  readonly from: string;
  readonly variants: readonly FixtureVariant[];
}

export interface FixtureOptions {
  /** Start the app with the hand-built SDK instead of `--import @rl-otel/auto`. */
  readonly sdk?: boolean;
  /** Node flags instead of the default ones (`--import @rl-otel/auto`, or the SDK's). */
  readonly nodeArgs?: string[];
  readonly env?: Record<string, string>;
}

export interface FixtureRun<T> {
  /** Every span the app exported. */
  readonly spans: OtlpSpan[];
  readonly triplets: Triplet[];
  /** `[rl-otel]` lines of its stderr. */
  readonly warnings: string[];
  readonly stderr: string;
  /** What the exercise returned. */
  readonly value: T;
}

export interface FrameworkSuite {
  /**
   * Starts `script` in the fixture folder `dir`, runs `exercise` against it,
   * waits for the server spans of the requests it says it sent, stops the app
   * and returns what it exported and wrote.
   */
  run<T extends { readonly requests: number }>(
    dir: string,
    script: string,
    options: FixtureOptions,
    exercise: (url: string) => Promise<T>,
  ): Promise<FixtureRun<T>>;
  /** `run` with the whole scenario, checked. */
  scenario(dir: string, script: string, options?: FixtureOptions): Promise<FixtureRun<ScenarioRun>>;
  /** `run` with a list of cases of its own, checked. */
  cases(
    dir: string,
    script: string,
    options: FixtureOptions,
    cases: readonly ScenarioCase[],
  ): Promise<FixtureRun<{ requests: number }>>;
}

/**
 * Registers, at the level it is called from, the OTLP receiver (and the
 * fixture folders' packages) for the plugin's e2e tests, and the shared
 * scenario's tests for every variant; returns the runner for the plugin's own
 * tests.
 */
export function frameworkSuite(options: FrameworkSuiteOptions): FrameworkSuite {
  const { framework, variants } = options;
  const fixtures = fileURLToPath(new URL('./fixtures/', options.from));
  before(() => {
    for (const v of variants)
      if (v.packages !== undefined) installPackages(join(fixtures, v.dir), v.packages, options.from);
  });
  // Started by the first run, so that a filtered test run that runs none starts nothing to close.
  let started: Promise<OtlpReceiver> | undefined;
  after(async () => {
    if (started !== undefined) await (await started).close();
  });

  const suite: FrameworkSuite = {
    async run<T extends { readonly requests: number }>(
      dir: string,
      script: string,
      fixtureOptions: FixtureOptions,
      exercise: (url: string) => Promise<T>,
    ): Promise<FixtureRun<T>> {
      started ??= startOtlpReceiver();
      const receiver = await started;
      const triplets = join(mkdtempSync(join(tmpdir(), `rl-${framework}-`)), 'triplets.jsonl');
      const service = `${framework}-${dir}-${script}-${Math.random().toString(36).slice(2, 8)}`;
      const sdkArgs = script.endsWith('.mjs') ? ['--import', TELEMETRY_MJS] : ['--require', TELEMETRY_CJS];
      const server = await startServer(script, {
        cwd: join(fixtures, dir),
        nodeArgs: fixtureOptions.nodeArgs ?? (fixtureOptions.sdk === true ? sdkArgs : undefined),
        env: {
          OTEL_SERVICE_NAME: service,
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
          OTEL_BSP_SCHEDULE_DELAY: '20',
          RL_OTEL_TRIPLETS_FILE: triplets,
          // read by the hand-built SDK
          TELEMETRY_FRAMEWORK: framework,
          TRIPLETS_FILE: triplets,
          ...fixtureOptions.env,
        },
      });
      const mine = (s: OtlpSpan) => s.resource['service.name'] === service;
      let value: T;
      let stderr: string;
      try {
        value = await exercise(server.url);
        await receiver.waitForSpans(value.requests, (s) => mine(s) && s.kind === 2);
      } finally {
        stderr = (await server.stop()).stderr;
      }
      return {
        spans: receiver.spans().filter(mine),
        triplets: readJsonl<Triplet>(triplets),
        warnings: rlWarnings(stderr),
        stderr,
        value,
      };
    },
    async scenario(dir, script, fixtureOptions = {}) {
      const run = await suite.run(dir, script, fixtureOptions, (url) => exerciseScenario(url, framework));
      checkScenario(run.spans, run.triplets, run.value);
      return run;
    },
    async cases(dir, script, fixtureOptions, cases) {
      const run = await suite.run(dir, script, fixtureOptions, async (url) => {
        await requestCases(url, cases);
        return { requests: cases.length };
      });
      checkCases(run.spans, run.triplets, cases);
      return run;
    },
  };

  const what =
    'route params, nested routers, a mounted sub-app, async handlers, errors, 404s, streaming, two concurrent episodes';
  describe(`${framework}: the shared HTTP scenario (${what})`, () => {
    for (const { dir } of variants) {
      for (const app of ['app.mjs', 'app.cjs']) {
        test(`${dir}/${app} under --import @rl-otel/auto`, async () => {
          const { spans, warnings, stderr } = await suite.scenario(dir, app);
          assert.deepEqual(warnings, [], stderr);
          assert.ok(
            spans.every((s) => s.kind === 2),
            'no span per middleware by default: only the server spans',
          );
        });
        test(`${dir}/${app} with a hand-built SDK`, async () => {
          const { spans, stderr } = await suite.scenario(dir, app, { sdk: true });
          assert.deepEqual(rlWarnings(stderr), [], stderr);
          assert.ok(
            spans.every((s) => s.kind === 2),
            'no span per middleware by default: only the server spans',
          );
        });
      }
      // The ES module hooks of Node versions without in-thread ones: on a loader thread (module.register).
      test(`${dir}/app.mjs under --import @rl-otel/auto with RL_OTEL_ESM_HOOKS=async (the loader thread)`, async () => {
        const { warnings, stderr } = await suite.scenario(dir, 'app.mjs', {
          env: { RL_OTEL_ESM_HOOKS: 'async' },
        });
        assert.deepEqual(warnings, [], stderr);
      });
      test(`${dir}/app.mjs with a hand-built SDK on import-in-the-middle's loader thread`, async () => {
        const { stderr } = await suite.scenario(dir, 'app.mjs', { sdk: true, env: { ESM_LOADER: 'thread' } });
        assert.deepEqual(rlWarnings(stderr), [], stderr);
      });
    }
  });
  return suite;
}
