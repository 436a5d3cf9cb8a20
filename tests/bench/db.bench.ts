/**
 * `npm run bench:db`: what row-level security costs on the reads the API will make, at scale.
 *
 * Creates its own database on the DATABASE_URL server (never DATABASE_URL's own database),
 * migrates it, seeds 1M tickets / 20k customers / ~5.2M messages through the bypass connection,
 * reads its tables and indexes into the page cache before each query (support/prewarm.ts: every
 * run starts warm, a reused database too), then times each read under RLS (withClaims + Drizzle,
 * as the server will) beside the same rows read by hand on the bypass connection, checks both
 * return the same ids, prints p50/p99/mean, the ratios and PASS/MISS against the targets (printed,
 * not asserted), and drops the database.
 *
 * Environment:
 *   DATABASE_URL          PostgreSQL server to create the bench database on (required).
 *   BENCH_KEEP_DB=1       keep the bench database at the end (its URL is printed).
 *   BENCH_DB_URL=...      reuse an already seeded bench database: no create, seed or drop (pending
 *                         migrations are applied to it first, so a kept database follows the schema).
 *   BENCH_ITERATIONS      measured iterations per query (default 2000).
 *   BENCH_WARMUP          warm-up iterations per query (default 200).
 *   BENCH_BUDGET_SECONDS  time budget per query (default 60): a very slow query stops early.
 *   BENCH_TICKETS, BENCH_CUSTOMERS   smaller scales while iterating (defaults 1,000,000 / 20,000).
 *   BENCH_EXPLAIN=1       also print EXPLAIN (ANALYZE, BUFFERS) of each query, RLS and hand.
 */
import { sql } from 'drizzle-orm';
import { openDatabase, type Database, type DatabaseHandle } from '../../db/client.ts';
import { migrateDatabase } from '../../db/migrate.ts';
import { describeConnectionString } from '../../db/postgres-connection.ts';
import { withClaims } from '../../db/rls.ts';
import { runCase, slowMs, type BenchCase, type CaseResult, type RunOptions } from './measure.ts';
import {
  agentListDeepPage,
  agentListFirstPage,
  agentNewestOpenTickets,
  customerNewestTickets,
  customerThread,
  drawSamples,
  roundTripFloor,
  keysetDepth,
  sanityChecks,
  type Samples,
} from './queries.ts';
import { countRows, defaultScale, seedDatabase, type SeedScale } from './seed.ts';
import { benchDatabaseName, createBenchDatabase, type BenchDatabase } from './support/bench-database.ts';
import { describePrewarm, prewarmPageCache } from './support/prewarm.ts';
import { cleanUpOnExit } from './support/cleanup.ts';
import { intFromEnv } from './support/env.ts';
import { loadAverage, machineSummary } from './support/machine.ts';
import { postgresSummary } from './support/postgres-summary.ts';
import { query } from './support/sql-rows.ts';
import type { Summary } from './support/stats.ts';
import { table } from './support/text-table.ts';

const targetP99Ms = 2;
const targetRatio = 1.5;

const log = (line = '') => console.log(line);

function ms(x: number): string {
  return x.toFixed(3);
}

function ratio(a: number, b: number): number {
  return b > 0 ? a / b : Number.POSITIVE_INFINITY;
}

function summaryCells(s: Summary): string[] {
  return [ms(s.p50), ms(s.p99), ms(s.mean)];
}

function printResults(results: CaseResult[], options: RunOptions) {
  log();
  log(`Latency in ms, up to ${options.iterations} measured iterations per query (n) after up to ${options.warmup} warm-up, RLS and hand interleaved.`);
  log('  RLS read = the whole readWithClaims(systemDb, { sub }, tx => drizzle query) call, the API\'s read path: begin read only,');
  log('             set_config, the query and commit written together ({ statements: 1 }): one round trip');
  log('  RLS call = the whole withClaims(systemDb, { sub }, tx => drizzle query) call: begin, set_config + query, commit');
  log('  RLS stmt = the Drizzle query alone, timed inside that transaction (role authenticated, claims set)');
  log('  hand     = the hand-filtered twin on the bypass connection (handle.systemDb, one statement)');
  log();
  const headers = ['query', 'path', 'n', 'p50', 'p99', 'mean', 'p50 ×hand', 'p99 ×hand'];
  const rows: string[][] = [];
  for (const r of results) {
    const name = `${r.key.padEnd(3)} ${r.title}`;
    rows.push([name, 'RLS read', String(r.rlsRead.n), ...summaryCells(r.rlsRead), ratio(r.rlsRead.p50, r.hand.p50).toFixed(2), ratio(r.rlsRead.p99, r.hand.p99).toFixed(2)]);
    rows.push(['', 'RLS call', '', ...summaryCells(r.rlsCall), ratio(r.rlsCall.p50, r.hand.p50).toFixed(2), ratio(r.rlsCall.p99, r.hand.p99).toFixed(2)]);
    rows.push(['', 'RLS stmt', '', ...summaryCells(r.rlsStatement), ratio(r.rlsStatement.p50, r.hand.p50).toFixed(2), ratio(r.rlsStatement.p99, r.hand.p99).toFixed(2)]);
    rows.push(['', 'hand', '', ...summaryCells(r.hand), '1.00', '1.00']);
  }
  log(table(headers, rows, [0, 1]));
  const floor = results.find((r) => r.key === '0');
  if (floor) {
    log();
    log(
      `  Row 0 is the floor of any statement through Drizzle + postgres.js here (hand p50 ${ms(floor.hand.p50)} ms); ` +
        `RLS call minus RLS stmt is withClaims' own cost (begin, set_config, commit): ` +
        `p50 ${ms(floor.rlsCall.p50 - floor.rlsStatement.p50)} ms on the floor row; readWithClaims' own cost: p50 ${ms(floor.rlsRead.p50 - floor.hand.p50)} ms over the bare statement.`,
    );
  }
  log();
  for (const r of results) log(`  ${r.key.padEnd(3)} hand twin: ${r.handNote}; rows per query ${r.rowsPerQuery.p50}`);

  const deep = results.find((r) => r.key === '4b');
  const first = results.find((r) => r.key === '4a');
  if (deep && first) {
    log();
    log(
      `Keyset depth: page 1 p50 ${ms(first.rlsStatement.p50)} / p99 ${ms(first.rlsStatement.p99)} ms vs depth ${keysetDepth.toLocaleString('en-US')} ` +
        `p50 ${ms(deep.rlsStatement.p50)} / p99 ${ms(deep.rlsStatement.p99)} ms (RLS stmt): ×${ratio(deep.rlsStatement.p50, first.rlsStatement.p50).toFixed(2)} at p50`,
    );
  }

  log();
  log(`Samples over ${slowMs} ms per path, and how many of them overlapped a garbage-collection pause of this (the client's) process:`);
  const paths = [['RLS read', 'rlsRead'], ['RLS call', 'rlsCall'], ['RLS stmt', 'rlsStatement'], ['hand', 'hand']] as const;
  log(
    table(
      ['query', ...paths.map(([label]) => label), 'GC pauses while measured'],
      results.map((r) => [
        `${r.key.padEnd(3)} ${r.title}`,
        ...paths.map(([, key]) => `${r.slow[key].over} (${r.slow[key].duringGc} in GC)`),
        `${r.gc.count}, longest ${ms(r.gc.maxMs)} ms, ${ms(r.gc.totalMs)} ms in all`,
      ]),
      [0],
    ),
  );

  log();
  log(`Targets (printed, not asserted): every RLS query p99 <= ${targetP99Ms} ms, and <= ${targetRatio}× its hand-filtered twin.`);
  log('  Judged on the statement (what the policies cost) and on the whole call through readWithClaims (what a read');
  log('  of the API costs: one round trip). The general withClaims call (three round trips: begin, set_config + query,');
  log('  commit), which the API keeps for writes, is shown for comparison and not judged.');
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  const targetRows: string[][] = [];
  let misses = 0;
  for (const r of results.filter((x) => x.key !== '0')) {
    const checks: [string, string, boolean][] = [
      [`RLS read p99 <= ${targetP99Ms} ms`, `${ms(r.rlsRead.p99)} ms`, r.rlsRead.p99 <= targetP99Ms],
      [`RLS stmt p99 <= ${targetP99Ms} ms`, `${ms(r.rlsStatement.p99)} ms`, r.rlsStatement.p99 <= targetP99Ms],
      [`RLS stmt / hand p50 <= ${targetRatio}×`, `${ratio(r.rlsStatement.p50, r.hand.p50).toFixed(2)}×`, ratio(r.rlsStatement.p50, r.hand.p50) <= targetRatio],
      [`RLS stmt / hand p99 <= ${targetRatio}×`, `${ratio(r.rlsStatement.p99, r.hand.p99).toFixed(2)}×`, ratio(r.rlsStatement.p99, r.hand.p99) <= targetRatio],
      [`RLS read / hand p50 <= ${targetRatio}×`, `${ratio(r.rlsRead.p50, r.hand.p50).toFixed(2)}×`, ratio(r.rlsRead.p50, r.hand.p50) <= targetRatio],
      [`RLS read / hand p99 <= ${targetRatio}×`, `${ratio(r.rlsRead.p99, r.hand.p99).toFixed(2)}×`, ratio(r.rlsRead.p99, r.hand.p99) <= targetRatio],
    ];
    const info: [string, string][] = [
      [`(info) RLS call p99`, `${ms(r.rlsCall.p99)} ms`],
      [`(info) RLS call / hand p50, p99`, `${ratio(r.rlsCall.p50, r.hand.p50).toFixed(2)}×, ${ratio(r.rlsCall.p99, r.hand.p99).toFixed(2)}×`],
    ];
    checks.forEach(([target, measured, ok], i) => {
      if (!ok) misses++;
      targetRows.push([i === 0 ? `${r.key.padEnd(3)} ${r.title}` : '', target, measured, verdict(ok)]);
    });
    for (const [label, measured] of info) targetRows.push(['', label, measured, '']);
  }
  log(table(['query', 'target', 'measured', 'result'], targetRows, [0, 1]));
  log();
  log(misses === 0 ? 'All targets met.' : `${misses} target(s) missed; BENCH_EXPLAIN=1 prints each query's plan under RLS and by hand.`);
}

async function explainCase<P>(db: Database, bench: BenchCase<P>, p: P) {
  const plan = (rows: Record<string, unknown>[]) => rows.map((r) => `    ${String(Object.values(r)[0])}`).join('\n');
  const rlsPlan = await withClaims(db, { sub: bench.user(p) }, async (tx) =>
    query<Record<string, unknown>>(tx, sql`explain (analyze, buffers) ${bench.rls(tx, p)}`),
  );
  const handPlan = await query<Record<string, unknown>>(db, sql`explain (analyze, buffers) ${bench.hand(db, p)}`);
  log();
  log(`[${bench.key}] ${bench.title}: params ${JSON.stringify(p)}`);
  log('  RLS (role authenticated, claims set):');
  log(plan(rlsPlan));
  log('  hand (bypass connection):');
  log(plan(handPlan));
}

/** A case with its parameter type hidden, so different cases fit in one list. */
function erase<P>(bench: BenchCase<P>) {
  return {
    key: bench.key,
    title: bench.title,
    run: (db: Database, options: RunOptions) => runCase(db, bench, options),
    explain: (db: Database) => explainCase(db, bench, bench.params(0)),
  };
}

const serverSummary = (db: Database) => postgresSummary(db, ['shared_buffers', 'work_mem', 'effective_cache_size', 'random_page_cost', 'jit']);

async function main(): Promise<number> {
  const reuseUrl = process.env.BENCH_DB_URL?.trim() || undefined;
  const adminUrl = process.env.DATABASE_URL?.trim() || undefined;
  if (!reuseUrl && !adminUrl) {
    console.error(
      'bench:db needs a PostgreSQL server: set DATABASE_URL (e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres).\n' +
        'It creates its own database there (tw_bench_<random>), seeds it, and drops it at the end;\n' +
        "DATABASE_URL's own database is never written. BENCH_DB_URL reuses an already seeded bench database.",
    );
    return 2;
  }
  const keep = process.env.BENCH_KEEP_DB === '1';
  const scale: SeedScale = {
    ...defaultScale,
    tickets: intFromEnv('BENCH_TICKETS', defaultScale.tickets),
    customers: intFromEnv('BENCH_CUSTOMERS', defaultScale.customers),
  };
  const options: RunOptions = {
    iterations: intFromEnv('BENCH_ITERATIONS', 2000),
    warmup: intFromEnv('BENCH_WARMUP', 200),
    budgetSeconds: intFromEnv('BENCH_BUDGET_SECONDS', 60),
  };
  log(`bench:db on ${machineSummary({ model: false })}, load average ${loadAverage()}`);

  let bench: BenchDatabase | undefined;
  let handle: DatabaseHandle | undefined;
  let interrupted = false;
  const cleanUp = cleanUpOnExit(
    async () => {
      await handle?.close().catch(() => {});
      handle = undefined;
      await bench?.dispose();
    },
    { onSignal: () => (interrupted = true) },
  );

  try {
    let url: string;
    if (reuseUrl) {
      url = reuseUrl;
      log(`BENCH_DB_URL: reusing ${describeConnectionString(url)} as seeded (no create, seed or drop; pending migrations applied)`);
      const migrateHandle = await openDatabase({ databaseUrl: url, maxConnections: 1 });
      try {
        await migrateDatabase(migrateHandle);
      } finally {
        await migrateHandle.close();
      }
    } else {
      bench = await createBenchDatabase({
        adminUrl: adminUrl!,
        name: benchDatabaseName('tw_bench_'),
        applicationName: 'ticket-widget-bench',
        log,
        keep: keep && (({ name, url }) => `BENCH_KEEP_DB=1: kept ${name}. Reuse it with BENCH_DB_URL=${describeConnectionString(url)}; drop it with: drop database ${name};`),
      });
      url = bench.url;
      // One connection: the load relies on session settings and temporary tables.
      const seedHandle = await openDatabase({ databaseUrl: url, maxConnections: 1 });
      try {
        await migrateDatabase(seedHandle);
        log(
          `Seeding ${scale.tickets.toLocaleString('en-US')} tickets over ${scale.customers.toLocaleString('en-US')} customers ` +
            `(set-based SQL on the bypass connection):`,
        );
        const report = await seedDatabase(seedHandle.systemDb, scale, log);
        log(`Seeding took ${report.seconds.toFixed(1)} s`);
      } finally {
        await seedHandle.close();
      }
    }

    // The benchmark itself uses the pool the server would open.
    handle = await openDatabase({ databaseUrl: url });
    const db = handle.systemDb;
    const counts = await countRows(db);
    if (counts.tickets === 0) throw new Error('The bench database has no tickets: is it seeded?');
    log(
      `Data: ${counts.tickets.toLocaleString('en-US')} tickets, ${counts.customers.toLocaleString('en-US')} customers, ` +
        `${counts.teamMembers} team members, ${counts.messages.toLocaleString('en-US')} messages ` +
        `(${counts.internalMessages.toLocaleString('en-US')} internal, ${((100 * counts.internalMessages) / Math.max(1, counts.messages)).toFixed(1)}%), ` +
        `${counts.longThreads.toLocaleString('en-US')} threads with 50+ public messages`,
    );
    const [status] = await query<Record<string, string>>(
      db,
      sql`select string_agg(status || ' ' || n, ', ' order by status) as statuses,
                 (select count(*) from public.tickets where assigned_to is not null) as assigned,
                 (select min(created_at)::date || ' .. ' || max(created_at)::date from public.tickets) as span
          from (select status, count(*) as n from public.tickets group by status) s`,
    );
    log(`Tickets by status: ${status?.statuses}; assigned ${status?.assigned}; created ${status?.span}`);
    if (counts.tickets < 1_000_000 || counts.customers < 10_000 || counts.messages < 5_000_000) {
      log('NOTE: below the issue’s scale (1M tickets, 10k customers, 5M messages); figures are not comparable.');
    }
    log(`Server: ${await serverSummary(db)}`);

    const samples: Samples = await drawSamples(db, 2000);
    log(
      `Samples: ${samples.customers.length} customers, ${samples.agents.length} team members, ${samples.threads.length} long threads, ` +
        `${samples.deepCursors.length} cursors from row ${keysetDepth.toLocaleString('en-US')} on (first: ${samples.deepCursors[0]?.createdAt} / ${samples.deepCursors[0]?.id})`,
    );
    await sanityChecks(db, samples);
    log('Sanity: keyset page after row 20,000 equals offset 20,000; customers cannot read others’ threads; agents see internal notes');

    const cases = [
      erase(roundTripFloor(samples)),
      erase(customerNewestTickets(samples)),
      erase(agentNewestOpenTickets(samples)),
      erase(customerThread(samples)),
      erase(agentListFirstPage(samples)),
      erase(agentListDeepPage(samples)),
    ];
    const results: CaseResult[] = [];
    for (const c of cases) {
      // Each query starts from the same state: its tables and indexes in the page cache (see prewarm.ts).
      log(`  [${c.key}] ${describePrewarm(await prewarmPageCache(db))}`);
      const started = performance.now();
      const result = await c.run(db, options);
      results.push(result);
      log(
        `  measured [${c.key}] ${c.title} in ${((performance.now() - started) / 1000).toFixed(1)} s: ` +
          `readWithClaims, withClaims and hand results identical in all ${result.warmup + result.rlsCall.n} iterations (${result.warmup} warm-up)`,
      );
    }
    log(`Load average after measuring: ${loadAverage()} (the benchmark itself keeps about two cores busy)`);
    printResults(results, options);

    if (process.env.BENCH_EXPLAIN === '1') {
      log();
      log('EXPLAIN (ANALYZE, BUFFERS), first sample of each query:');
      for (const c of cases) await c.explain(db);
    }
    return 0;
  } catch (error) {
    if (interrupted) return 130;
    console.error('\nbench:db FAILED:', error instanceof Error ? (error.stack ?? error.message) : error);
    // Drizzle wraps driver errors; PostgreSQL's own message is the cause.
    if (error instanceof Error && error.cause) console.error('cause:', error.cause);
    return 1;
  } finally {
    await cleanUp();
  }
}

process.exitCode = await main();
