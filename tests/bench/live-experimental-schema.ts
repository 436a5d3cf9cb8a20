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
  /** False for a probe that writes no event rows: its phase is not checked for deliveries. */
  recordsEvents?: false;
  /** Columns of public.tickets the SQL names, checked before it is applied. */
  needsTicketColumns?: string[];
  sql: string;
}

/**
 * Three measurement-only probes (they break the log or slow its readers; never a migration). The four measured here before (drop the unread created_at index, find a bare
 * activity bump by comparing rows, a shared position barrier, one sender look-up) shipped as
 * migrations 0014 and 0015. Add the next proposal here to measure it before writing its migration.
 */
export const schemaExperiments: SchemaExperiment[] = [
  {
    name: 'no-barrier-unsafe',
    why: 'MEASUREMENT ONLY, breaks the horizon: positions taken without the shared barrier, to see what the barrier costs writers',
    replaces: { functions: ['private.next_event_position()'], indexes: [] },
    sql: `
CREATE OR REPLACE FUNCTION private.next_event_position() RETURNS bigint
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  position bigint;
BEGIN
  IF nullif(pg_catalog.current_setting('ticket_widget.first_event_position', true), '') IS NOT NULL THEN
    RETURN pg_catalog.nextval('private.ticket_event_position_seq');
  END IF;
  position := pg_catalog.nextval('private.ticket_event_position_seq');
  PERFORM pg_catalog.pg_advisory_xact_lock(position);
  PERFORM pg_catalog.set_config('ticket_widget.first_event_position', position::text, true);
  RETURN position;
END
$$;`,
  },
  {
    name: 'no-event-row-unsafe',
    why: 'MEASUREMENT ONLY, records nothing: the triggers run and build their payloads, but no event row is written and no position taken',
    recordsEvents: false,
    replaces: { functions: ['private.record_event(uuid, uuid, text, boolean, jsonb)'], indexes: [] },
    sql: `
CREATE OR REPLACE FUNCTION private.record_event(ticket uuid, customer uuid, event_kind text, internal boolean, event_payload jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  RETURN;
END
$$;`,
  },
  {
    name: 'no-replay-index-unsafe',
    why: "MEASUREMENT ONLY, slows customers' replay: without the (customer_id, position) index, whose entries land all over the index, to see what it costs writers",
    replaces: { functions: [], indexes: ['public.ticket_events_customer_position_idx'] },
    sql: 'DROP INDEX public.ticket_events_customer_position_idx;',
  },
];

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
