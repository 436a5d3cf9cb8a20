/**
 * EXPERIMENTAL changes to the event log's schema, for `npm run bench:live` only: proposals for a
 * migration, measured before anyone writes one. Nothing here is in db/migrations and no server
 * ever runs with it outside the bench. With BENCH_LIVE_EXPERIMENTAL_SQL=all (or a comma list of
 * the names below) the bench adds an "exp" phase (live on, this SQL applied) to its on/off
 * throughput runs; between phases it applies the SQL and puts back what the migrations made,
 * read from the database itself (pg_get_functiondef, pg_get_indexdef) when the bench starts.
 *
 * Each proposal keeps the log's promises: every change recorded in its transaction, positions
 * that only grow, and a reader below private.event_horizon() never passing an event that commits
 * later.
 */

export interface SchemaExperiment {
  name: string;
  /** What it changes and why it should cost writers less. */
  why: string;
  /** Functions it replaces (regprocedure text) and indexes it drops: restored afterwards. */
  replaces: { functions: string[]; indexes: string[] };
  /** Columns of public.tickets the SQL names, checked before it is applied. */
  needsTicketColumns?: string[];
  sql: string;
}

/**
 * None at present. The four measured here before (drop the unread created_at index, find a bare
 * activity bump by comparing rows, a shared position barrier, one sender look-up) shipped as
 * migrations 0014 and 0015. Add the next proposal here to measure it before writing its migration.
 */
export const schemaExperiments: SchemaExperiment[] = [];

/** The experiments BENCH_LIVE_EXPERIMENTAL_SQL names: `all`, or a comma list of names. */
export function experimentsFromEnv(value: string | undefined): SchemaExperiment[] {
  const text = value?.trim();
  if (!text || text === '0') return [];
  if (text === 'all' || text === '1') return schemaExperiments;
  return text.split(',').map((name) => {
    const experiment = schemaExperiments.find((e) => e.name === name.trim());
    if (!experiment) throw new Error(`BENCH_LIVE_EXPERIMENTAL_SQL: unknown experiment "${name.trim()}"; known: all, ${schemaExperiments.map((e) => e.name).join(', ')}`);
    return experiment;
  });
}
