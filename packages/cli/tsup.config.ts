import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync('./package.json', 'utf8')) as { version: string };
const common = {
  sourcemap: true,
  target: 'es2023',
  define: { __RL_OTEL_VERSION__: JSON.stringify(version) },
} as const;

export default defineConfig([
  // ESM: the library and the `rl-otel` binary (shebang kept), sharing chunks.
  {
    ...common,
    entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
    format: ['esm'],
    dts: { entry: { index: 'src/index.ts' } },
    clean: true,
  },
  // CommonJS: the library only.
  { ...common, entry: { index: 'src/index.ts' }, format: ['cjs'], dts: { entry: { index: 'src/index.ts' } } },
]);
