// The pinned Deno binary from the `deno` npm package. Missing Deno fails loudly: it is never skipped.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** Path of the Deno executable (the npm package's own installer finds the platform binary). */
export function denoPath() {
  let install;
  try {
    install = require('deno/install_api.cjs');
  } catch {
    throw new Error('the deno npm package is not installed: run npm ci at the repository root');
  }
  return install.runInstall();
}

/** The command that starts Deno: the executable itself, so that signals reach it. */
export function denoCommand() {
  return [denoPath()];
}

/** Runs deno with `args`; returns its exit status (output goes to this process's). */
export function deno(args, options = {}) {
  const result = spawnSync(denoPath(), args, {
    stdio: 'inherit',
    env: { ...process.env, NO_COLOR: '1' },
    ...options,
  });
  if (result.error) throw result.error;
  return result.status ?? 1;
}
