/**
 * Configuration of the zero-code entry, read from the environment:
 * OpenTelemetry's own variables and the `RL_OTEL_*` ones. Pure: problems are
 * returned as plain sentences, and the caller reports each once.
 */
import { isAbsolute, resolve } from 'node:path';

export type ExporterName = 'otlp' | 'console' | 'zipkin';
export type OtlpProtocol = 'http/protobuf' | 'http/json';
export type EsmHooksMode = 'auto' | 'sync' | 'async' | 'off';
export type LogLevel = 'none' | 'error' | 'warn' | 'info' | 'debug' | 'verbose' | 'all';

export interface AutoConfig {
  disabled: boolean;
  serviceName: string;
  resourceAttributes: Record<string, string>;
  exporters: ExporterName[];
  otlpProtocol: OtlpProtocol;
  propagators: Array<'tracecontext' | 'baggage'>;
  /** Plugin names to enable (after OTEL_NODE_ENABLED/DISABLED_INSTRUMENTATIONS). */
  enabledPlugins: ReadonlySet<string> | 'all';
  disabledPlugins: ReadonlySet<string>;
  logLevel: LogLevel | undefined;
  /** Absolute path of the triplet file, or undefined when triplets are off. */
  tripletsFile: string | undefined;
  tripletQueue: number;
  rewardWeights: string | undefined;
  rewardModule: string | undefined;
  esmHooks: EsmHooksMode;
  shutdownTimeoutMs: number;
  bsp: {
    scheduledDelayMillis?: number;
    maxQueueSize?: number;
    maxExportBatchSize?: number;
    exportTimeoutMillis?: number;
  };
}

/** Where triplets go when RL_OTEL_TRIPLETS_FILE is not set: relative to the working directory. */
export const DEFAULT_TRIPLETS_FILE = '.rl-otel/triplets.jsonl';

type Env = Record<string, string | undefined>;

const LOG_LEVELS = new Set(['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all']);

export function readConfig(env: Env, cwd: string): { config: AutoConfig; problems: string[] } {
  const problems: string[] = [];
  const get = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };

  const disabledRaw = get('OTEL_SDK_DISABLED');
  const disabled = disabledRaw !== undefined && disabledRaw.toLowerCase() === 'true';

  const exporters: ExporterName[] = [];
  const exporterRaw = get('OTEL_TRACES_EXPORTER');
  if (exporterRaw === undefined) {
    // Nothing goes over the network unless asked: OTLP only when an endpoint is configured.
    if (get('OTEL_EXPORTER_OTLP_ENDPOINT') || get('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'))
      exporters.push('otlp');
  } else {
    for (const name of list(exporterRaw)) {
      if (name === 'none') continue;
      if (name === 'otlp' || name === 'console' || name === 'zipkin') {
        if (!exporters.includes(name)) exporters.push(name);
      } else {
        problems.push(
          `OTEL_TRACES_EXPORTER names an unknown exporter "${name}"; it was ignored (known: none, console, otlp, zipkin)`,
        );
      }
    }
  }

  let otlpProtocol: OtlpProtocol = 'http/protobuf';
  const protocolRaw = get('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL') ?? get('OTEL_EXPORTER_OTLP_PROTOCOL');
  if (protocolRaw !== undefined) {
    if (protocolRaw === 'http/protobuf' || protocolRaw === 'http/json') otlpProtocol = protocolRaw;
    else {
      problems.push(
        `OTEL_EXPORTER_OTLP_PROTOCOL "${protocolRaw}" is not supported; http/protobuf is used (supported: http/protobuf, http/json)`,
      );
    }
  }

  const propagators: AutoConfig['propagators'] = [];
  for (const name of list(get('OTEL_PROPAGATORS') ?? 'tracecontext,baggage')) {
    if (name === 'none') continue;
    if (name === 'tracecontext' || name === 'baggage') {
      if (!propagators.includes(name)) propagators.push(name);
    } else
      problems.push(
        `OTEL_PROPAGATORS names "${name}", which is not supported; it was ignored (supported: tracecontext, baggage, none)`,
      );
  }

  const enabledRaw = get('OTEL_NODE_ENABLED_INSTRUMENTATIONS');
  const enabledPlugins = enabledRaw === undefined ? 'all' : new Set(list(enabledRaw).map(pluginName));
  const disabledPlugins = new Set(list(get('OTEL_NODE_DISABLED_INSTRUMENTATIONS') ?? '').map(pluginName));

  let logLevel: LogLevel | undefined;
  const logRaw = get('OTEL_LOG_LEVEL')?.toLowerCase();
  if (logRaw !== undefined) {
    if (LOG_LEVELS.has(logRaw)) logLevel = logRaw as LogLevel;
    else
      problems.push(
        `OTEL_LOG_LEVEL "${logRaw}" is not a level; use none, error, warn, info, debug, verbose or all`,
      );
  }

  let tripletsFile: string | undefined;
  const tripletsRaw = get('RL_OTEL_TRIPLETS_FILE');
  if (tripletsRaw === undefined) tripletsFile = resolve(cwd, DEFAULT_TRIPLETS_FILE);
  else if (tripletsRaw === 'none' || tripletsRaw === 'off') tripletsFile = undefined;
  else tripletsFile = isAbsolute(tripletsRaw) ? tripletsRaw : resolve(cwd, tripletsRaw);

  const tripletQueue = positiveInt(get('RL_OTEL_TRIPLET_QUEUE'), 10_000, 'RL_OTEL_TRIPLET_QUEUE', problems);
  const shutdownTimeoutMs = positiveInt(
    get('RL_OTEL_SHUTDOWN_TIMEOUT_MS'),
    2_000,
    'RL_OTEL_SHUTDOWN_TIMEOUT_MS',
    problems,
  );

  let esmHooks: EsmHooksMode = 'auto';
  const esmRaw = get('RL_OTEL_ESM_HOOKS')?.toLowerCase();
  if (esmRaw !== undefined) {
    if (esmRaw === 'auto' || esmRaw === 'sync' || esmRaw === 'async' || esmRaw === 'off') esmHooks = esmRaw;
    else problems.push(`RL_OTEL_ESM_HOOKS "${esmRaw}" is not one of auto, sync, async, off; auto is used`);
  }

  const resourceAttributes: Record<string, string> = {};
  for (const pair of list(get('OTEL_RESOURCE_ATTRIBUTES') ?? '')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      problems.push(`OTEL_RESOURCE_ATTRIBUTES has "${pair}", which is not key=value; it was ignored`);
      continue;
    }
    try {
      resourceAttributes[pair.slice(0, eq).trim()] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      resourceAttributes[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
  }

  const bsp: AutoConfig['bsp'] = {};
  const bspVars: Array<[keyof AutoConfig['bsp'], string]> = [
    ['scheduledDelayMillis', 'OTEL_BSP_SCHEDULE_DELAY'],
    ['maxQueueSize', 'OTEL_BSP_MAX_QUEUE_SIZE'],
    ['maxExportBatchSize', 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE'],
    ['exportTimeoutMillis', 'OTEL_BSP_EXPORT_TIMEOUT'],
  ];
  for (const [key, name] of bspVars) {
    const raw = get(name);
    if (raw !== undefined) bsp[key] = positiveInt(raw, 0, name, problems) || undefined;
  }

  return {
    config: {
      disabled,
      serviceName: get('OTEL_SERVICE_NAME') ?? resourceAttributes['service.name'] ?? 'unknown_service:node',
      resourceAttributes,
      exporters,
      otlpProtocol,
      propagators,
      enabledPlugins,
      disabledPlugins,
      logLevel,
      tripletsFile,
      tripletQueue,
      rewardWeights: get('RL_OTEL_REWARD_WEIGHTS'),
      rewardModule: get('RL_OTEL_REWARD_MODULE'),
      esmHooks,
      shutdownTimeoutMs,
      bsp,
    },
    problems,
  };
}

function list(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Accepts `express`, `@rl-otel/instrumentation-express` and `@opentelemetry/instrumentation-express` alike. */
function pluginName(raw: string): string {
  return raw.replace(/^@[^/]+\//, '').replace(/^instrumentation-/, '');
}

function positiveInt(raw: string | undefined, fallback: number, name: string, problems: string[]): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (Number.isInteger(value) && value > 0) return value;
  problems.push(`${name} "${raw}" is not a positive whole number; ${fallback || 'the default'} is used`);
  return fallback;
}
