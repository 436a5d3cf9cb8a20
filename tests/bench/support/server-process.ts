/**
 * The server under test as a child process of the bench (its own event loop, its own CPU time):
 * started with `node [flags] <entry>`, its output kept, stopped with SIGTERM (SIGKILL if it
 * lingers). Two ways to know it is up: poll GET /readyz on a port chosen beforehand (freePort),
 * or (PORT=0) wait for the `API:` line server/main.ts prints and read the port from it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/**
 * The Node flags `npm start` gives the server (package.json's start script, between `node` and
 * the entry), so a bench that spawns server/main.ts itself runs the runtime people run.
 */
export function npmStartNodeFlags(projectRoot: string): string[] {
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { scripts?: { start?: string } };
  const words = (pkg.scripts?.start ?? '').trim().split(/\s+/);
  if (words[0] !== 'node') return [];
  const flags: string[] = [];
  for (const word of words.slice(1)) {
    if (!word.startsWith('-')) break;
    flags.push(word);
  }
  return flags;
}

/** A loopback port nobody is using now, so the server's URL is known before it starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * The environment the API and live benches run the server with: on the bench database, on
 * loopback, logging warnings only, no demo data, rate limits out of reach (the benches are not
 * about them).
 */
export function benchServerEnv(options: { databaseUrl: string; port: number; secret: string; poolSize: number }): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    PORT: String(options.port),
    HOST: '127.0.0.1',
    AUTH_JWT_SECRET: options.secret,
    LOG_LEVEL: 'warn',
    DEMO_MODE: 'false',
    DATABASE_POOL_SIZE: String(options.poolSize),
    RATE_LIMIT_MESSAGES_PER_MINUTE: '1000000000',
    RATE_LIMIT_TICKETS_PER_HOUR: '1000000000',
  };
}

/** "server stderr (N lines, first 5):" and those lines, when the server logged any. */
export function logServerStderr(server: ServerProcess, log: (line: string) => void): void {
  if (!server.stderr.length) return;
  log(`  server stderr (${server.stderr.length} lines, first 5):`);
  for (const line of server.stderr.slice(0, 5)) log(`    ${line.slice(0, 300)}`);
}

export interface ServerProcess {
  child: ChildProcess;
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  /** stderr lines (warnings and errors the server logged). */
  stderr: string[];
  /** SIGTERM, then SIGKILL after the grace period; resolves once it has exited. */
  stop(): Promise<void>;
}

export interface ServerProcessOptions {
  /** The script node runs (server/main.ts, or a bench's own entry). */
  entry: string;
  /** Node flags before the script. */
  nodeFlags?: string[];
  cwd: string;
  /** The child's whole environment. */
  env: NodeJS.ProcessEnv;
  /** How long to wait for it to be ready. */
  readyWithinMs: number;
  /** How long stop() waits after SIGTERM before SIGKILL. */
  killAfterMs: number;
}

function spawnServer(options: ServerProcessOptions) {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), options.entry], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => stdout.push(...chunk.split('\n').filter(Boolean)));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => stderr.push(...chunk.split('\n').filter(Boolean)));
  const state = { exited: null as number | null };
  child.on('exit', (code, signal) => (state.exited = code ?? (signal ? 128 : 1)));
  const stop = async () => {
    if (state.exited !== null || child.exitCode !== null) return;
    const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs);
    await done;
    clearTimeout(timer);
  };
  const output = () => [...stdout, ...stderr].join('\n');
  return { child, stdout, stderr, state, stop, output };
}

/** Starts the server listening on `port` (the caller put it in env.PORT) and polls GET /readyz every 100 ms until it answers 2xx. */
export async function startServerOnPort(options: ServerProcessOptions & { port: number }): Promise<ServerProcess> {
  const server = spawnServer(options);
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + options.readyWithinMs;
  try {
    for (;;) {
      if (server.state.exited !== null) throw new Error(`The server exited (${server.state.exited}) before it was ready:\n${server.output()}`);
      try {
        if ((await fetch(`${baseUrl}/readyz`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`The server was not ready within ${options.readyWithinMs / 1000} s:\n${server.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { child: server.child, baseUrl, stderr: server.stderr, stop: server.stop };
}

/** Starts server/main.ts with PORT=0 (in env): waits for the `API:` line it prints, then checks GET /readyz once. */
export async function startServerPrintingUrl(options: ServerProcessOptions): Promise<ServerProcess> {
  const server = spawnServer(options);
  try {
    const apiUrl = await new Promise<string>((resolve, reject) => {
      let printed = '';
      const timer = setTimeout(() => reject(new Error(`The server printed no API: line within ${options.readyWithinMs / 1000} s:\n${server.output()}`)), options.readyWithinMs);
      server.child.stdout!.on('data', (chunk: string) => {
        printed += chunk;
        const match = /API:\s+(\S+)/.exec(printed);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      server.child.on('exit', () => {
        clearTimeout(timer);
        reject(new Error(`The server exited (${server.state.exited}) before it was ready:\n${server.output()}`));
      });
    });
    // The printed URL names localhost; the server listens on HOST (127.0.0.1).
    const baseUrl = `http://127.0.0.1:${new URL(apiUrl).port}`;
    const ready = await fetch(`${baseUrl}/readyz`);
    if (!ready.ok) throw new Error(`The server is not ready: /readyz answered ${ready.status}`);
    return { child: server.child, baseUrl, stderr: server.stderr, stop: server.stop };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
