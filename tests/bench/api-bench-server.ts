/**
 * The server `npm run bench:api` measures: exactly `npm start`'s (server/start-server.ts), plus
 * a report of its event loop's delay and garbage-collection pauses over each measured run
 * (GET /bench/loop-delay; POST resets it), and three ceiling routes that show what the
 * framework, the driver and authentication cost alone:
 *   GET /bench/ceiling        the token verified, then withClaims(select 1): the same fixed cost as a real route
 *   GET /bench/ceiling-plain  the token verified, then select 1 with no transaction
 *   GET /bench/ceiling-read   the token verified, then readWithClaims(select 1) as the list and thread reads run
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { readWithClaims, withClaims } from '../../db/rls.ts';
import type { AppEnv } from '../../server/app-env.ts';
import { loadConfigOrExit } from '../../server/config.ts';
import { ApiError } from '../../server/errors.ts';
import { createLogger } from '../../server/http/logger.ts';
import { startServer } from '../../server/start-server.ts';
import { recordGcPauses, summarizeGcPauses } from './support/gc-pauses.ts';

const config = loadConfigOrExit();
if (!config.DATABASE_URL) {
  console.error('api-bench-server: DATABASE_URL is required (the API benchmark runs on PostgreSQL only).');
  process.exit(1);
}

const logger = createLogger(config.LOG_LEVEL);
// How long the event loop was held up (garbage collection, long synchronous work): every
// request waiting meanwhile waits that long too.
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
// Garbage-collection pauses over the same span.
const gc = recordGcPauses();
const bearer = /^Bearer[ ]+(\S+)$/i;
const server = await startServer(config, logger, {
  extraRoutes(app, deps) {
    async function verifiedUserId(c: Context<AppEnv>): Promise<string> {
      const match = bearer.exec(c.req.header('authorization')?.trim() ?? '');
      if (!match) throw new ApiError('unauthorized', 'Send Authorization: Bearer <token>.');
      return (await deps.tokens.verify(match[1]!)).userId;
    }
    app.post('/bench/loop-delay', (c) => {
      loopDelay.reset();
      gc.reset();
      return c.json({ ok: true });
    });
    app.get('/bench/loop-delay', (c) => c.json({ p99Ms: loopDelay.percentile(99) / 1e6, maxMs: loopDelay.max / 1e6, samples: loopDelay.count, gc: summarizeGcPauses(gc.pauses()) }));
    app.get('/bench/ceiling', async (c) => {
      const sub = await verifiedUserId(c);
      await withClaims(deps.database.systemDb, { sub }, (tx) => tx.execute(sql`select 1`));
      return c.json({ ok: true });
    });
    app.get('/bench/ceiling-read', async (c) => {
      const sub = await verifiedUserId(c);
      await readWithClaims(deps.database.systemDb, { sub }, (tx) => tx.execute(sql`select 1`), { statements: 1 });
      return c.json({ ok: true });
    });
    app.get('/bench/ceiling-plain', async (c) => {
      await verifiedUserId(c);
      await deps.database.systemDb.execute(sql`select 1`);
      return c.json({ ok: true });
    });
  },
});
console.log(`api-bench-server listening on ${config.HOST}:${server.running.port} (${server.deps.database.engine}, pool ${config.DATABASE_POOL_SIZE}, prepared statements ${config.DATABASE_PREPARED_STATEMENTS ? 'on' : 'off'})`);

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  await server.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
