/**
 * The build every package shares: ESM and CommonJS with types, ES2023, source
 * maps, and the package's version compiled in as `__RL_OTEL_VERSION__`. A
 * package's `tsup.config.ts` passes only what differs (more entry points, a
 * single format).
 */
import { readFileSync } from 'node:fs';
import type { Options } from 'tsup';

export function packageBuild(options: Options = {}): Options {
  // tsup runs in the package's folder.
  const { version } = JSON.parse(readFileSync('./package.json', 'utf8')) as { version: string };
  return {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2023',
    define: { __RL_OTEL_VERSION__: JSON.stringify(version) },
    ...options,
  };
}
