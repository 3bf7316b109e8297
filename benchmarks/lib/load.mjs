// HTTP load from its own process: autocannon, pinned to its own core.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const autocannonBin = require.resolve('autocannon/autocannon.js');

/** Runs autocannon against `url` for `seconds`; resolves to its JSON result. */
export function loadTest(url, { seconds, connections = 32, wrapper = [], amount } = {}) {
  const args = [autocannonBin, '-c', String(connections), '-j', '--timeout', '10'];
  if (amount !== undefined) args.push('-a', String(amount));
  else args.push('-d', String(seconds));
  args.push(url);
  const [command, ...rest] = [...wrapper, process.execPath, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(command, rest, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    child.on('close', (code) => {
      try {
        const result = JSON.parse(out);
        resolve({
          requestsPerSecond: result.requests.average,
          total: result.requests.total,
          non2xx: result.non2xx,
          errors: result.errors,
          latencyP50: result.latency.p50,
          latencyP99: result.latency.p99,
        });
      } catch {
        reject(new Error(`autocannon failed (code ${code}): ${err.slice(0, 500)}`));
      }
    });
  });
}
