-- The ticket's tags kept on its row (tickets.tags, added by 0017), so a list reads them with the
-- ticket instead of a correlated sub-select over ticket_tag_relations and ticket_tags per listed
-- ticket (bench:api: a third of the list's time in PostgreSQL). Maintained in the transaction of
-- every tagging, untagging, and rename or recolour of a tag. What the column shows is what the
-- sub-select showed: every tag of the ticket, as {id, name, color}, ordered by name; readable by
-- whoever may read the ticket, as the relations and the tags were. Tagging is not an update of
-- the ticket: updated_at stays, and the tag's own event (tag.added, tag.removed) tells it.

-- A ticket's tags as lists show them.
CREATE FUNCTION private.ticket_tag_list(ticket uuid) RETURNS jsonb
LANGUAGE sql STABLE SET search_path = '' AS $$
  SELECT coalesce(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('id', g.id, 'name', g.name, 'color', g.color) ORDER BY g.name, g.id), '[]'::jsonb)
  FROM public.ticket_tag_relations r JOIN public.ticket_tags g ON g.id = r.tag_id
  WHERE r.ticket_id = ticket
$$;
--> statement-breakpoint
-- Writes only when the list changed. Security definer: the team tags tickets, but only the
-- database writes the column (authenticated has no grant on it).
CREATE FUNCTION private.refresh_ticket_tags(ticket uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  list jsonb := private.ticket_tag_list(ticket);
BEGIN
  UPDATE public.tickets t SET tags = list WHERE t.id = ticket AND t.tags IS DISTINCT FROM list;
END
$$;
--> statement-breakpoint
CREATE FUNCTION private.refresh_ticket_tags_after_relation_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM private.refresh_ticket_tags(NEW.ticket_id);
    RETURN NULL;
  END IF;
  PERFORM private.refresh_ticket_tags(OLD.ticket_id);
  IF TG_OP = 'UPDATE' AND NEW.ticket_id IS DISTINCT FROM OLD.ticket_id THEN
    PERFORM private.refresh_ticket_tags(NEW.ticket_id);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER ticket_tag_relations_refresh_ticket_tags AFTER INSERT OR UPDATE OR DELETE ON public.ticket_tag_relations
  FOR EACH ROW EXECUTE FUNCTION private.refresh_ticket_tags_after_relation_change();
--> statement-breakpoint
-- A renamed or recoloured tag, on every ticket that has it.
CREATE FUNCTION private.refresh_tagged_tickets() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  UPDATE public.tickets t SET tags = private.ticket_tag_list(t.id)
  WHERE t.id IN (SELECT r.ticket_id FROM public.ticket_tag_relations r WHERE r.tag_id = NEW.id);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER ticket_tags_refresh_tagged_tickets AFTER UPDATE OF name, color ON public.ticket_tags
  FOR EACH ROW WHEN ((NEW.name, NEW.color) IS DISTINCT FROM (OLD.name, OLD.color))
  EXECUTE FUNCTION private.refresh_tagged_tickets();
--> statement-breakpoint
-- An update that changes only the tags leaves updated_at as it was. BEFORE triggers fire in name
-- order, so this one runs right after the seed's tickets_updated_at has stamped now().
CREATE FUNCTION private.keep_updated_at_when_only_tags_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  rest public.tickets;
BEGIN
  rest := NEW;
  rest.tags := OLD.tags;
  rest.updated_at := OLD.updated_at;
  IF rest IS NOT DISTINCT FROM OLD THEN
    NEW.updated_at := OLD.updated_at;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER tickets_updated_at_not_for_tags BEFORE UPDATE ON public.tickets
  FOR EACH ROW WHEN (NEW.tags IS DISTINCT FROM OLD.tags)
  EXECUTE FUNCTION private.keep_updated_at_when_only_tags_change();
--> statement-breakpoint
-- A new ticket has no tags yet, whatever its insert says (with 0013's figures).
CREATE OR REPLACE FUNCTION private.start_ticket_summary() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  NEW.message_count := 0;
  NEW.last_message := NULL;
  NEW.tags := '[]'::jsonb;
  RETURN NEW;
END
$$;
--> statement-breakpoint
-- The event log (0015's function): the tags column is told by the tag's own events, never as a
-- ticket.updated.
CREATE OR REPLACE FUNCTION private.record_ticket_event() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  changed text[];
  bumped public.tickets;
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM private.record_event(NEW.id, NEW.customer_id, 'ticket.created', false,
      pg_catalog.jsonb_build_object('ticket', private.ticket_json(NEW)));
    RETURN NULL;
  END IF;
  bumped := OLD;
  bumped.updated_at := NEW.updated_at;
  bumped.message_count := NEW.message_count;
  bumped.last_message := NEW.last_message;
  bumped.tags := NEW.tags;
  IF NEW IS NOT DISTINCT FROM bumped THEN
    RETURN NULL;
  END IF;
  SELECT pg_catalog.array_agg(n.key ORDER BY n.key) INTO changed
  FROM pg_catalog.jsonb_each(pg_catalog.to_jsonb(NEW)) n
  JOIN pg_catalog.jsonb_each(pg_catalog.to_jsonb(OLD)) o ON o.key = n.key
  WHERE n.value IS DISTINCT FROM o.value AND n.key NOT IN ('updated_at', 'message_count', 'last_message', 'tags');
  IF changed IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM private.record_event(NEW.id, NEW.customer_id, 'ticket.updated', false,
    pg_catalog.jsonb_build_object('ticket', private.ticket_json(NEW), 'changed', pg_catalog.to_jsonb(changed)));
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- 0013's rebuild of every ticket's figures, now with its tags: for this migration's backfill and
-- for bulk loads that skipped the triggers (the benchmarks' seeds).
CREATE OR REPLACE FUNCTION private.refresh_all_ticket_summaries() RETURNS void
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  ALTER TABLE public.tickets DISABLE TRIGGER USER;
  UPDATE public.tickets t SET message_count = coalesce(s.public_count, 0), last_message = s.newest, tags = coalesce(g.tags, '[]'::jsonb)
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
  LEFT JOIN (
    SELECT r.ticket_id, pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object('id', tg.id, 'name', tg.name, 'color', tg.color) ORDER BY tg.name, tg.id) AS tags
    FROM public.ticket_tag_relations r JOIN public.ticket_tags tg ON tg.id = r.tag_id
    GROUP BY r.ticket_id
  ) g ON g.ticket_id = k.id
  WHERE t.id = k.id
    AND (t.message_count, t.last_message, t.tags) IS DISTINCT FROM (coalesce(s.public_count, 0), s.newest, coalesce(g.tags, '[]'::jsonb));
  ALTER TABLE public.tickets ENABLE TRIGGER USER;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION private.ticket_tag_list(uuid), private.refresh_ticket_tags(uuid), private.refresh_ticket_tags_after_relation_change(),
  private.refresh_tagged_tickets(), private.keep_updated_at_when_only_tags_change() FROM PUBLIC;
--> statement-breakpoint
SELECT private.refresh_all_ticket_summaries();
