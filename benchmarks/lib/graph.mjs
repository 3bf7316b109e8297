// Generates an app whose ESM graph has 1000 modules (10 folders of 100), once per run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function generateGraph(dir) {
  mkdirSync(dir, { recursive: true });
  const imports = [];
  for (let d = 0; d < 10; d++) {
    mkdirSync(join(dir, `d${d}`), { recursive: true });
    for (let f = 0; f < 100; f++) {
      const name = `d${d}/m${f}.mjs`;
      writeFileSync(
        join(dir, name),
        `export const v${d}_${f} = ${d * 100 + f};\nexport function f${d}_${f}(x) { return x + v${d}_${f}; }\n`,
      );
      imports.push(`import { f${d}_${f} } from './${name}';`);
    }
  }
  const calls = Array.from({ length: 1000 }, (_, i) => `f${Math.floor(i / 100)}_${i % 100}`).join(', ');
  writeFileSync(
    join(dir, 'index.mjs'),
    `${imports.join('\n')}\nconst all = [${calls}];\nlet s = 0;\nfor (const f of all) s = f(s);\nconst api = globalThis[Symbol.for('opentelemetry.js.api.1')];\nprocess.stdout.write(JSON.stringify({ maxRssKb: process.resourceUsage().maxRSS, instrumented: Boolean(api?.trace), sum: s }) + '\\n');\n`,
  );
  return join(dir, 'index.mjs');
}
