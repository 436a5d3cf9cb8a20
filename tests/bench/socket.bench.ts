/**
 * `npm run bench:socket`: the same PostgreSQL server reached over TCP (DATABASE_URL as given) and
 * over its Unix socket (found through unix_socket_directories), side by side in one process.
 *
 * Each block runs BENCH_SOCKET_CONCURRENCY (default 8) closed loops of readWithClaims(select 1),
 * the fixed cost every API read pays (BEGIN READ ONLY, the identity, the statement and COMMIT
 * pipelined), for BENCH_SOCKET_BLOCK_MS (default 1000) on one path, then the same on the other;
 * BENCH_SOCKET_PAIRS (default 20) pairs, alternating which goes first. Prints reads/s and this
 * process's CPU per read for each path (medians over blocks), and the socket ÷ TCP rate of each
 * pair (median, min, max): this machine's speed drifts between runs, pairs of adjacent blocks
 * cancel most of it. Reads DATABASE_URL's own database and writes nothing.
 */
import { sql } from 'drizzle-orm';
import { openDatabase, type DatabaseHandle } from '../../db/client.ts';
import { describeConnectionString } from '../../db/postgres-connection.ts';
import { readWithClaims } from '../../db/rls.ts';
import { localSocketOf, overSocket } from '../support/local-socket.ts';
import { intFromEnv } from './support/env.ts';
import { loadAverage, machineSummary } from './support/machine.ts';
import { median } from './support/stats.ts';
import { table } from './support/text-table.ts';

interface Block {
  readsPerSecond: number;
  cpuMicrosPerRead: number;
}

const someone = { sub: '00000000-0000-4000-8000-000000000001' };

async function runBlock(handle: DatabaseHandle, concurrency: number, ms: number): Promise<Block> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const end = started + ms;
  let reads = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        await readWithClaims(handle.systemDb, someone, (tx) => tx.execute(sql`select 1`), { statements: 1 });
        reads++;
      }
    }),
  );
  const elapsedSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { readsPerSecond: reads / elapsedSeconds, cpuMicrosPerRead: (cpu.user + cpu.system) / reads };
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL?.trim();
  if (!databaseUrl) throw new Error('bench:socket needs DATABASE_URL (a PostgreSQL server on this machine, over TCP)');
  const concurrency = intFromEnv('BENCH_SOCKET_CONCURRENCY', 8);
  const blockMs = intFromEnv('BENCH_SOCKET_BLOCK_MS', 1000);
  const pairs = intFromEnv('BENCH_SOCKET_PAIRS', 20);
  console.log(`bench:socket on ${machineSummary()}, load average ${loadAverage()}`);

  const socket = await localSocketOf(databaseUrl);
  if (!socket) throw new Error(`the server of ${describeConnectionString(databaseUrl)} has no Unix socket on this machine (unix_socket_directories)`);
  const socketUrl = overSocket(databaseUrl, socket);
  const paths = {
    tcp: await openDatabase({ databaseUrl, maxConnections: concurrency }),
    socket: await openDatabase({ databaseUrl: socketUrl, maxConnections: concurrency }),
  };
  try {
    console.log(`  TCP:    ${paths.tcp.location}`);
    console.log(`  socket: ${paths.socket.location}`);
    console.log(`  ${concurrency} concurrent readWithClaims(select 1) loops, ${pairs} pairs of ${blockMs} ms blocks, order alternating; one warm-up block each first`);
    await runBlock(paths.tcp, concurrency, blockMs);
    await runBlock(paths.socket, concurrency, blockMs);

    const blocks: Record<keyof typeof paths, Block[]> = { tcp: [], socket: [] };
    for (let pair = 0; pair < pairs; pair++) {
      const order: (keyof typeof paths)[] = pair % 2 === 0 ? ['tcp', 'socket'] : ['socket', 'tcp'];
      for (const path of order) blocks[path].push(await runBlock(paths[path], concurrency, blockMs));
    }

    const rows = (['tcp', 'socket'] as const).map((path) => [
      path,
      median(blocks[path].map((b) => b.readsPerSecond)).toFixed(0),
      median(blocks[path].map((b) => b.cpuMicrosPerRead)).toFixed(1),
    ]);
    console.log();
    console.log(table(['path', 'reads/s (median)', 'client CPU µs/read (median)'], rows));
    const ratios = blocks.tcp.map((tcp, pair) => blocks.socket[pair]!.readsPerSecond / tcp.readsPerSecond);
    const cpuRatios = blocks.tcp.map((tcp, pair) => blocks.socket[pair]!.cpuMicrosPerRead / tcp.cpuMicrosPerRead);
    console.log();
    console.log(`socket ÷ TCP, per pair: reads/s median ${median(ratios).toFixed(3)} (min ${Math.min(...ratios).toFixed(3)}, max ${Math.max(...ratios).toFixed(3)}); client CPU per read median ${median(cpuRatios).toFixed(3)}`);
  } finally {
    await paths.tcp.close();
    await paths.socket.close();
  }
}

main().catch((error: unknown) => {
  console.error(`bench:socket FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
