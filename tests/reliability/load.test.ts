/**
 * Load with nothing lost: many customers posting at once over two server instances on one
 * PostgreSQL, with the same Idempotency-Key sent again at random (twice at once, again after the
 * answer, again after an aborted attempt), agents replying and writing internal notes meanwhile,
 * and everyone watching live. Every message is stored exactly once and in order; every socket
 * gets exactly the events its user may see. Prints what it injected and what it verified.
 *
 * PostgreSQL (DATABASE_URL): 200 customers × 20 messages over two `server/main.ts` processes.
 * PGlite (always): the same run scaled down, one instance in this process (PGlite is one process).
 * SOAK=1 (npm run test:soak) scales both up; LOAD_SEED repeats a run's random choices;
 * LOAD_CUSTOMERS and LOAD_MESSAGES resize it; LOAD_PROGRESS=1 prints the request count as it goes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enginesUnderTest } from '../support/test-database.ts';
import { startOneInProcess, startTwoInstances, type LoadServers } from './support/load-servers.ts';
import { verifyLoad } from './support/load-verification.ts';
import { runLoad, type LoadPlan } from './support/load-workload.ts';

const soak = process.env.SOAK === '1';
/** Fixed choices for `npm test` (timing still varies); a soak draws new ones. Printed either way. */
const seed = Number(process.env.LOAD_SEED ?? (soak ? Date.now() % 1_000_000 : 20261124));

const plans: Record<'postgres' | 'pglite', Omit<LoadPlan, 'seed'>> = {
  postgres: soak
    ? { customers: 1000, messagesPerCustomer: 40, maxTicketsPerCustomer: 2, agents: 4, agentPosts: 2000, duplicateShare: 0.25 }
    : { customers: 200, messagesPerCustomer: 20, maxTicketsPerCustomer: 2, agents: 2, agentPosts: 200, duplicateShare: 0.25 },
  pglite: soak
    ? { customers: 200, messagesPerCustomer: 20, maxTicketsPerCustomer: 2, agents: 2, agentPosts: 200, duplicateShare: 0.25 }
    : { customers: 30, messagesPerCustomer: 10, maxTicketsPerCustomer: 2, agents: 2, agentPosts: 30, duplicateShare: 0.3 },
};

describe.each(enginesUnderTest)('load with retries and live subscribers on %s', (engine) => {
  let servers: LoadServers;

  beforeAll(async () => {
    servers = engine === 'postgres' ? await startTwoInstances() : await startOneInProcess();
  }, 90_000);
  afterAll(async () => {
    await servers?.stop();
  }, 60_000);

  it(
    'stores every message exactly once, in order, and delivers every event to exactly who may see it',
    async () => {
      const plan: LoadPlan = {
        ...plans[engine],
        ...(process.env.LOAD_CUSTOMERS ? { customers: Number(process.env.LOAD_CUSTOMERS) } : {}),
        ...(process.env.LOAD_MESSAGES ? { messagesPerCustomer: Number(process.env.LOAD_MESSAGES) } : {}),
        seed,
      };
      const run = await runLoad(servers, plan);
      const figures = await verifyLoad(servers.systemDb, run, 30_000);
      const { tally } = run;
      const injected = Object.values(tally.injected).reduce((a, b) => a + b, 0);
      const sockets = run.customers.length + run.agents.length;
      console.log(
        [
          `load on ${engine} (${servers.baseUrls.length} instance${servers.baseUrls.length > 1 ? 's' : ''}, seed ${seed}; LOAD_SEED=${seed} repeats it)`,
          `  posted:    ${plan.customers} customers × ${plan.messagesPerCustomer} messages (+ ${run.customers.reduce((n, c) => n + c.ticketIds.length, 0)} tickets), ${run.agents.reduce((n, a) => n + a.sent.length, 0)} agent replies and internal notes, in ${(run.elapsedMs / 1000).toFixed(1)} s`,
          `  requests:  ${tally.requests} HTTP requests; duplicates injected ${injected} (twice at once ${tally.injected['twice-at-once']}, again after the answer ${tally.injected['again-after-answer']}, again after an abort ${tally.injected['again-after-abort']} of which ${tally.aborted} were cut mid-flight); automatic retries (429/503/dropped) ${tally.automaticRetries}${tally.automaticRetries ? ` (${Object.entries(tally.retryReasons).map(([r, n]) => `${r}×${n}`).join(' ')})` : ''}; answers replayed ${tally.replayed}`,
          `  messages:  expected ${figures.messagesExpected}, stored ${figures.messagesStored} (${figures.internalNotes} internal notes)`,
          `  events:    expected ${figures.eventsExpected}, delivered ${figures.eventsDelivered} over ${sockets} live sockets`,
          `  problems:  ${figures.problems.length}${figures.problems.length ? `\n    ${figures.problems.slice(0, 20).join('\n    ')}` : ''}`,
        ].join('\n'),
      );
      expect(figures.problems).toEqual([]);
      expect(figures.messagesStored).toBe(figures.messagesExpected);
      expect(figures.eventsDelivered).toBe(figures.eventsExpected);
      expect(injected).toBeGreaterThan(0);
      expect(servers.serverErrors().filter((line) => /"level":"error"/.test(line))).toEqual([]);
      for (const person of [...run.customers, ...run.agents]) person.recorder.close();
    },
    // Typically well under a minute; the margin is for a machine busy with other suites.
    soak ? 900_000 : 240_000,
  );
});
