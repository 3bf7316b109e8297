/**
 * The plugins the zero-code entry knows. A plugin's code is only loaded when
 * the app can use it: built-in modules always, npm modules only when they are
 * installed where the app would find them.
 */
import { existsSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';

export interface PluginDefinition {
  /** Short name, as in OTEL_NODE_ENABLED_INSTRUMENTATIONS (`http`, `express`, …). */
  readonly name: string;
  /** Package that implements it. */
  readonly packageName: string;
  /** Name of the instrumentation class it exports. */
  readonly exportName: string;
  /** npm packages it instruments; empty for a plugin of Node's built-in modules (always used). */
  readonly modules: readonly string[];
  /**
   * The plugin enters only through the library's own diagnostics channels: its
   * modules need no ES module hook (wrapping them would only cost start-up
   * time), and loading them before rl-otel does no harm.
   */
  readonly channelsOnly?: boolean;
  /**
   * Modules that Deno loads as separate ES module builds: with Deno's module
   * hooks off, the plugin cannot hook them there (the loader says so once).
   */
  readonly esmOnDeno?: readonly string[];
  /** Use the plugin even when none of `modules` is installed (it also listens on diagnostics channels any code may publish to). */
  readonly always?: boolean;
  /**
   * Export of a function `(env) => SpanProcessor[]` whose processors run after
   * the RL processor and before the exporters (an output format that needs
   * every span, say). Called once at start-up.
   */
  readonly processorsExport?: string;
}

export const PLUGINS: readonly PluginDefinition[] = [
  {
    name: 'http',
    packageName: '@rl-otel/instrumentation-http',
    exportName: 'HttpInstrumentation',
    modules: [],
  },
  {
    name: 'express',
    packageName: '@rl-otel/instrumentation-express',
    exportName: 'ExpressInstrumentation',
    modules: ['express'],
  },
  {
    name: 'koa',
    packageName: '@rl-otel/instrumentation-koa',
    exportName: 'KoaInstrumentation',
    modules: ['koa', '@koa/router'],
    esmOnDeno: ['koa', '@koa/router'],
  },
  {
    name: 'fastify',
    packageName: '@rl-otel/instrumentation-fastify',
    exportName: 'FastifyInstrumentation',
    modules: ['fastify'],
    channelsOnly: true,
  },
  {
    name: 'hono',
    packageName: '@rl-otel/instrumentation-hono',
    exportName: 'HonoInstrumentation',
    modules: ['hono'],
    esmOnDeno: ['hono'],
  },
  {
    // node:fs is patched in place and its ES module bindings re-synced: no module hook either.
    name: 'fs',
    packageName: '@rl-otel/instrumentation-fs',
    exportName: 'FsInstrumentation',
    modules: [],
  },
  {
    name: 'orchestrator',
    packageName: '@rl-otel/instrumentation-orchestrator',
    exportName: 'OrchestratorInstrumentation',
    modules: ['@langchain/langgraph'],
    always: true,
    processorsExport: 'agentLightningProcessors',
    esmOnDeno: ['@langchain/langgraph'],
  },
  {
    name: 'sqlite',
    packageName: '@rl-otel/instrumentation-sqlite',
    exportName: 'SqliteInstrumentation',
    modules: ['better-sqlite3', 'node:sqlite'],
  },
  {
    name: 'pg',
    packageName: '@rl-otel/instrumentation-pg',
    exportName: 'PgInstrumentation',
    modules: ['pg', 'pg-pool'],
  },
];

/** Whether `name` is installed in `from` or a folder above it (a cheap stat walk, no resolution). */
export function isInstalled(name: string, from: string): boolean {
  let dir = from;
  const { root } = parse(dir);
  for (;;) {
    if (existsSync(join(dir, 'node_modules', name, 'package.json'))) return true;
    if (dir === root) return false;
    dir = dirname(dir);
  }
}

export interface PluginChoice {
  readonly plugin: PluginDefinition;
  /** The plugin's npm modules that the app has installed. */
  readonly modules: readonly string[];
}

/** The enabled plugins that have something to instrument in this app. */
export function choosePlugins(
  enabled: ReadonlySet<string> | 'all',
  disabled: ReadonlySet<string>,
  appDirs: readonly string[],
  plugins: readonly PluginDefinition[] = PLUGINS,
): PluginChoice[] {
  const chosen: PluginChoice[] = [];
  for (const plugin of plugins) {
    if (enabled !== 'all' && !enabled.has(plugin.name)) continue;
    if (disabled.has(plugin.name)) continue;
    if (plugin.modules.length === 0) {
      chosen.push({ plugin, modules: [] });
      continue;
    }
    const modules = plugin.modules.filter(
      (m) => m.startsWith('node:') || appDirs.some((dir) => isInstalled(m, dir)),
    );
    if (modules.length > 0 || plugin.always === true) chosen.push({ plugin, modules });
  }
  return chosen;
}
