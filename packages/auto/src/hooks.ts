/**
 * ESM module hooks: import-in-the-middle, registered in-thread through
 * `module.registerHooks` where the runtime supports it, else off-thread
 * through `module.register` with its acknowledgement channel. Only the
 * modules of enabled plugins are included: wrapping every module costs
 * start-up time and breaks bundled code.
 */

import * as nodeModule from 'node:module';
import { createRequire } from 'node:module';
import type { EsmHooksMode } from './config.ts';

export type EsmHooksResult =
  | { mode: 'sync' | 'off' | 'none' }
  | { mode: 'async'; waitForAcknowledgements: () => Promise<void> }
  | { mode: 'failed'; reason: string };

const requireHere = createRequire(import.meta.url);

/** True on Deno, whose `module.registerHooks` load hooks break npm packages (JSON files reach them without a format). */
export const isDeno = typeof (globalThis as { Deno?: unknown }).Deno !== 'undefined';

export function registerEsmHooks(requested: EsmHooksMode, include: readonly string[]): EsmHooksResult {
  if (requested === 'off') return { mode: 'off' };
  if (include.length === 0) return { mode: 'none' };
  // On Deno, npm packages in CommonJS (express, koa, pg, better-sqlite3) are loaded through `require`
  // even from ES modules, and the require hook instruments them; ES module hooks are left off there.
  if (isDeno && requested === 'auto') return { mode: 'off' };
  const syncHooks = requireHere('import-in-the-middle/register-hooks.mjs') as {
    register(options: { include: string[] }): void;
    supportsSyncHooks(): boolean;
  };
  const canSync =
    typeof (nodeModule as { registerHooks?: unknown }).registerHooks === 'function' &&
    syncHooks.supportsSyncHooks();
  if (requested === 'sync' || (requested === 'auto' && canSync)) {
    if (!canSync)
      return {
        mode: 'failed',
        reason: `this runtime (Node.js ${process.versions.node}) cannot run synchronous module hooks`,
      };
    syncHooks.register({ include: [...include] });
    return { mode: 'sync' };
  }
  if (typeof nodeModule.register !== 'function')
    return { mode: 'failed', reason: 'this runtime has no module.register' };
  const iitm = requireHere('import-in-the-middle') as {
    createAddHookMessageChannel(): {
      registerOptions: { data: { include: string[] }; transferList: unknown[] };
      waitForAllMessagesAcknowledged(): Promise<void>;
    };
  };
  const { registerOptions, waitForAllMessagesAcknowledged } = iitm.createAddHookMessageChannel();
  registerOptions.data.include = [...include];
  nodeModule.register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions as never);
  return { mode: 'async', waitForAcknowledgements: waitForAllMessagesAcknowledged };
}

/** Names of target modules that were loaded through `require` before the hooks existed. */
export function modulesLoadedTooEarly(modules: readonly string[]): string[] {
  const cache = requireHere.cache;
  if (cache === undefined || modules.length === 0) return [];
  const keys = Object.keys(cache);
  return modules.filter((m) => keys.some((k) => k.includes(`/node_modules/${m}/`)));
}
