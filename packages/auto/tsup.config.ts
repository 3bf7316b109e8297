import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync('./package.json', 'utf8')) as { version: string };
const common = {
  dts: true,
  sourcemap: true,
  target: 'es2023',
  shims: true,
  define: { __RL_OTEL_VERSION__: JSON.stringify(version) },
} as const;

export default defineConfig([
  { ...common, entry: { register: 'src/register.ts' }, format: ['esm'], clean: true },
  { ...common, entry: { register: 'src/register-cjs.ts' }, format: ['cjs'] },
]);
