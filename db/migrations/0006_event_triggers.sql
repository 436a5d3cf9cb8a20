-- The event log's writers: triggers that record every change a client may need in the same
-- transaction as the change. No NOTIFY here: NOTIFY takes a cluster-wide lock at commit and
-- would serialize every writing transaction; the servers ring their own doorbell after commit
-- (server/live/doorbell.ts).
GRANT SELECT ON public.ticket_events TO authenticated;
--> statement-breakpoint
-- Positions come from one sequence. The first event of a transaction takes its position inside
-- a short critical section (a session advisory lock held for microseconds, not until commit)
-- and keeps an advisory lock on that position until the transaction ends. A reader computes its
-- horizon in the same critical section (private.event_horizon): below the smallest position
-- still locked, or below the next unallocated one, every event is committed or rolled back for
-- good, so a reader never passes an event that commits later. Two-key advisory locks (objsubid 2)
-- are the mutex; one-key locks (objsubid 1) are the positions of open writers.
CREATE SEQUENCE private.ticket_event_position_seq;
--> statement-breakpoint
CREATE FUNCTION private.next_event_position() RETURNS bigint
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  position bigint;
BEGIN
  IF nullif(pg_catalog.current_setting('ticket_widget.first_event_position', true), '') IS NOT NULL THEN
    RETURN pg_catalog.nextval('private.ticket_event_position_seq');
  END IF;
  PERFORM pg_catalog.pg_advisory_lock(1952671094, 1);
  BEGIN
    position := pg_catalog.nextval('private.ticket_event_position_seq');
    PERFORM pg_catalog.pg_advisory_xact_lock(position);
  EXCEPTION WHEN OTHERS THEN
    PERFORM pg_catalog.pg_advisory_unlock(1952671094, 1);
    RAISE;
  END;
  PERFORM pg_catalog.pg_advisory_unlock(1952671094, 1);
  PERFORM pg_catalog.set_config('ticket_widget.first_event_position', position::text, true);
  RETURN position;
END
$$;
--> statement-breakpoint
CREATE FUNCTION private.record_event(ticket uuid, customer uuid, event_kind text, internal boolean, event_payload jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  INSERT INTO public.ticket_events (position, ticket_id, customer_id, kind, is_internal, payload)
  VALUES (private.next_event_position(), ticket, customer, event_kind, internal, event_payload);
END
$$;
--> statement-breakpoint
CREATE FUNCTION private.ticket_json(t public.tickets) RETURNS jsonb
LANGUAGE sql IMMUTABLE SET search_path = '' AS $$
  SELECT pg_catalog.jsonb_build_object(
    'id', t.id, 'title', t.title, 'status', t.status, 'priority', t.priority,
    'customerId', t.customer_id, 'assigneeId', t.assigned_to,
    'createdAt', t.created_at, 'updatedAt', t.updated_at, 'resolvedAt', t.resolved_at,
    'firstResponseAt', t.first_response_at, 'dueDate', t.due_date)
$$;
--> statement-breakpoint
CREATE FUNCTION private.record_ticket_event() RETURNS trigger
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
  WHERE n.value IS DISTINCT FROM o.value AND n.key <> 'updated_at';
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
CREATE TRIGGER tickets_record_event AFTER INSERT OR UPDATE ON public.tickets
  FOR EACH ROW EXECUTE FUNCTION private.record_ticket_event();
--> statement-breakpoint
CREATE FUNCTION private.record_message_event() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  customer uuid;
BEGIN
  SELECT t.customer_id INTO customer FROM public.tickets t WHERE t.id = NEW.ticket_id;
  PERFORM private.record_event(NEW.ticket_id, customer, 'message.created', NEW.is_internal,
    pg_catalog.jsonb_build_object('message', pg_catalog.jsonb_build_object(
      'id', NEW.id, 'ticketId', NEW.ticket_id, 'senderId', NEW.sender_id,
      'fromTeam', EXISTS (SELECT 1 FROM public.team_members m WHERE m.id = NEW.sender_id),
      'senderName', coalesce((SELECT m.display_name FROM public.team_members m WHERE m.id = NEW.sender_id), (SELECT u.name FROM auth.users u WHERE u.id = NEW.sender_id)),
      'message', NEW.message, 'isInternal', NEW.is_internal, 'createdAt', NEW.created_at,
      'attachments', coalesce(NEW.attachments, '[]'::jsonb))));
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER ticket_messages_record_event AFTER INSERT ON public.ticket_messages
  FOR EACH ROW EXECUTE FUNCTION private.record_message_event();
--> statement-breakpoint
CREATE FUNCTION private.record_tag_event() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  relation public.ticket_tag_relations := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  customer uuid;
  tag jsonb;
BEGIN
  SELECT t.customer_id INTO customer FROM public.tickets t WHERE t.id = relation.ticket_id;
  IF customer IS NULL THEN
    RETURN NULL; -- the ticket itself is being deleted
  END IF;
  SELECT pg_catalog.jsonb_build_object('id', g.id, 'name', g.name, 'color', g.color) INTO tag FROM public.ticket_tags g WHERE g.id = relation.tag_id;
  PERFORM private.record_event(relation.ticket_id, customer, CASE WHEN TG_OP = 'DELETE' THEN 'tag.removed' ELSE 'tag.added' END, false,
    pg_catalog.jsonb_build_object('ticketId', relation.ticket_id, 'tag', coalesce(tag, pg_catalog.jsonb_build_object('id', relation.tag_id))));
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER ticket_tag_relations_record_event AFTER INSERT OR DELETE ON public.ticket_tag_relations
  FOR EACH ROW EXECUTE FUNCTION private.record_tag_event();
--> statement-breakpoint
CREATE FUNCTION private.record_metadata_event() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  entry public.ticket_metadata := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  customer uuid;
BEGIN
  SELECT t.customer_id INTO customer FROM public.tickets t WHERE t.id = entry.ticket_id;
  IF customer IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM private.record_event(entry.ticket_id, customer, 'metadata.changed', false,
    pg_catalog.jsonb_build_object('ticketId', entry.ticket_id, 'key', entry.key,
      'value', CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE entry.value END, 'deleted', TG_OP = 'DELETE'));
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER ticket_metadata_record_event AFTER INSERT OR UPDATE OR DELETE ON public.ticket_metadata
  FOR EACH ROW EXECUTE FUNCTION private.record_metadata_event();
--> statement-breakpoint
REVOKE ALL ON FUNCTION private.next_event_position(), private.record_event(uuid, uuid, text, boolean, jsonb),
  private.ticket_json(public.tickets), private.record_ticket_event(), private.record_message_event(),
  private.record_tag_event(), private.record_metadata_event() FROM PUBLIC;
--> statement-breakpoint
-- The readers' horizon: every event below it has finished (committed or rolled back).
CREATE FUNCTION private.event_horizon() RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  horizon bigint;
  oldest_open bigint;
BEGIN
  PERFORM pg_catalog.pg_advisory_lock(1952671094, 1);
  BEGIN
    SELECT CASE WHEN s.is_called THEN s.last_value + 1 ELSE s.last_value END INTO horizon FROM private.ticket_event_position_seq s;
    SELECT min((l.classid::bigint << 32) | l.objid::bigint) INTO oldest_open
    FROM pg_catalog.pg_locks l
    WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.granted
      AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database());
  EXCEPTION WHEN OTHERS THEN
    PERFORM pg_catalog.pg_advisory_unlock(1952671094, 1);
    RAISE;
  END;
  PERFORM pg_catalog.pg_advisory_unlock(1952671094, 1);
  RETURN least(horizon, coalesce(oldest_open, horizon));
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION private.event_horizon() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION private.event_horizon() TO authenticated;
