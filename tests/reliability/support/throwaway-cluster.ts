/**
 * A PostgreSQL cluster of a fault test's own, never the shared server other suites use: `initdb`
 * in a temporary folder, trust auth, loopback on a free port, no fsync (the data is thrown away;
 * commits still reach the OS before they are acknowledged, so a killed server loses none), run as the `postgres` OS user when the tests run as root (PostgreSQL refuses root).
 * The test may stop it, start it again on the same port, or kill it outright; whatever happens,
 * it is stopped when the process exits.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { freePort } from '../../bench/support/server-process.ts';

/** The bin directory of the newest PostgreSQL under /usr/lib/postgresql (or $PG_BIN), if any. */
export function findPostgresBin(): string | undefined {
  const candidates = process.env.PG_BIN
    ? [process.env.PG_BIN]
    : existsSync('/usr/lib/postgresql')
      ? readdirSync('/usr/lib/postgresql')
          .filter((version) => /^\d+$/.test(version))
          .sort((a, b) => Number(b) - Number(a))
          .map((version) => join('/usr/lib/postgresql', version, 'bin'))
      : [];
  return candidates.find((bin) => ['initdb', 'pg_ctl', 'postgres'].every((tool) => existsSync(join(bin, tool))));
}

/** Why fault suites cannot run here, or undefined when they can. */
export function clusterUnavailableReason(): string | undefined {
  if (!findPostgresBin()) return 'no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/<version>/bin or $PG_BIN';
  if (process.getuid?.() === 0 && spawnSync('id', ['-u', 'postgres']).status !== 0) return 'running as root, and there is no postgres OS user to run PostgreSQL as';
  return undefined;
}

export interface ThrowawayCluster {
  readonly port: number;
  readonly dir: string;
  /** postgres://postgres@127.0.0.1:PORT/<database> */
  url(database?: string): string;
  /** Creates a database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** A fresh superuser connection (to the `postgres` database unless named), for the test's own checks. */
  admin(database?: string): postgres.Sql;
  /** Starts the cluster (again) on its port and waits until it accepts connections. */
  start(): Promise<void>;
  /** `pg_ctl stop -m fast`: backends terminated, a clean shutdown. */
  stop(): Promise<void>;
  /** SIGKILL to the postmaster (and so, at once, to every backend): a crash. */
  kill(): Promise<void>;
  readonly running: boolean;
  /** The server log so far. */
  log(): string;
  destroy(): Promise<void>;
}

const asRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL tool (without blocking the event loop), as the postgres OS user when we are root. */
async function runTool(bin: string, tool: string, args: string[]): Promise<string> {
  const [command, fullArgs] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
  try {
    const { stdout } = await promisify(execFile)(command, fullArgs, { encoding: 'utf8', timeout: 60_000 });
    return stdout;
  } catch (error) {
    const failed = error as Error & { stderr?: string };
    throw new Error(`${tool} ${args.join(' ')} failed: ${failed.stderr || failed.message}`);
  }
}

function childPids(pid: number): number[] {
  const found = spawnSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' });
  return found.stdout.split('\n').filter(Boolean).map(Number);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface ThrowawayClusterOptions {
  /** Extra postgresql.conf lines (e.g. `log_statement = 'all'`). */
  settings?: Record<string, string | number>;
}

export async function startThrowawayCluster(options: ThrowawayClusterOptions = {}): Promise<ThrowawayCluster> {
  const bin = findPostgresBin();
  if (!bin) throw new Error(clusterUnavailableReason());
  const dir = mkdtempSync(join(tmpdir(), 'tw-faults-pg-'));
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  await runTool(bin, 'initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  const settings: Record<string, string | number> = {
    listen_addresses: "'127.0.0.1'",
    port,
    unix_socket_directories: `'${dir}'`,
    fsync: 'off',
    full_page_writes: 'off',
    max_connections: 100,
    shared_buffers: "'32MB'",
    log_min_messages: 'warning',
    ...options.settings,
  };
  // Appended as the postgres user would (the file is theirs); later lines win.
  const conf = join(dataDir, 'postgresql.conf');
  writeFileSync(conf, `${readFileSync(conf, 'utf8')}\n# tests/reliability\n${Object.entries(settings).map(([name, value]) => `${name} = ${value}`).join('\n')}\n`);

  let running = false;
  const pgCtl = (...args: string[]) => runTool(bin, 'pg_ctl', ['-D', dataDir, ...args]);
  const postmasterPid = () => Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  // Whatever happens to the test, the cluster does not outlive it.
  const stopOnExit = () => {
    if (existsSync(join(dataDir, 'postmaster.pid'))) spawnSync(asRoot ? 'runuser' : join(bin, 'pg_ctl'), asRoot ? ['-u', 'postgres', '--', join(bin, 'pg_ctl'), '-D', dataDir, '-m', 'immediate', 'stop'] : ['-D', dataDir, '-m', 'immediate', 'stop']);
  };
  process.once('exit', stopOnExit);

  const cluster: ThrowawayCluster = {
    port,
    dir,
    url: (database = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async createDatabase(name) {
      const admin = cluster.admin();
      try {
        await admin.unsafe(`create database "${name.replace(/"/g, '""')}"`);
      } finally {
        await admin.end();
      }
      return cluster.url(name);
    },
    admin: (database = 'postgres') => postgres(cluster.url(database), { max: 1, onnotice: () => {}, connect_timeout: 5 }),
    async start() {
      await pgCtl('-l', logFile, '-w', '-t', '30', 'start');
      running = true;
    },
    async stop() {
      await pgCtl('-m', 'fast', '-w', '-t', '30', 'stop');
      running = false;
    },
    async kill() {
      const pid = postmasterPid();
      const backends = childPids(pid);
      process.kill(pid, 'SIGKILL');
      // Backends notice their postmaster is gone and exit; a restart must wait for them (shared memory).
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline && [pid, ...backends].some(isAlive)) await new Promise((resolve) => setTimeout(resolve, 50));
      rmSync(join(dataDir, 'postmaster.pid'), { force: true });
      running = false;
    },
    get running() {
      return running;
    },
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    async destroy() {
      if (running) {
        try {
          await pgCtl('-m', 'immediate', '-w', 'stop');
        } catch {
          stopOnExit();
        }
        running = false;
      }
      process.removeListener('exit', stopOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}
