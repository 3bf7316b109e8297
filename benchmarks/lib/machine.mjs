// What a result was measured on: machine, runtime, package versions, date.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';

const require = createRequire(import.meta.url);

function versionOf(name) {
  try {
    return JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;
  } catch {
    try {
      // packages whose exports map hides package.json
      let dir = require.resolve(name);
      for (let i = 0; i < 6; i++) {
        dir = dir.slice(0, dir.lastIndexOf('/'));
        try {
          const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
          if (pkg.name === name) return pkg.version;
        } catch {}
      }
    } catch {}
    return null;
  }
}

export function machine(extraPackages = []) {
  const cpus = os.cpus();
  const packages = {};
  for (const name of [
    '@rl-otel/auto',
    '@rl-otel/core',
    '@opentelemetry/auto-instrumentations-node',
    '@opentelemetry/sdk-trace',
    'autocannon',
    ...extraPackages,
  ]) {
    packages[name] = versionOf(name);
  }
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    packages,
  };
}
