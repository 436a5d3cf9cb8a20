/**
 * Timing harness: each iteration runs the RLS query three ways — through readWithClaims (the
 * server's read path: one pipelined round trip), through withClaims (the general transaction),
 * and its hand-filtered twin on the bypass connection — rotating which goes first, and checks
 * all three returned the same ids in the same order.
 */
import type { SQLWrapper } from 'drizzle-orm';
import type { Database } from '../../db/client.ts';
import { readWithClaims, withClaims, type Tx } from '../../db/rls.ts';
import { recordGcPauses, summarizeGcPauses, type GcSummary } from './support/gc-pauses.ts';
import { summarize, type Summary } from './support/stats.ts';

export interface Row {
  id: string;
}

/** A Drizzle query builder: awaitable for its rows, embeddable in `sql` (for EXPLAIN). */
export type Query = SQLWrapper & PromiseLike<Row[]>;

export interface BenchCase<P> {
  /** Short key for the tables ("1", "4b"). */
  key: string;
  title: string;
  /** What the hand-filtered twin does, for the output. */
  handNote: string;
  /** The parameters of iteration `i` (a different user / ticket / cursor each time). */
  params: (i: number) => P;
  /** The user whose claims the RLS query runs under. */
  user: (p: P) => string;
  rls: (tx: Tx, p: P) => Query;
  hand: (db: Database, p: P) => Query;
  /** Extra checks on the rows read under RLS (throw to fail). */
  check?: (rows: Row[], p: P) => void;
}

export interface CaseResult {
  /** Warm-up iterations actually run (fewer than asked when the budget ran out). */
  warmup: number;
  key: string;
  title: string;
  handNote: string;
  /** The whole readWithClaims call: begin read only, set_config, the query and commit pipelined in one write. */
  rlsRead: Summary;
  /** The whole withClaims call: begin, set_config, the query, commit. */
  rlsCall: Summary;
  /** The query statement alone, timed inside withClaims. */
  rlsStatement: Summary;
  /** The hand-filtered twin on the bypass connection. */
  hand: Summary;
  rowsPerQuery: Summary;
  /**
   * The slow samples (over `slowMs`) of each path, and how many of them overlapped a garbage-
   * collection pause of this process: a tail the client's own pauses explain, not the database.
   */
  slow: Record<'rlsRead' | 'rlsCall' | 'rlsStatement' | 'hand', { over: number; duringGc: number }>;
  /** This process's garbage-collection pauses while the case was measured. */
  gc: GcSummary;
}

/** What bench:db calls slow: its target for every RLS query at p99. */
export const slowMs = 2;

interface Sample {
  start: number;
  ms: number;
}

export interface RunOptions {
  warmup: number;
  iterations: number;
  /**
   * Time budget per query in seconds. A query that is far too slow (a sequential scan per call)
   * stops early rather than run for an hour: warm-up after a tenth of the budget (at least 5
   * iterations), measurement after the budget (at least 50 iterations). The table shows `n`.
   */
  budgetSeconds: number;
}

function sameIds(a: Row[], b: Row[]): boolean {
  return a.length === b.length && a.every((row, i) => row.id === b[i]!.id);
}

export async function runCase<P>(db: Database, bench: BenchCase<P>, options: RunOptions): Promise<CaseResult> {
  const rlsRead: Sample[] = [];
  const rlsCall: Sample[] = [];
  const rlsStatement: Sample[] = [];
  const hand: Sample[] = [];
  const rowCounts: number[] = [];
  let gc: ReturnType<typeof recordGcPauses> | undefined;

  const runRls = async (p: P) => {
    let statement: Sample = { start: 0, ms: 0 };
    const started = performance.now();
    const rows = await withClaims(db, { sub: bench.user(p) }, async (tx) => {
      const statementStarted = performance.now();
      const result = await bench.rls(tx, p);
      statement = { start: statementStarted, ms: performance.now() - statementStarted };
      return result;
    });
    return { rows, call: { start: started, ms: performance.now() - started }, statement };
  };
  const runRead = async (p: P) => {
    const started = performance.now();
    // One statement, as the API's list and thread reads declare theirs: COMMIT travels with it.
    const rows = await readWithClaims(db, { sub: bench.user(p) }, async (tx): Promise<Row[]> => bench.rls(tx, p), { statements: 1 });
    return { rows, sample: { start: started, ms: performance.now() - started } };
  };
  const runHand = async (p: P) => {
    const started = performance.now();
    const rows = await bench.hand(db, p);
    return { rows, sample: { start: started, ms: performance.now() - started } };
  };

  const started = performance.now();
  let warmup = options.warmup;
  let measureStarted = 0;
  for (let i = 0; i < warmup + options.iterations; i++) {
    const elapsed = (performance.now() - started) / 1000;
    if (i < warmup && i >= 5 && elapsed > options.budgetSeconds / 10) warmup = i;
    if (i === warmup) {
      measureStarted = performance.now();
      gc = recordGcPauses();
    }
    if (i >= warmup + 50 && (performance.now() - measureStarted) / 1000 > options.budgetSeconds) break;
    const p = bench.params(i);
    let viaRls: Awaited<ReturnType<typeof runRls>> | undefined;
    let viaRead: Awaited<ReturnType<typeof runRead>> | undefined;
    let viaHand: Awaited<ReturnType<typeof runHand>> | undefined;
    const order = [
      async () => void (viaRls = await runRls(p)),
      async () => void (viaRead = await runRead(p)),
      async () => void (viaHand = await runHand(p)),
    ];
    for (let k = 0; k < order.length; k++) await order[(i + k) % order.length]!();
    if (!viaRls || !viaRead || !viaHand) throw new Error('unreachable: a path did not run');
    for (const [label, other] of [['withClaims', viaRls.rows], ['readWithClaims', viaRead.rows]] as [string, Row[]][]) {
      if (!sameIds(other, viaHand.rows)) {
        throw new Error(
          `[${bench.key}] ${bench.title}: ${label} and hand-filtered results differ at iteration ${i} ` +
            `(params ${JSON.stringify(p)}):\n  RLS  (${other.length}): ${other.map((r) => r.id).join(',')}\n` +
            `  hand (${viaHand.rows.length}): ${viaHand.rows.map((r) => r.id).join(',')}`,
        );
      }
    }
    bench.check?.(viaRls.rows, p);
    if (i >= warmup) {
      rlsRead.push(viaRead.sample);
      rlsCall.push(viaRls.call);
      rlsStatement.push(viaRls.statement);
      hand.push(viaHand.sample);
      rowCounts.push(viaRls.rows.length);
    }
  }
  gc?.stop();
  const pauses = gc?.pauses() ?? [];
  const slow = (samples: Sample[]) => {
    const over = samples.filter((sample) => sample.ms > slowMs);
    const duringGc = over.filter((sample) => pauses.some((pause) => pause.start < sample.start + sample.ms && pause.start + pause.ms > sample.start));
    return { over: over.length, duringGc: duringGc.length };
  };
  const ms = (samples: Sample[]) => samples.map((sample) => sample.ms);
  return {
    warmup,
    key: bench.key,
    title: bench.title,
    handNote: bench.handNote,
    rlsRead: summarize(ms(rlsRead)),
    rlsCall: summarize(ms(rlsCall)),
    rlsStatement: summarize(ms(rlsStatement)),
    hand: summarize(ms(hand)),
    rowsPerQuery: summarize(rowCounts),
    slow: { rlsRead: slow(rlsRead), rlsCall: slow(rlsCall), rlsStatement: slow(rlsStatement), hand: slow(hand) },
    gc: summarizeGcPauses(pauses),
  };
}
