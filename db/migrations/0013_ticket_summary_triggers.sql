-- The ticket summary's public-thread figures (tickets.message_count, tickets.last_message, added
-- by 0012) kept on the ticket row, so a list reads them with the ticket instead of two correlated
-- sub-selects over the thread per listed ticket. Maintained in the transaction of every message
-- insert (in the status rules' one UPDATE of the ticket, no second write), update and delete.
-- Public messages only: the row is the customer's to read, so an internal note never shows up
-- in either column, and internal notes still change nothing a customer could see.

-- What a list shows of a message: the first 160 characters, who sent it, when.
CREATE FUNCTION private.message_summary(m public.ticket_messages, from_team boolean) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT pg_catalog.jsonb_build_object('id', m.id, 'preview', pg_catalog."left"(m.message, 160), 'senderId', m.sender_id,
    'fromTeam', from_team, 'createdAt', m.created_at)
$$;
--> statement-breakpoint
-- The status rules (0002), plus the summary: one more public message, and the newest one if it
-- is newer (by created_at, then id: the thread's order) than the one kept. Concurrent replies
-- serialize on the ticket row, and each re-reads the row it updates, so neither is lost.
CREATE OR REPLACE FUNCTION private.apply_message_status_rules() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  from_team boolean;
BEGIN
  IF NEW.is_internal THEN
    RETURN NULL;
  END IF;
  from_team := EXISTS (SELECT 1 FROM public.team_members m WHERE m.id = NEW.sender_id);
  UPDATE public.tickets t SET
    first_response_at = CASE WHEN from_team AND t.first_response_at IS NULL THEN NEW.created_at ELSE t.first_response_at END,
    status = CASE
      WHEN NOT from_team AND t.customer_id = NEW.sender_id AND t.status IN ('waiting_on_customer', 'resolved') THEN 'open'::public.ticket_status
      ELSE t.status END,
    message_count = t.message_count + 1,
    last_message = CASE
      WHEN t.last_message IS NULL
        OR (NEW.created_at, NEW.id) > ((t.last_message ->> 'createdAt')::timestamptz, (t.last_message ->> 'id')::uuid)
      THEN private.message_summary(NEW, from_team)
      ELSE t.last_message END
  WHERE t.id = NEW.ticket_id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- Counted again from the thread: after an edit, a note made public or a message made internal,
-- a move or a delete. Writes only when something changed.
CREATE FUNCTION private.refresh_ticket_summary(ticket uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  public_count integer;
  newest jsonb;
BEGIN
  SELECT pg_catalog.count(*)::integer INTO public_count FROM public.ticket_messages m WHERE m.ticket_id = ticket AND NOT m.is_internal;
  SELECT private.message_summary(m, EXISTS (SELECT 1 FROM public.team_members tm WHERE tm.id = m.sender_id)) INTO newest
  FROM public.ticket_messages m
  WHERE m.ticket_id = ticket AND NOT m.is_internal
  ORDER BY m.created_at DESC, m.id DESC
  LIMIT 1;
  UPDATE public.tickets t SET message_count = public_count, last_message = newest
  WHERE t.id = ticket AND (t.message_count, t.last_message) IS DISTINCT FROM (public_count, newest);
END
$$;
--> statement-breakpoint
CREATE FUNCTION private.refresh_ticket_summary_after_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF NOT OLD.is_internal THEN
      PERFORM private.refresh_ticket_summary(OLD.ticket_id);
    END IF;
    RETURN NULL;
  END IF;
  -- A note that stays a note changes nothing the summary shows.
  IF OLD.is_internal AND NEW.is_internal THEN
    RETURN NULL;
  END IF;
  IF (NEW.ticket_id, NEW.message, NEW.is_internal, NEW.created_at) IS NOT DISTINCT FROM (OLD.ticket_id, OLD.message, OLD.is_internal, OLD.created_at) THEN
    RETURN NULL;
  END IF;
  PERFORM private.refresh_ticket_summary(NEW.ticket_id);
  IF NEW.ticket_id IS DISTINCT FROM OLD.ticket_id THEN
    PERFORM private.refresh_ticket_summary(OLD.ticket_id);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER ticket_messages_refresh_summary AFTER UPDATE OF ticket_id, message, is_internal, created_at OR DELETE ON public.ticket_messages
  FOR EACH ROW EXECUTE FUNCTION private.refresh_ticket_summary_after_change();
--> statement-breakpoint
-- A new ticket has no messages yet, whatever its insert says: nobody can forge the figures.
CREATE FUNCTION private.start_ticket_summary() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  NEW.message_count := 0;
  NEW.last_message := NULL;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER tickets_start_summary BEFORE INSERT ON public.tickets
  FOR EACH ROW EXECUTE FUNCTION private.start_ticket_summary();
--> statement-breakpoint
-- The event log (0006) tells the summary's changes through the message's own event, not as a
-- ticket.updated: the same function, with the summary columns left out of what "changed".
CREATE OR REPLACE FUNCTION private.record_ticket_event() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  changed text[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM private.record_event(NEW.id, NEW.customer_id, 'ticket.created', false,
      pg_catalog.jsonb_build_object('ticket', private.ticket_json(NEW)));
    RETURN NULL;
  END IF;
  SELECT pg_catalog.array_agg(n.key ORDER BY n.key) INTO changed
  FROM pg_catalog.jsonb_each(pg_catalog.to_jsonb(NEW)) n
  JOIN pg_catalog.jsonb_each(pg_catalog.to_jsonb(OLD)) o ON o.key = n.key
  WHERE n.value IS DISTINCT FROM o.value AND n.key NOT IN ('updated_at', 'message_count', 'last_message');
  -- A bare activity bump (a public message arrived) is told by the message's own event.
  IF changed IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM private.record_event(NEW.id, NEW.customer_id, 'ticket.updated', false,
    pg_catalog.jsonb_build_object('ticket', private.ticket_json(NEW), 'changed', pg_catalog.to_jsonb(changed)));
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- Every ticket's figures counted from its thread, in one pass: for this migration's backfill and
-- for bulk loads that skipped the message triggers (the benchmarks' seeds). The ticket triggers
-- are off meanwhile, so updated_at keeps its value and no event is recorded; ALTER TABLE holds
-- the table's exclusive lock until the calling transaction ends.
CREATE FUNCTION private.refresh_all_ticket_summaries() RETURNS void
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  ALTER TABLE public.tickets DISABLE TRIGGER USER;
  UPDATE public.tickets t SET message_count = coalesce(s.public_count, 0), last_message = s.newest
  FROM public.tickets k
  LEFT JOIN (
    SELECT c.ticket_id, c.public_count, n.newest
    FROM (SELECT m.ticket_id, pg_catalog.count(*)::integer AS public_count FROM public.ticket_messages m WHERE NOT m.is_internal GROUP BY m.ticket_id) c
    JOIN (
      SELECT DISTINCT ON (m.ticket_id) m.ticket_id,
        private.message_summary(m, EXISTS (SELECT 1 FROM public.team_members tm WHERE tm.id = m.sender_id)) AS newest
      FROM public.ticket_messages m
      WHERE NOT m.is_internal
      ORDER BY m.ticket_id, m.created_at DESC, m.id DESC
    ) n ON n.ticket_id = c.ticket_id
  ) s ON s.ticket_id = k.id
  WHERE t.id = k.id AND (t.message_count, t.last_message) IS DISTINCT FROM (coalesce(s.public_count, 0), s.newest);
  ALTER TABLE public.tickets ENABLE TRIGGER USER;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION private.message_summary(public.ticket_messages, boolean), private.refresh_ticket_summary(uuid),
  private.refresh_ticket_summary_after_change(), private.start_ticket_summary(), private.refresh_all_ticket_summaries() FROM PUBLIC;
--> statement-breakpoint
SELECT private.refresh_all_ticket_summaries();
