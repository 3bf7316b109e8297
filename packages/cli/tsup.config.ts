import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared.ts';

const dts = { entry: { index: 'src/index.ts' } };

export default defineConfig([
  // ESM: the library and the `rl-otel` binary (shebang kept), sharing chunks.
  packageBuild({ entry: { index: 'src/index.ts', cli: 'src/cli.ts' }, format: ['esm'], dts }),
  // CommonJS: the library only.
  packageBuild({ entry: { index: 'src/index.ts' }, format: ['cjs'], dts, clean: false }),
]);
