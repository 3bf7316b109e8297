// npm test in tests/deno: @rl-otel/semantic-conventions and @rl-otel/core run
// unchanged on Deno (their own unit tests, and core from its TypeScript source),
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
// The packages' own unit tests, against their built ESM (what npm:@rl-otel/core gives a Deno app);
// type checking of the sources is `deno publish --dry-run`'s job below.
step(
  'unit tests of semantic-conventions and core on Deno',
  deno(
    [
      'test',
      '-A',
      '--no-check',
      join(root, 'packages/semantic-conventions/test'),
      join(root, 'packages/core/test'),
    ],
    {
      cwd: here,
    },
  ),
);
step('core from its TypeScript source on Deno', deno(['test', '-A', 'deno-test/'], { cwd: here }));
for (const pkg of ['semantic-conventions', 'core']) {
  step(
    `deno publish --dry-run (${pkg})`,
    deno(['publish', '--dry-run', '--allow-dirty'], { cwd: join(root, 'packages', pkg) }),
  );
}
const e2e = spawnSync(process.execPath, ['--test', 'test/*.test.ts'], { cwd: here, stdio: 'inherit' });
step('apps under deno --preload', e2e.status ?? 1);
process.exit(failed === 0 ? 0 : 1);
