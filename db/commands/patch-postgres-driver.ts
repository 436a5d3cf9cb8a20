/**
 * `npm install` runs this (postinstall): small repairs to postgres.js 3.4.9's connection
 * (src/, cjs/src/ and cf/src/connection.js) and pool (index.js), for what it leaves behind when a connection closes
 * under it — a database restart, a terminated backend, a timeout. The fault suites
 * (tests/reliability/faults) found each one:
 * - a statement issued on a connection after it closed (a transaction's or reserved connection's
 *   session gone) was written to a null socket: it now fails with CONNECTION_CLOSED at once;
 * - a write scheduled just before the close ran after it, on a null socket: an uncaught
 *   TypeError that took the whole server down (porsager/postgres#1154, #1208);
 * - the close cleared that scheduled write without forgetting it, so the reconnected connection
 *   never flushed a small write again: its queries hung until connect_timeout, and again and
 *   again (the "poisoned connection");
 * - the close kept the dead session's pending error and query, and the reconnected connection
 *   handed that error (57P01 "terminating connection") to its first query;
 * - a connection closed while it looked up array types (right after connecting) left a
 *   rejected promise nobody handled: the process exited;
 * - a `reserve()` waiting for a connection when one closed was handed the reconnecting
 *   connection and then dropped by it: it never answered (a readWithClaims hung forever), and a
 *   waiting `reserve()` that failed still took the next free connection out of the pool.
 * And one to its query (query.js), for the garbage collector: settled queries, and their rows,
 * no longer survive young-generation collections (see queryEdits below).
 * Idempotent, and loud when postgres.js is not the version these edits were written for.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const marker = '/* ticket-widget: connection-close repairs v3 */';

const edits: { find: string; replace: string }[] = [
  {
    // A statement for a connection that has closed (a reserved or transaction connection whose
    // session is gone) fails at once instead of being written nowhere or to the next session.
    find: "    if (terminated)\n      return queryError(q, Errors.connection('CONNECTION_DESTROYED', options))\n",
    replace: "    if (terminated)\n      return queryError(q, Errors.connection('CONNECTION_DESTROYED', options))\n\n    if (!socket)\n      return (queryError(q, Errors.connection('CONNECTION_CLOSED', options)), true)\n",
  },
  {
    // A write scheduled before the close finds no socket: drop it (its queries were rejected).
    find: '  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)',
    replace: `  function nextWrite(fn) {\n    ${marker}\n    if (!socket) return (chunk = nextWriteTimer = null, true)\n    const x = socket.write(chunk, fn)`,
  },
  {
    // terminate(): forget the cleared write, as nextWrite would have.
    find: '    clearImmediate(nextWriteTimer)\n    if (socket) {',
    replace: '    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    if (socket) {',
  },
  {
    // closed(): the same, and the dead session's pending query and error are not the next one's.
    find: "    clearImmediate(nextWriteTimer)\n    socket.removeListener('data', data)",
    replace: "    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    socket.removeListener('data', data)",
  },
  {
    // The array-type lookup on a new connection: when the connection closes under it, its
    // rejection was unhandled (the process exits); it fails the connection's queries instead.
    find: '        return fetchArrayTypes()\n',
    replace: '        return fetchArrayTypes().catch(error)\n',
  },
  {
    find: "    !hadError && (query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket))",
    replace: "    !hadError && (query || sent.length) && error(Errors.connection('CONNECTION_CLOSED', options, socket))\n    query = errorResponse = null",
  },
];

const poolMarker = '/* ticket-widget: reserve repairs v1 */';

/** The pool (index.js), for a `reserve()` waiting for a connection while connections close. */
const poolEdits: { find: string; replace: string }[] = [
  {
    // A waiting reserve() that fails (its connection could not be opened) leaves the queue: left
    // in it, the next free connection was handed to the settled promise and lost to the pool.
    find: '        const query = { reserve: resolve, reject }\n',
    replace: '        const query = { reserve: resolve, reject: e => (queries.remove(query), reject(e)) }\n',
  },
  {
    // A closed connection reconnects for the first waiting query; when that is a reserve(), the
    // connection drops it once connected (reserve() itself keeps it queued for onopen to pick),
    // so it was never answered: the read waiting for it hung forever. It stays queued instead.
    find: '    queries.length && connect(c, queries.shift())\n',
    replace: `    ${poolMarker}\n    queries.length && (next => (next.reserve && queries.push(next), connect(c, next)))(queries.shift())\n`,
  },
];

const queryMarker = '/* ticket-widget: settle through methods v1 */';

/**
 * The query (query.js), for the garbage collector. Its constructor gave every query two arrow
 * functions over the promise's settling functions (`this.resolve = x => (this.active = false,
 * resolve(x))`, and reject's twin). With those, V8 kept recently settled queries, and the rows
 * they resolved with, alive through young-generation collections: in a loop of 25-row reads
 * (--trace-gc-nvp), 30-55% of what was allocated since the last scavenge survived it, and each
 * scavenge paused the process for 5-10 ms. A Promise subclass that stores the settling functions
 * as they are and calls them from methods keeps nothing (under 0.5 MB survives, pauses under
 * 2 ms), so resolve() and reject() become such methods; a cursor still replaces them per query.
 */
const queryEdits: { find: string; replace: string }[] = [
  {
    find: '    this.resolve = x => (this.active = false, resolve(x))\n    this.reject = x => (this.active = false, reject(x))\n',
    replace: `    ${queryMarker}\n    this.settleResolve = resolve\n    this.settleReject = reject\n`,
  },
  {
    find: '  get origin() {\n',
    replace: '  resolve(x) {\n    this.active = false\n    this.settleResolve(x)\n  }\n\n  reject(x) {\n    this.active = false\n    this.settleReject(x)\n  }\n\n  get origin() {\n',
  },
];

const targets = [
  { name: 'connection.js', marker, edits },
  { name: 'index.js', marker: poolMarker, edits: poolEdits },
  { name: 'query.js', marker: queryMarker, edits: queryEdits },
];

export function patchPostgresDriver(packageDir: string): string[] {
  const patched: string[] = [];
  for (const variant of ['src', 'cjs/src', 'cf/src']) {
    for (const target of targets) {
      const file = join(packageDir, variant, target.name);
      if (!existsSync(file)) continue;
      let source = readFileSync(file, 'utf8');
      if (source.includes(target.marker)) continue;
      for (const { find, replace } of target.edits) {
        if (source.split(find).length !== 2) throw new Error(`${file}: expected exactly one "${find.split('\n').at(-1)!.trim() || find.trim()}"; is postgres.js still 3.4.9? Review db/commands/patch-postgres-driver.ts`);
        source = source.replace(find, replace);
      }
      writeFileSync(file, source);
      patched.push(file);
    }
  }
  return patched;
}

if (import.meta.main) {
  const packageDir = fileURLToPath(new URL('../../node_modules/postgres/', import.meta.url));
  const patched = patchPostgresDriver(packageDir);
  console.log(patched.length ? `postgres.js: connection-close, reserve and query repairs applied to ${patched.length} file(s)` : 'postgres.js: connection-close, reserve and query repairs already in place');
}
