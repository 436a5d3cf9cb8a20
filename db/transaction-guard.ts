/**
 * What postgres.js (3.4.9) does when a transaction's connection is lost (the database restarts,
 * a backend is terminated, a timeout ends the session) is unsafe twice over:
 * - `begin` rejects at once, but the transaction's callback keeps running, and each statement it
 *   issues next goes to that same connection object, which postgres.js may already have
 *   reconnected for another query: the statement would run on a fresh session, outside its
 *   transaction and without its claims (as the server's own role, past row-level security);
 * - when the callback settles, postgres.js writes COMMIT or ROLLBACK to the closed connection,
 *   which throws from a setImmediate (`Cannot read properties of null (reading 'write')`,
 *   porsager/postgres#1154, #1208) and takes the whole process down.
 * This wraps `begin` (and savepoints) so neither can happen: once the transaction is over or its
 * connection is gone, its statements are refused here, and its callback is never settled, so
 * postgres.js never writes to the dead connection (the caller has `begin`'s rejection already).
 * And since postgres.js keeps a lost session's last error and hands it to the first query of
 * the reconnected connection, a BEGIN that fails that way is retried: the work never started.
 */
import type postgres from 'postgres';

/** Raised for a statement a transaction issues after it ended or lost its connection. */
export class TransactionOverError extends Error {
  readonly code = 'CONNECTION_CLOSED';
  constructor() {
    super('The transaction is over (its connection was lost); the statement was not sent.');
    this.name = 'TransactionOverError';
  }
}

const connectionLostCodes = new Set(['CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

/** Whether an error (or one it wraps) means the session is gone: a FATAL from the server, or the socket closed. */
export function meansConnectionLost(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth++) {
    const { code, severity } = current as { code?: unknown; severity?: unknown };
    if (severity === 'FATAL' || severity === 'PANIC') return true;
    if (typeof code === 'string' && (connectionLostCodes.has(code) || code.startsWith('08'))) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

interface TransactionState {
  /** `begin` has settled: committed, rolled back, or lost with its connection. */
  over: boolean;
  settled: Promise<void>;
}

/** How long a callback that failed on a lost connection waits for `begin` to say so before rolling back normally. */
const lostConnectionGraceMs = 5_000;

type Work = (sql: postgres.Sql) => unknown;

export function guardTransactions(client: postgres.Sql): postgres.Sql {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'begin') {
        return async (...args: unknown[]) => {
          const work = args.pop() as Work;
          for (let attempt = 1; ; attempt++) {
            let started = false;
            try {
              return await guardedBegin(target, args, (sql) => {
                started = true;
                return work(sql);
              });
            } catch (error) {
              // BEGIN itself failed on a connection that was lost (postgres.js also hands a
              // reconnected connection's first query the FATAL its previous session ended with):
              // nothing of the work ran, so it is safe to start the transaction again.
              if (started || attempt >= maxBeginAttempts || !meansConnectionLost(error)) throw error;
            }
          }
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** BEGIN failing on a lost connection is retried this many times in all (the work has not started). */
const maxBeginAttempts = 3;

function guardedBegin(target: postgres.Sql, args: unknown[], work: Work): Promise<unknown> {
  let markSettled!: () => void;
  const state: TransactionState = { over: false, settled: new Promise((resolve) => (markSettled = resolve)) };
  const begun = (target.begin as (...a: unknown[]) => Promise<unknown>)(...args, (sql: postgres.Sql) => runGuarded(state, work, sql));
  const end = () => {
    state.over = true;
    markSettled();
  };
  begun.then(end, end);
  return begun;
}

/** Runs the transaction's callback on a guarded `sql`; settles it only while its connection is alive. */
function runGuarded(state: TransactionState, work: Work, sql: postgres.Sql): Promise<unknown> {
  return new Promise((resolve, reject) => {
    Promise.resolve()
      .then(() => work(guardStatements(state, sql)))
      .then(
        (value) => {
          // Over already: COMMIT would be written to a dead connection. `begin` has rejected for the caller.
          if (!state.over) resolve(value);
        },
        async (error: unknown) => {
          if (state.over) return;
          if (meansConnectionLost(error)) {
            // `begin` rejects as soon as postgres.js sees the close; until then, hold the ROLLBACK back.
            const lost = await Promise.race([state.settled.then(() => true), new Promise<boolean>((done) => setTimeout(() => done(false), lostConnectionGraceMs).unref())]);
            if (lost) return;
          }
          reject(error);
        },
      );
  });
}

/** The transaction's `sql`: statements only while the transaction is on; savepoints guarded the same way. */
function guardStatements(state: TransactionState, sql: postgres.Sql): postgres.Sql {
  return new Proxy(sql, {
    get(target, property, receiver) {
      if (property === 'unsafe') {
        return (...args: Parameters<postgres.Sql['unsafe']>) => (state.over ? refused() : target.unsafe(...args));
      }
      if (property === 'savepoint') {
        return (...args: unknown[]) => {
          if (state.over) return Promise.reject(new TransactionOverError());
          const work = args.pop() as Work;
          return (target as unknown as { savepoint: (...a: unknown[]) => Promise<unknown> }).savepoint(...args, (inner: postgres.Sql) => runGuarded(state, work, inner));
        };
      }
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A statement that is never sent: rejects however Drizzle consumes it (`await`, `.values()`, `.execute()`). */
function refused(): never {
  const failure = Promise.reject(new TransactionOverError());
  failure.catch(() => {});
  return Object.assign(failure, { values: () => failure, raw: () => failure, execute: () => failure, simple: () => failure }) as never;
}
