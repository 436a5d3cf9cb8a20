/**
 * `npm run bench:attachments`: upload throughput and the server's memory while it streams.
 *
 * Starts the real server (`node server/main.ts`) as a child on loopback with a temporary
 * DATA_DIR of its own and disk storage; `--s3` adds the same runs against S3 storage on an
 * S3-compatible server this process starts on loopback. The database: PostgreSQL when
 * DATABASE_URL is set (a fresh database created for each run and dropped after it; the URL's own
 * database is never written), so that the child's memory is the server's alone; otherwise
 * embedded PGlite in the temporary DATA_DIR, whose WebAssembly heap (several hundred MB, and
 * moving by tens of MB on its own) is then part of the child's RSS and makes the figure noisier. Then 8 concurrent clients each open a
 * ticket and upload files as multipart replies, one after another; the child's resident memory
 * (VmRSS in /proc/<pid>/status) is sampled every 50 ms. Two runs per storage: 10 MB files at the
 * default limits, then 50 MB files (limits raised): streaming means the growth does not follow
 * the file size. Prints MB/s (10^6 bytes) and the peak RSS growth over the warmed-up baseline,
 * PASS or MISS against 64 MB; exits 1 on a MISS or a failed upload.
 *
 *   node tests/bench/attachments.bench.ts [--clients 8] [--uploads 4] [--s3] [--node-options="--max-semi-space-size=2"]
 *
 * The server runs with `npm start`'s Node flags (package.json); --node-options replaces them
 * (--node-options= for none) to see what runtime tuning changes. Also printed: the server's CPU
 * time per MB uploaded.
 *
 * What the growth is made of: the request body's chunks. Node's HTTP parser hands each one over
 * in a fresh Buffer (a copy out of its read buffer); the streaming path after it copies nothing
 * (busboy slices, the inspector and the writers pass the same bytes on), so the server allocates
 * about one byte per byte uploaded, all of it dead as soon as it is on disk (for S3, once more when
 * the spooled file is read back for the PUT). V8 frees that memory only when it collects the small
 * Buffer objects that own it: at a scavenge of the young generation, or at a full collection,
 * which it starts once about 64 MB of such external memory has piled up; with the large young
 * generation of a machine with a few GB of heap, scavenges are rare while uploads are all that
 * runs, so the growth ran up to that 64 MB. The server now asks for a scavenge after every 8 MB
 * streamed (server/http/streamed-garbage.ts). A smaller young generation for the whole process
 * (--node-options="--max-semi-space-size=8") does it too, but bench:api measured it costing every
 * API request 15-45% more server CPU.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os, { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startS3TestServer, type S3TestServer } from '../support/s3-server.ts';
import { benchDatabaseName, createBenchDatabase, type BenchDatabase } from './support/bench-database.ts';
import { cleanUpOnExit } from './support/cleanup.ts';
import { processCpuSeconds } from './support/cpu-usage.ts';
import { freePort, npmStartNodeFlags, startServerOnPort, type ServerProcess } from './support/server-process.ts';
import { signUserToken } from './support/tokens.ts';

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '8' },
    uploads: { type: 'string', default: '4' },
    s3: { type: 'boolean', default: false },
    /** Node flags for the server instead of `npm start`'s, to see what runtime tuning changes. */
    'node-options': { type: 'string' },
  },
});
const clients = Number(args.clients);
const uploadsPerClient = Number(args.uploads);
const MB = 1_000_000;
const MiB = 1024 * 1024;
const targetGrowth = 64 * MB;
const secret = randomBytes(32).toString('hex');
const projectRoot = resolve(import.meta.dirname, '../..');
const nodeFlags = args['node-options'] === undefined ? npmStartNodeFlags(projectRoot) : args['node-options'].split(/\s+/).filter(Boolean);

interface RunSpec {
  title: string;
  fileBytes: number;
  uploads: number;
  storage: 'disk' | 's3';
}

interface RunResult extends RunSpec {
  seconds: number;
  bytes: number;
  baselineRss: number;
  peakRss: number;
  /** CPU seconds the server spent during the timed uploads. */
  serverCpu: number;
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for ${pid}`);
  return Number(kb) * 1024;
}

/** A file of `bytes`: a PDF header, then incompressible random bytes (generated once, reused). */
function pdfOf(bytes: number): Blob {
  const head = Buffer.from('%PDF-1.7\n% bench\n', 'latin1');
  const body = randomBytes(bytes - head.length);
  return new Blob([head, body], { type: 'application/pdf' });
}

const adminUrl = process.env.DATABASE_URL;

/** A fresh PostgreSQL database for one run when DATABASE_URL is set (PGlite in DATA_DIR otherwise). */
async function benchDatabase(): Promise<BenchDatabase | undefined> {
  if (!adminUrl) return undefined;
  return createBenchDatabase({ adminUrl, name: benchDatabaseName(`tw_bench_${process.pid}_`, 4) });
}

/** What a run holds until it ends (also on Ctrl-C): its server, its database, its DATA_DIR. */
interface Running {
  dataDir: string;
  database: BenchDatabase | undefined;
  server: ServerProcess | undefined;
  ending?: Promise<void>;
}
const runs = new Set<Running>();

function endRun(running: Running): Promise<void> {
  return (running.ending ??= (async () => {
    runs.delete(running);
    try {
      await running.server?.stop();
      await running.database?.dispose();
    } finally {
      await rm(running.dataDir, { recursive: true, force: true });
    }
  })());
}

async function startServer(spec: RunSpec, dataDir: string, databaseUrl: string | undefined, s3: S3TestServer | undefined): Promise<ServerProcess> {
  const port = await freePort();
  const env: Record<string, string> = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'DATABASE_URL') as [string, string][]),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    AUTH_JWT_SECRET: secret,
    DEMO_MODE: 'false',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_TICKETS_PER_HOUR: '100000',
    RATE_LIMIT_MESSAGES_PER_MINUTE: '100000',
    ATTACHMENT_MAX_FILE_BYTES: String(Math.max(spec.fileBytes, 10 * MiB)),
    ATTACHMENT_MAX_REQUEST_BYTES: String(Math.max(spec.fileBytes + MiB, 25 * MiB)),
    ...(spec.storage === 's3' && s3 ? s3.env : {}),
  };
  // Generous: on a shared machine under load, migrating and starting can take a while.
  return startServerOnPort({ entry: 'server/main.ts', nodeFlags, cwd: projectRoot, env, port, readyWithinMs: 120_000, killAfterMs: 5000 });
}

/** A new customer's token, signed as the site owner's backend would. */
async function token(): Promise<string> {
  const id = randomUUID();
  return signUserToken(secret, { id, email: `${id.slice(0, 8)}@bench.test`, name: 'Bench' }, '1h');
}

async function upload(base: string, auth: string, ticketId: string, file: Blob, name: string): Promise<{ id: string; size: number }> {
  const body = new FormData();
  body.append('message', 'Bench upload');
  body.append('files', file, name);
  const response = await fetch(`${base}/api/v1/tickets/${ticketId}/messages`, { method: 'POST', headers: { authorization: auth }, body });
  const json = (await response.json()) as { attachments?: { id: string; size: number }[]; error?: unknown };
  if (response.status !== 201 || !json.attachments?.[0]) throw new Error(`upload failed: ${response.status} ${JSON.stringify(json)}`);
  return json.attachments[0];
}

async function run(spec: RunSpec, s3: S3TestServer | undefined): Promise<RunResult> {
  const running: Running = { dataDir: await mkdtemp(join(tmpdir(), 'tw-bench-attachments-')), database: undefined, server: undefined };
  runs.add(running);
  try {
    running.database = await benchDatabase();
    running.server = await startServer(spec, running.dataDir, running.database?.url, s3);
    const { child, baseUrl: base } = running.server;
    const file = pdfOf(spec.fileBytes);
    const small = pdfOf(64 * 1024);
    const users = await Promise.all(
      Array.from({ length: clients }, async () => {
        const auth = `Bearer ${await token()}`;
        const response = await fetch(`${base}/api/v1/tickets`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Bench', description: 'Uploads' }) });
        const ticket = (await response.json()) as { id?: string };
        if (response.status !== 201 || !ticket.id) throw new Error(`opening a ticket failed: ${response.status} ${JSON.stringify(ticket)}`);
        return { auth, ticketId: ticket.id };
      }),
    );
    // Warm up every path (parser, storage, database) once per client, then let the heap settle.
    await Promise.all(users.map((u) => upload(base, u.auth, u.ticketId, small, 'warmup.pdf')));
    await new Promise((r) => setTimeout(r, 1000));
    const idle: number[] = [];
    for (let i = 0; i < 10; i++) {
      idle.push(rssOf(child.pid!));
      await new Promise((r) => setTimeout(r, 50));
    }
    const baselineRss = idle.sort((a, b) => a - b)[Math.floor(idle.length / 2)]!;

    let peakRss = baselineRss;
    const sampler = setInterval(() => {
      try {
        peakRss = Math.max(peakRss, rssOf(child.pid!));
      } catch {
        // the child is gone; the run will fail on its own
      }
    }, 50);
    const started = performance.now();
    const cpuBefore = processCpuSeconds(child.pid);
    const stored = await Promise.all(
      users.map(async (u, client) => {
        const results = [];
        for (let i = 0; i < spec.uploads; i++) results.push(await upload(base, u.auth, u.ticketId, file, `client${client}-${i}.pdf`));
        return results;
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const serverCpu = processCpuSeconds(child.pid) - cpuBefore;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, rssOf(child.pid!));

    // Correctness: every upload has the full size, and one comes back byte for byte.
    for (const result of stored.flat()) if (result.size !== spec.fileBytes) throw new Error(`stored ${result.size} bytes, sent ${spec.fileBytes}`);
    const first = stored[0]![0]!;
    const back = await fetch(`${base}/api/v1/attachments/${first.id}`, { headers: { authorization: users[0]!.auth } });
    const hash = createHash('sha256');
    for await (const chunk of back.body!) hash.update(chunk);
    const expected = createHash('sha256').update(Buffer.from(await file.arrayBuffer())).digest('hex');
    if (hash.digest('hex') !== expected || back.headers.get('etag') !== `"${expected}"`) throw new Error('the downloaded file differs from the uploaded one');

    return { ...spec, seconds, bytes: clients * spec.uploads * spec.fileBytes, baselineRss, peakRss, serverCpu };
  } finally {
    await endRun(running);
  }
}

const specs: RunSpec[] = [];
for (const storage of args.s3 ? (['disk', 's3'] as const) : (['disk'] as const)) {
  specs.push({ title: `${storage}, 10 MB files`, fileBytes: 10 * MB, uploads: uploadsPerClient, storage });
  specs.push({ title: `${storage}, 50 MB files (limits raised)`, fileBytes: 50 * MB, uploads: Math.max(1, Math.ceil(uploadsPerClient / 2)), storage });
}

const engine = adminUrl ? 'PostgreSQL (a fresh database per run)' : 'embedded PGlite (its heap counts in the RSS)';
console.log(`bench:attachments — ${clients} concurrent clients, multipart replies to node ${[...nodeFlags, 'server/main.ts'].join(' ')} on ${engine}, Node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)}`);
const s3 = args.s3 ? await startS3TestServer('bench-attachments') : undefined;
const cleanUp = cleanUpOnExit(async () => {
  for (const running of [...runs]) await endRun(running).catch((error: unknown) => console.error(`clean-up: ${String(error)}`));
  await s3?.close();
});
const results: RunResult[] = [];
let failed = false;
try {
  for (const spec of specs) {
    try {
      const result = await run(spec, s3);
      results.push(result);
      const growth = result.peakRss - result.baselineRss;
      console.log(
        `${result.title.padEnd(36)} ${String(clients * result.uploads).padStart(3)} uploads  ${(result.bytes / MB).toFixed(0).padStart(5)} MB in ${result.seconds.toFixed(2).padStart(6)} s  ` +
          `${(result.bytes / MB / result.seconds).toFixed(1).padStart(6)} MB/s  server CPU ${((1000 * result.serverCpu) / (result.bytes / MB)).toFixed(2)} ms/MB  RSS ${(result.baselineRss / MB).toFixed(1)} → peak ${(result.peakRss / MB).toFixed(1)} MB  ` +
          `growth ${(growth / MB).toFixed(1)} MB  ${growth <= targetGrowth ? 'PASS' : 'MISS'} (≤ ${targetGrowth / MB} MB)`,
      );
      if (growth > targetGrowth) failed = true;
    } catch (error) {
      failed = true;
      console.error(`${spec.title}: FAILED — ${error instanceof Error ? error.message : String(error)}`);
    }
  }
} finally {
  await cleanUp();
}
process.exit(failed ? 1 : 0);
