import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.shared.ts';

// One entry, built twice: the ES module `--import` loads and the CommonJS one `--require` loads.
export default defineConfig([
  packageBuild({ entry: { register: 'src/register.ts' }, format: ['esm'], shims: true }),
  packageBuild({ entry: { register: 'src/register-cjs.ts' }, format: ['cjs'], shims: true, clean: false }),
]);
