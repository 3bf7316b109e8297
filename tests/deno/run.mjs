// npm test in tests/deno: @rl-otel/semantic-conventions and @rl-otel/core run
// unchanged on Deno (their own unit tests, against their TypeScript sources),
// their JSR packages pass `deno publish --dry-run`, and the e2e tests run apps
// under `deno run --preload`.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deno } from './deno.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
let failed = 0;

function step(title, status) {
  console.log(`deno-tests: ${title}: ${status === 0 ? 'ok' : `FAILED (${status})`}`);
  if (status !== 0) failed++;
}

step('deno version', deno(['--version']));
step(
  'unit tests of semantic-conventions and core on Deno, from source',
  deno(
    [
      'test',
      '-A',
      '--config',
      join(here, 'deno.json'),
      join(root, 'packages/semantic-conventions/test'),
      join(root, 'packages/core/test'),
    ],
    { cwd: here },
  ),
);
for (const pkg of ['semantic-conventions', 'core']) {
  step(
    `deno publish --dry-run (${pkg})`,
    deno(['publish', '--dry-run', '--allow-dirty'], { cwd: join(root, 'packages', pkg) }),
  );
}
const e2e = spawnSync(process.execPath, ['--test', 'test/*.test.ts'], { cwd: here, stdio: 'inherit' });
step('apps under deno --preload', e2e.status ?? 1);
process.exit(failed === 0 ? 0 : 1);
