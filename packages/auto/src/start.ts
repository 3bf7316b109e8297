/**
 * What `node --import @rl-otel/auto` does: read the configuration, build the
 * tracer provider (RL processor first, then the exporters), register the
 * module hooks, enable the plugins the app can use, and flush at exit.
 * Nothing here may break the app: any failure is reported once and the app
 * runs without telemetry.
 */

import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { context, DiagConsoleLogger, DiagLogLevel, diag, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { type SpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import {
  VERSION as CORE_VERSION,
  describeError,
  JsonlFileSink,
  type RewardFunction,
  RLSpanProcessor,
  setRewardFunction,
  setRewardWeightsFromText,
  setTracerProvider,
  warnOnce,
} from '@rl-otel/core';
import { type AutoConfig, type LogLevel, readConfig } from './config.ts';
import { denoExportsItself, finishOnDeno } from './deno.ts';
import { createExportProcessors } from './exporters.ts';
import { isDeno, modulesLoadedTooEarly, registerEsmHooks } from './hooks.ts';
import { choosePlugins, type PluginChoice } from './plugins.ts';
import { installShutdown } from './shutdown.ts';

const requireHere = createRequire(import.meta.url);

export interface AutoHandle {
  readonly config: AutoConfig;
  readonly provider: TracerProvider;
  readonly instrumentations: readonly Instrumentation[];
  readonly sink: JsonlFileSink | undefined;
  /** Resolves once ESM hooks are acknowledged (only waits with the off-thread loader). */
  readonly ready: Promise<void>;
}

const STARTED = Symbol.for('@rl-otel/auto.started');

export function startAuto(): AutoHandle | undefined {
  const holder = globalThis as { [STARTED]?: AutoHandle | null };
  if (holder[STARTED] !== undefined) return holder[STARTED] ?? undefined;
  holder[STARTED] = null;
  try {
    const handle = start();
    holder[STARTED] = handle ?? null;
    return handle;
  } catch (error) {
    warnOnce(
      'auto-start',
      `rl-otel could not start (${describeError(error)}); the app runs without telemetry`,
    );
    return undefined;
  }
}

function start(): AutoHandle | undefined {
  const env = process.env;
  const { config, problems } = readConfig(env, process.cwd());
  if (config.disabled) return undefined;
  for (const problem of problems) warnOnce(`config:${problem}`, problem);
  if (config.logLevel !== undefined) diag.setLogger(new DiagConsoleLogger(), toDiagLevel(config.logLevel));

  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const propagators = config.propagators.map((p) =>
    p === 'tracecontext' ? new W3CTraceContextPropagator() : new W3CBaggagePropagator(),
  );
  propagation.setGlobalPropagator(new CompositePropagator({ propagators }));

  if (config.rewardWeights !== undefined) setRewardWeightsFromText(config.rewardWeights);
  if (config.rewardModule !== undefined) loadRewardModule(config.rewardModule);

  const sink = config.tripletsFile
    ? new JsonlFileSink({ path: config.tripletsFile, maxQueuedLines: config.tripletQueue })
    : undefined;
  const rl = new RLSpanProcessor({ sink });
  const appDirs = appDirectories();
  const chosen = choosePlugins(config.enabledPlugins, config.disabledPlugins, appDirs);
  let ended = 0;
  const counter = {
    onStart() {},
    onEnd() {
      ended++;
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  // With Deno's own OpenTelemetry on, Deno exports its server and client spans itself; exporting
  // ours too would duplicate them, so rl-otel's spans then feed the triplets only.
  const denoExports = denoExportsItself(env);
  if (denoExports && config.exporters.length > 0 && env.OTEL_TRACES_EXPORTER !== undefined) {
    warnOnce(
      'deno-otel',
      "OTEL_DENO=true: Deno exports the spans itself, so rl-otel's own span exporters are off (they would duplicate Deno's spans); triplets are still written",
    );
  }
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      ...config.resourceAttributes,
      'service.name': config.serviceName,
      'telemetry.distro.name': 'rl-otel',
      'telemetry.distro.version': CORE_VERSION,
    }),
    spanProcessors: [
      rl as never,
      ...pluginProcessors(chosen, env),
      counter as never,
      ...createExportProcessors(denoExports ? { ...config, exporters: [] } : config, env),
    ],
  });
  trace.setGlobalTracerProvider(provider);
  setTracerProvider(provider);

  const include = chosen.filter((c) => c.plugin.channelsOnly !== true).flatMap((c) => c.modules);
  const early = modulesLoadedTooEarly(include);
  if (early.length > 0) {
    warnOnce(
      'loaded-too-early',
      `${early.join(', ')} ${early.length === 1 ? 'was' : 'were'} loaded before @rl-otel/auto, so ${early.length === 1 ? 'it' : 'they'} may not be instrumented; start the app with node --import @rl-otel/auto and load nothing before it`,
    );
  }
  let ready: Promise<void> = Promise.resolve();
  const hooks = registerEsmHooks(config.esmHooks, include);
  if (hooks.mode === 'failed') {
    warnOnce(
      'esm-hooks',
      `ES modules cannot be instrumented here: ${hooks.reason}; CommonJS modules still are`,
    );
  }

  const instrumentations: Instrumentation[] = [];
  for (const { plugin } of chosen) {
    try {
      const exports = requireHere(plugin.packageName) as Record<
        string,
        new () => Instrumentation & { isEnabled(): boolean }
      >;
      const Plugin = exports[plugin.exportName];
      if (Plugin === undefined) throw new Error(`${plugin.packageName} has no export ${plugin.exportName}`);
      const instance = new Plugin();
      instance.setTracerProvider(provider);
      if (!instance.isEnabled()) instance.enable();
      instrumentations.push(instance);
    } catch (error) {
      warnOnce(
        `plugin:${plugin.name}`,
        `the ${plugin.name} plugin could not be enabled (${describeError(error)}); the rest works`,
      );
    }
  }
  if (hooks.mode === 'async') ready = withTimeout(hooks.waitForAcknowledgements(), 2000);
  if (isDeno) finishOnDeno(instrumentations, chosen);

  installShutdown(
    {
      flushSync: () => rl.flushSync(),
      flush: () => provider.forceFlush(),
      endedSpans: () => ended,
    },
    config.shutdownTimeoutMs,
  );
  return { config, provider, instrumentations, sink, ready };
}

/** Span processors that chosen plugins contribute (`processorsExport`); a plugin that fails is reported once. */
function pluginProcessors(chosen: readonly PluginChoice[], env: NodeJS.ProcessEnv): SpanProcessor[] {
  const out: SpanProcessor[] = [];
  for (const { plugin } of chosen) {
    if (plugin.processorsExport === undefined) continue;
    try {
      const factory = (requireHere(plugin.packageName) as Record<string, unknown>)[plugin.processorsExport];
      if (typeof factory !== 'function')
        throw new Error(`${plugin.packageName} has no function ${plugin.processorsExport}`);
      out.push(...((factory as (e: NodeJS.ProcessEnv) => SpanProcessor[])(env) ?? []));
    } catch (error) {
      warnOnce(
        `plugin-processors:${plugin.name}`,
        `the ${plugin.name} plugin's span processors could not be added (${describeError(error)}); the rest works`,
      );
    }
  }
  return out;
}

/** Folders the app's packages are installed from: the entry script's folder and the working directory. */
function appDirectories(): string[] {
  const dirs = [process.cwd()];
  const entry = process.argv[1];
  if (entry) {
    const dir = dirname(resolve(entry));
    if (!dirs.includes(dir)) dirs.unshift(dir);
  }
  return dirs;
}

function loadRewardModule(path: string): void {
  try {
    const loaded = requireHere(resolve(process.cwd(), path)) as
      | { default?: unknown; reward?: unknown }
      | ((...a: never[]) => unknown);
    const fn = typeof loaded === 'function' ? loaded : (loaded.default ?? loaded.reward);
    if (typeof fn !== 'function') {
      warnOnce(
        'reward-module',
        `RL_OTEL_REWARD_MODULE ${path} does not export a function (default or "reward"); the default reward is used`,
      );
      return;
    }
    setRewardFunction(fn as RewardFunction);
  } catch (error) {
    warnOnce(
      'reward-module',
      `RL_OTEL_REWARD_MODULE ${path} could not be loaded (${describeError(error)}); the default reward is used`,
    );
  }
}

function toDiagLevel(level: LogLevel): DiagLogLevel {
  switch (level) {
    case 'none':
      return DiagLogLevel.NONE;
    case 'error':
      return DiagLogLevel.ERROR;
    case 'warn':
      return DiagLogLevel.WARN;
    case 'info':
      return DiagLogLevel.INFO;
    case 'debug':
      return DiagLogLevel.DEBUG;
    case 'verbose':
      return DiagLogLevel.VERBOSE;
    case 'all':
      return DiagLogLevel.ALL;
  }
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      warnOnce(
        'esm-ack',
        'the ES module loader did not answer in time; some ES modules may not be instrumented',
      );
      resolve();
    }, ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      () => {
        clearTimeout(timer);
        resolve();
      },
    );
  });
}
