/**
 * Running fixture apps the way users run them: `node --import @rl-otel/auto app`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface SpawnOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Node flags before the script; default `--import @rl-otel/auto`. Pass [] for a bare run. */
  nodeArgs?: string[];
  args?: string[];
  timeoutMs?: number;
  /** A command the node process runs under, e.g. `['taskset', '-c', '0']` to pin it to a core. */
  wrapper?: string[];
  /** The runtime to start instead of this Node.js, e.g. `[node, denoBin, 'run', '-A']`; `nodeArgs` follow it. */
  runtime?: string[];
}

/** Environment for fixtures: no inherited OTEL_/RL_OTEL_ settings unless given. */
export function fixtureEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('OTEL_') && !k.startsWith('RL_OTEL_') && !k.startsWith('NODE_OPTIONS')) env[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

function spawnNode(script: string, options: SpawnOptions): ChildProcess {
  const nodeArgs = options.nodeArgs ?? ['--import', '@rl-otel/auto'];
  const argv = [...(options.runtime ?? [process.execPath]), ...nodeArgs, script, ...(options.args ?? [])];
  const [command, ...rest] = [...(options.wrapper ?? []), ...argv] as [string, ...string[]];
  return spawn(command, rest, {
    cwd: options.cwd,
    env: fixtureEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs a script to its end. */
export function runNode(script: string, options: SpawnOptions = {}): Promise<RunResult> {
  const child = spawnNode(script, options);
  return collect(child, options.timeoutMs ?? 30_000);
}

function collect(child: ChildProcess, timeoutMs: number): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fixture did not finish in ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export interface RunningServer {
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  /** Sends a signal (default SIGTERM) and waits for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<RunResult>;
}

/** Starts a fixture server that prints `LISTENING <port>` on stdout once it listens. */
export function startServer(script: string, options: SpawnOptions = {}): Promise<RunningServer> {
  const child = spawnNode(script, options);
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<RunResult>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start in time\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 20_000);
    const onData = () => {
      const m = /LISTENING (\d+)/.exec(stdout);
      if (!m) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      const port = Number(m[1]);
      resolve({
        port,
        url: `http://127.0.0.1:${port}`,
        child,
        stdout: () => stdout,
        stderr: () => stderr,
        stop: (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout?.on('data', onData);
    void exited.then((r) => {
      clearTimeout(timer);
      reject(
        new Error(
          `server exited before listening (code ${r.code}, signal ${r.signal})\nstdout: ${r.stdout}\nstderr: ${r.stderr}`,
        ),
      );
    });
  });
}

/** Lines of a JSONL file, parsed. Fails the test if any line is not whole JSON. */
export function readJsonl<T = Record<string, unknown>>(path: string): T[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  if (text !== '' && !text.endsWith('\n'))
    throw new Error(`${path} does not end with a newline: a partial line`);
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((line, i) => {
      try {
        return JSON.parse(line) as T;
      } catch {
        throw new Error(`${path}:${i + 1} is not a whole JSON line: ${line.slice(0, 200)}`);
      }
    });
}

/** `rl-otel[…]` warnings in a process's stderr. */
export function rlWarnings(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('[rl-otel]'));
}
