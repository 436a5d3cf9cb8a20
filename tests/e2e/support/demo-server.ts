/**
 * `npm start` as a newcomer runs it, for the end-to-end tests: `node server/main.ts` in a child
 * process, in a temporary working directory, with no configuration but a free PORT (so demo mode
 * is on, PGlite is embedded under ./data and the demo seed runs), waited for until it prints its
 * URLs. Stopping sends SIGTERM (the server's graceful stop).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface DemoServer {
  url: string;
  port: number;
  /** The working directory it runs in; its data is under ./data there. */
  cwd: string;
  /** Everything the server printed so far (stdout and stderr). */
  output(): string;
  /** Stops the server; keeps its working directory and data (for a restart) unless `removeData`. */
  stop(options?: { removeData?: boolean }): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export interface StartDemoServerOptions {
  /** The working directory to start in again (a restart); default a fresh temporary one. */
  cwd?: string;
  /** Extra environment (the rest of the configuration stays unset, as on a fresh clone). */
  env?: Record<string, string>;
  timeoutMs?: number;
}

export async function startDemoServer(options: StartDemoServerOptions = {}): Promise<DemoServer> {
  const port = await freePort();
  const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), 'ticket-widget-demo-'));
  const url = `http://localhost:${port}`;
  // Nothing configured but a free port (and quieter logs): DATA_DIR is ./data in the working
  // directory, there is no DATABASE_URL and no secret, exactly as on a newcomer's machine.
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), PORT: String(port), LOG_LEVEL: 'warn', ...options.env };
  const child: ChildProcess = spawn(process.execPath, [join(repositoryRoot, 'server/main.ts')], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const expectDemo = options.env?.DEMO_MODE !== 'false';
  // Generous: a fresh embedded database migrates and seeds first, and the machine may be busy.
  const timeoutMs = options.timeoutMs ?? 240_000;
  const started = Date.now();
  let up = false;
  while (!up) {
    if (child.exitCode !== null) throw new Error(`The server exited with ${child.exitCode}:\n${output}`);
    if (Date.now() - started > timeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`The server did not start within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
    // main.ts prints the URLs once listening; in demo mode the demo block (ending in its warning) follows.
    up = output.includes('Health:') && (!expectDemo || output.includes('before real use.'));
  }

  return {
    url,
    port,
    cwd,
    output: () => output,
    async stop({ removeData = false } = {}) {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      if (removeData) rmSync(cwd, { recursive: true, force: true });
    },
  };
}
