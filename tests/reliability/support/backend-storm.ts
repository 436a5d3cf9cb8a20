/**
 * A storm of `pg_terminate_backend` on the server's connections while they are inside a
 * transaction. A request's transaction can last well under a millisecond (a pipelined read),
 * so a killer that only looked now and then could miss every one of them: this one looks
 * every couple of milliseconds until it finds a victim, and rests after each kill so the
 * clients can still make progress between kills.
 */
import type postgres from 'postgres';

export interface BackendStorm {
  /** How many backends were terminated so far. */
  readonly kills: number;
  /** Stops looking and resolves once the storm is over. */
  stop(): Promise<void>;
}

export interface BackendStormOptions {
  /** The storm ends by itself after this many kills. */
  maxKills: number;
  /** The pause after each kill: a random length between these bounds, in milliseconds. */
  restMs: [number, number];
}

const pollMs = 2;

export function startBackendStorm(admin: postgres.Sql, options: BackendStormOptions): BackendStorm {
  let over = false;
  let kills = 0;
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const done = (async () => {
    while (!over && kills < options.maxKills) {
      const [victim] = await admin<{ pid: number }[]>`
        select pid from pg_stat_activity
        where application_name = 'ticket-widget' and xact_start is not null and pid <> pg_backend_pid()
        order by random() limit 1`;
      if (!victim) {
        await pause(pollMs);
        continue;
      }
      const [terminated] = await admin<{ done: boolean }[]>`select pg_terminate_backend(${victim.pid}) as done`;
      if (terminated?.done) kills += 1;
      const [least, most] = options.restMs;
      await pause(least + Math.random() * (most - least));
    }
  })();
  return {
    get kills() {
      return kills;
    },
    async stop() {
      over = true;
      await done;
    },
  };
}
