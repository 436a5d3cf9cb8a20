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

/** The two-key advisory lock 0006 uses as the positions' critical section. */
const barrierKey = '1952671094, 1';

export const schemaExperiments: SchemaExperiment[] = [
  {
    name: 'drop-created-index',
    why: 'ticket_events_created_idx is read by no query (the hub, the replay and the RLS policies go by position and customer_id): one index insert less per event',
    replaces: { functions: [], indexes: ['public.ticket_events_created_idx'] },
    sql: 'DROP INDEX IF EXISTS public.ticket_events_created_idx;',
  },
  {
    name: 'cheap-activity-bump',
    why: 'every public message updates its ticket (updated_at, the summary columns): the ticket trigger finds "nothing a client needs changed" by comparing the two rows, instead of building both as jsonb and joining their keys',
    replaces: { functions: ['private.record_ticket_event()'], indexes: [] },
    needsTicketColumns: ['message_count', 'last_message'],
    sql: `
CREATE OR REPLACE FUNCTION private.record_ticket_event() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  changed text[];
  unchanged public.tickets;
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM private.record_event(NEW.id, NEW.customer_id, 'ticket.created', false,
      pg_catalog.jsonb_build_object('ticket', private.ticket_json(NEW)));
    RETURN NULL;
  END IF;
  -- A bare activity bump (a public message arrived: updated_at and the summary moved) is told by
  -- the message's own event. Found by comparing rows, before any JSON is built.
  unchanged := OLD;
  unchanged.updated_at := NEW.updated_at;
  unchanged.message_count := NEW.message_count;
  unchanged.last_message := NEW.last_message;
  IF NEW IS NOT DISTINCT FROM unchanged THEN
    RETURN NULL;
  END IF;
  SELECT pg_catalog.array_agg(n.key ORDER BY n.key) INTO changed
  FROM pg_catalog.jsonb_each(pg_catalog.to_jsonb(NEW)) n
  JOIN pg_catalog.jsonb_each(pg_catalog.to_jsonb(OLD)) o ON o.key = n.key
  WHERE n.value IS DISTINCT FROM o.value AND n.key NOT IN ('updated_at', 'message_count', 'last_message');
  IF changed IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM private.record_event(NEW.id, NEW.customer_id, 'ticket.updated', false,
    pg_catalog.jsonb_build_object('ticket', private.ticket_json(NEW), 'changed', pg_catalog.to_jsonb(changed)));
  RETURN NULL;
END
$$;`,
  },
  {
    name: 'shared-position-barrier',
    why:
      'writers take the critical section in SHARE mode (they never wait for one another, only for a reader), and the reader holds it EXCLUSIVE only to read the sequence, then scans pg_locks outside it: ' +
      'every position up to what it read was allocated and locked inside the section, so a writer still open is in pg_locks',
    replaces: { functions: ['private.next_event_position()', 'private.event_horizon()'], indexes: [] },
    sql: `
CREATE OR REPLACE FUNCTION private.next_event_position() RETURNS bigint
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  position bigint;
BEGIN
  IF nullif(pg_catalog.current_setting('ticket_widget.first_event_position', true), '') IS NOT NULL THEN
    RETURN pg_catalog.nextval('private.ticket_event_position_seq');
  END IF;
  PERFORM pg_catalog.pg_advisory_lock_shared(${barrierKey});
  BEGIN
    position := pg_catalog.nextval('private.ticket_event_position_seq');
    PERFORM pg_catalog.pg_advisory_xact_lock(position);
  EXCEPTION WHEN OTHERS THEN
    PERFORM pg_catalog.pg_advisory_unlock_shared(${barrierKey});
    RAISE;
  END;
  PERFORM pg_catalog.pg_advisory_unlock_shared(${barrierKey});
  PERFORM pg_catalog.set_config('ticket_widget.first_event_position', position::text, true);
  RETURN position;
END
$$;
CREATE OR REPLACE FUNCTION private.event_horizon() RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  horizon bigint;
  oldest_open bigint;
BEGIN
  PERFORM pg_catalog.pg_advisory_lock(${barrierKey});
  BEGIN
    SELECT CASE WHEN s.is_called THEN s.last_value + 1 ELSE s.last_value END INTO horizon FROM private.ticket_event_position_seq s;
  EXCEPTION WHEN OTHERS THEN
    PERFORM pg_catalog.pg_advisory_unlock(${barrierKey});
    RAISE;
  END;
  PERFORM pg_catalog.pg_advisory_unlock(${barrierKey});
  SELECT min((l.classid::bigint << 32) | l.objid::bigint) INTO oldest_open
  FROM pg_catalog.pg_locks l
  WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted
    AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database());
  RETURN least(horizon, coalesce(oldest_open, horizon));
END
$$;`,
  },
  {
    name: 'one-sender-lookup',
    why: 'the message event looks the sender up once in team_members (and in auth.users only when that gives no name) instead of three look-ups',
    replaces: { functions: ['private.record_message_event()'], indexes: [] },
    sql: `
CREATE OR REPLACE FUNCTION private.record_message_event() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  customer uuid;
  from_team boolean;
  sender_name text;
BEGIN
  SELECT t.customer_id INTO customer FROM public.tickets t WHERE t.id = NEW.ticket_id;
  SELECT m.display_name INTO sender_name FROM public.team_members m WHERE m.id = NEW.sender_id;
  from_team := FOUND;
  IF sender_name IS NULL THEN
    SELECT u.name INTO sender_name FROM auth.users u WHERE u.id = NEW.sender_id;
  END IF;
  PERFORM private.record_event(NEW.ticket_id, customer, 'message.created', NEW.is_internal,
    pg_catalog.jsonb_build_object('message', pg_catalog.jsonb_build_object(
      'id', NEW.id, 'ticketId', NEW.ticket_id, 'senderId', NEW.sender_id,
      'fromTeam', from_team, 'senderName', sender_name,
      'message', NEW.message, 'isInternal', NEW.is_internal, 'createdAt', NEW.created_at,
      'attachments', coalesce(NEW.attachments, '[]'::jsonb))));
  RETURN NULL;
END
$$;`,
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
