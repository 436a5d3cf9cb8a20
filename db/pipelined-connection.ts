/**
 * A transaction pipelined on one reserved postgres.js connection (db/rls.ts's readWithClaims,
 * db/write-with-claims.ts): its statements are written together, and what happens when the
 * connection is lost half-way is handled here, once.
 */
import type postgres from 'postgres';
import { meansConnectionLost } from './transaction-guard.ts';

export interface PipelineState {
  /** Statements may still be issued: the work has not finished. */
  open: boolean;
  /** A statement failed: the transaction is aborted, later statements are refused. */
  failed: boolean;
  /**
   * The connection is gone (it closed, or a statement failed with a FATAL or a closed socket).
   * postgres.js has closed it and may reconnect it for someone else: nothing more is written to it.
   */
  lost: boolean;
  /**
   * Calls `reject` with the loss once the connection is lost (at once if it already is): every
   * statement still pending settles with it. Returns the function that forgets `reject` again.
   */
  onLoss(reject: (error: unknown) => void): () => void;
  loseConnection(error: unknown): void;
  /** postgres.js's connection behind the reserved one, once BEGIN has been written to it. */
  driverConnection?: DriverConnection | undefined;
}

/**
 * The loss is told to a list of callbacks, each forgotten as soon as its statement settles,
 * rather than through one promise that every statement raced against. That promise stayed
 * pending for the whole read and held every statement's race, and through it the rows. Measured
 * (--trace-gc-nvp, a loop of 25-row reads): 7.5 MB of each scavenge's ~46 MB survived, and each
 * scavenge paused 6 ms; with the callbacks forgotten, 0.5 MB and 1.5 ms. Most of it also went
 * with V8's allocation-site pretenuring turned off, so the likely mechanism is V8 allocating the
 * long-lived objects straight into the old generation, where a dead one keeps what it points to
 * alive through young-generation collections until the next full one.
 */
export function newPipelineState(): PipelineState {
  let lossListeners: ((error: unknown) => void)[] = [];
  let lostWith: unknown;
  const state: PipelineState = {
    open: true,
    failed: false,
    lost: false,
    onLoss(reject) {
      if (state.lost) {
        reject(lostWith);
        return () => {};
      }
      lossListeners.push(reject);
      return () => {
        const index = lossListeners.indexOf(reject);
        if (index !== -1) lossListeners.splice(index, 1);
      };
    },
    loseConnection(error) {
      if (state.lost) return;
      state.lost = state.failed = true;
      lostWith = error;
      const listeners = lossListeners;
      lossListeners = [];
      for (const reject of listeners) reject(error);
    },
  };
  return state;
}

/**
 * Wraps each statement of the transaction: a failure marks the transaction failed (and lost, when
 * the connection went), and the statement settles when the connection is lost even if postgres.js
 * never settles it. Hand it a statement whose execution has started.
 */
export function watcher(state: PipelineState): <Q extends Promise<unknown>>(query: Q) => Q {
  return (query) => {
    query.then(undefined, (error: unknown) => {
      state.failed = true;
      if (meansConnectionLost(error)) state.loseConnection(error);
    });
    return settledOnLoss(query, state);
  };
}

/**
 * postgres.js's own connection object (src/connection.js), as its `begin` uses it: `onexecute`
 * hands it over once a statement is written, and the pool calls its `onclose` when it closes.
 */
export interface DriverConnection {
  onclose: ((error: unknown) => void) | null;
}

/**
 * Why this is needed: a reserved connection queues statements in postgres.js itself while one is
 * described first (any statement with parameters not yet prepared on that connection, such as the
 * identity) or the pipeline is full, and when the connection closes postgres.js rejects only what
 * it had sent: the queued statements are dropped without ever settling, and the read would wait
 * for them forever. postgres.js's `begin` guards against the same by racing its work against the
 * connection's `onclose`; this does the same for a read (an `onexecute` hook as `begin` uses).
 */
export function watchClose(state: PipelineState): (connection: DriverConnection) => true {
  return (connection) => {
    state.driverConnection = connection;
    connection.onclose = (error) => state.loseConnection(error);
    return true;
  };
}

/**
 * The statement as Drizzle uses it (`.values()`, `await`), but settling when the read's connection
 * is lost even if postgres.js never settles it. Its execution has already been started (by watch).
 */
export function settledOnLoss<Q extends Promise<unknown>>(query: Q, state: PipelineState): Q {
  const settled = new Promise((resolve, reject) => {
    const forget = state.onLoss(reject);
    query.then(
      (value) => {
        forget();
        resolve(value);
      },
      (error: unknown) => {
        forget();
        reject(error);
      },
    );
  });
  settled.catch(() => {});
  const statement: Q = new Proxy(query, {
    get(target, property) {
      if (property === 'then' || property === 'catch' || property === 'finally') {
        const method = settled[property] as (...a: unknown[]) => unknown;
        return method.bind(settled);
      }
      const value = Reflect.get(target, property, target) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        return result === target ? statement : result;
      };
    },
  });
  return statement;
}

/**
 * Ends the transaction, then returns the connection to the pool — unless the connection was lost:
 * postgres.js has closed it (and taken it back), so it is neither written to nor released.
 */
export function finish(connection: postgres.ReservedSql, state: PipelineState, statement: 'commit' | 'rollback'): Promise<void> {
  return finishWith(connection, state, issueEnd(connection, statement));
}

/** COMMIT or ROLLBACK, written now (behind whatever was issued before it on the connection). */
export function issueEnd(connection: postgres.ReservedSql, statement: 'commit' | 'rollback'): Promise<unknown> {
  const end = connection.unsafe(statement).execute();
  end.catch(() => {});
  return end;
}

/** `finish` for an end already issued (issueEnd): waits for its answer, then returns the connection. */
export async function finishWith(connection: postgres.ReservedSql, state: PipelineState, end: Promise<unknown>): Promise<void> {
  try {
    await settledOnLoss(end, state);
  } catch (error) {
    // Any other failure still ended the transaction block (COMMIT and ROLLBACK always do).
    if (meansConnectionLost(error)) return;
  }
  release(connection, state);
}

/** Returns the connection to the pool, unless it was lost (postgres.js has taken it back). */
export function release(connection: postgres.ReservedSql, state: PipelineState): void {
  if (state.lost) return;
  if (state.driverConnection) state.driverConnection.onclose = null;
  connection.release();
}

