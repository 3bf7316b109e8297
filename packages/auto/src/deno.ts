/**
 * What the loader does differently on Deno (see the README's Deno section):
 * built-in modules are patched directly, packages Deno loads as ES modules are
 * named once, and with Deno's own OpenTelemetry on rl-otel exports nothing of
 * its own.
 */
import type { Instrumentation, InstrumentationModuleDefinition } from '@opentelemetry/instrumentation';
import { describeError, warnOnce } from '@rl-otel/core';
import { isDeno } from './hooks.ts';
import type { PluginChoice } from './plugins.ts';

/** True when Deno's built-in OpenTelemetry exports the spans (`OTEL_DENO=true`): exporting ours too would duplicate them. */
export function denoExportsItself(env: Record<string, string | undefined>): boolean {
  return isDeno && env.OTEL_DENO?.trim().toLowerCase() === 'true';
}

export function finishOnDeno(
  instrumentations: readonly Instrumentation[],
  chosen: readonly PluginChoice[],
): void {
  patchBuiltins(instrumentations);
  const unhooked = chosen.flatMap((c) => (c.plugin.esmOnDeno ?? []).filter((m) => c.modules.includes(m)));
  if (unhooked.length > 0) {
    const one = unhooked.length === 1;
    warnOnce(
      'deno-esm',
      `on Deno, ${unhooked.join(', ')} ${one ? 'is' : 'are'} loaded as ES modules, which rl-otel cannot hook there (Deno's module hooks break npm packages): ${one ? 'it is' : 'they are'} not instrumented; the rest is`,
    );
  }
}

/**
 * On Deno the ES module hooks are off and its `require` of a built-in module
 * does not reach the require hook, so the module definitions of built-ins
 * (`node:sqlite`) are applied here directly to the module: an app's `import`
 * of it then gets the patched classes.
 */
function patchBuiltins(instrumentations: readonly Instrumentation[]): void {
  for (const instrumentation of instrumentations) {
    const definitions =
      (
        instrumentation as { getModuleDefinitions?(): InstrumentationModuleDefinition[] }
      ).getModuleDefinitions?.() ?? [];
    for (const definition of definitions) {
      if (!definition.name.startsWith('node:') || typeof definition.patch !== 'function') continue;
      try {
        const exports = process.getBuiltinModule(definition.name);
        if (exports === undefined) continue;
        definition.moduleExports = definition.patch(exports) ?? exports;
      } catch (error) {
        warnOnce(
          `deno-builtin:${definition.name}`,
          `${definition.name} could not be instrumented on Deno: ${describeError(error)}`,
        );
      }
    }
  }
}
