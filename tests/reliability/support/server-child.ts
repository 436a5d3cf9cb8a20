/**
 * `node server/main.ts` as a real child process on a port fixed up front, so a fault test can
 * SIGKILL it, SIGTERM it, or start it again where its clients expect it. Its output is kept
 * (the test can show it when something fails, and check it logged no crash).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../bench/support/server-process.ts';

/** Generous: the machine may be busy with other suites (start-up includes migrations). */
const readyWithinMs = 90_000;

export const faultTestSecret = 'fault-tests-secret-that-is-long-enough-for-hs256';

const projectRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface ServerChild {
  readonly baseUrl: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** Everything it printed (stdout and stderr). */
  output(): string;
  /** Resolves with how it ended. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export interface ServerChildOptions {
  databaseUrl: string;
  dataDir: string;
  /** The port to listen on (a free one when omitted); reuse it to restart "the same" server. */
  port?: number;
  env?: Record<string, string>;
}

export async function startServerChild(options: ServerChildOptions): Promise<ServerChild> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, ['server/main.ts'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: options.dataDir,
      AUTH_JWT_SECRET: faultTestSecret,
      LOG_LEVEL: 'warn',
      DEMO_MODE: 'false',
      RATE_LIMIT_MESSAGES_PER_MINUTE: '1000000',
      RATE_LIMIT_TICKETS_PER_HOUR: '1000000',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const baseUrl = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + readyWithinMs;
  for (;;) {
    if (hasExited) throw new Error(`The server exited before it was ready:\n${output}`);
    try {
      if ((await fetch(`${baseUrl}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The server was not ready within ${readyWithinMs / 1000} s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  return {
    baseUrl,
    port,
    child,
    output: () => output,
    exited,
    async stop(graceMs = 10_000) {
      if (hasExited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
