/**
 * Fixture folders with their own `node_modules`, holding packages under their
 * real names: with `"express4": "npm:express@^4"` installed,
 * `installPackages(dir, { express: 'express4' }, import.meta.url)` copies it
 * to `dir/node_modules/express`, as npm would install it there. An app in
 * `dir` then loads `express` from a path that says `node_modules/express`,
 * which is what require-in-the-middle and import-in-the-middle go by (a
 * symlink would not do: Node resolves it to `node_modules/express4`). Its own
 * dependencies resolve upwards, from the repository's `node_modules`.
 */
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Copies each installed package `source` (an alias, found from `from`: a file URL or path) to `dir/node_modules/<name>`. */
export function installPackages(dir: string, packages: Record<string, string>, from: string): void {
  const start = dirname(from.startsWith('file:') ? fileURLToPath(from) : from);
  for (const [name, source] of Object.entries(packages)) {
    const sourceDir = findInstalled(source, start);
    if (sourceDir === undefined)
      throw new Error(
        `${source} is not installed (needed as ${name} by ${dir}); run npm install at the repository root`,
      );
    const target = join(dir, 'node_modules', name);
    if (versionOf(target) === versionOf(sourceDir)) continue;
    rmSync(target, { recursive: true, force: true });
    cpSync(sourceDir, target, { recursive: true, dereference: true });
  }
}

function versionOf(dir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** The folder of package `name` as Node's resolution would find it from `dir` (ignoring its exports map). */
function findInstalled(name: string, dir: string): string | undefined {
  const { root } = parse(dir);
  for (let d = dir; ; d = dirname(d)) {
    const candidate = join(d, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (d === root) return undefined;
  }
}
