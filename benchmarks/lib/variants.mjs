// The three ways every benchmark runs an app: bare, under rl-otel, under the upstream peer;
// and, where a suite measures it, a fourth: under the OpenTelemetry SDK alone (the SDK floor).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runNode } from '@rl-otel/test-utils';

export const VARIANTS = ['bare', 'rl-otel', 'upstream'];

/**
 * The OpenTelemetry SDK with nothing on top (apps/sdk-floor.mjs): one span per request,
 * batched and exported as OTLP/protobuf. What no SDK-based implementation can go below.
 */
export const FLOOR = 'sdk-floor';
const FLOOR_PRELOAD = fileURLToPath(new URL('../apps/sdk-floor.mjs', import.meta.url));

/**
 * For a file call outside the artifact roots no span is made: the floor is the path test
 * (apps/path-floor.cjs, `fs.statSync` wrapped by one `startsWith` and nothing else) in a
 * process that loaded the SDK (apps/sdk-floor.mjs), as any SDK-based implementation has.
 */
export const PATH_FLOOR = 'path-floor';
const PATH_FLOOR_PRELOAD = fileURLToPath(new URL('../apps/path-floor.cjs', import.meta.url));

/** Node flags of a variant. `esm` adds upstream's ES module loader, which its register entry does not install. */
export function nodeArgs(variant, { esm = false } = {}) {
  if (variant === 'rl-otel') return ['--import', '@rl-otel/auto'];
  if (variant === FLOOR) return ['--import', FLOOR_PRELOAD];
  if (variant === PATH_FLOOR) return ['--import', FLOOR_PRELOAD, '--require', PATH_FLOOR_PRELOAD];
  if (variant === 'upstream') {
    const args = ['--import', '@opentelemetry/auto-instrumentations-node/register'];
    return esm
      ? ['--experimental-loader=@opentelemetry/instrumentation/hook.mjs', '--no-warnings', ...args]
      : args;
  }
  return [];
}

/** Environment of a variant: every instrumented variant exports OTLP/protobuf to the same local sink, as `bench-<variant>`. */
export function variantEnv(variant, { sinkUrl, tripletsFile } = {}) {
  const env = { OTEL_SERVICE_NAME: `bench-${variant}` };
  if (variant === 'bare') return env;
  Object.assign(env, {
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
  });
  if (variant === 'rl-otel') env.RL_OTEL_TRIPLETS_FILE = tripletsFile ?? 'none';
  if (variant === 'upstream')
    Object.assign(env, { OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' });
  return env;
}

/** Pins a process to a core where `taskset` exists and the machine has more than one core. */
export function pin(core, cores) {
  return cores > 1 && existsSync('/usr/bin/taskset') ? ['taskset', '-c', String(core)] : [];
}

/**
 * Runs a per-operation benchmark app (CommonJS, so the upstream peer needs no ES module loader)
 * pinned to core 0; resolves to the JSON of its last stdout line, or to why there is none.
 */
export async function runMeasurement(script, { dir, variant, args, env, cores }) {
  const result = await runNode(script, {
    cwd: dir,
    nodeArgs: nodeArgs(variant, { esm: false }),
    args,
    env,
    wrapper: pin(0, cores),
    timeoutMs: 300_000,
  });
  try {
    return { report: JSON.parse(result.stdout.trim().split('\n').at(-1)) };
  } catch {
    return { error: `no result (code ${result.code}) ${result.stderr.slice(0, 300)}` };
  }
}
