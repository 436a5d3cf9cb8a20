-- ticket_search (0019): each ticket's text-search document, kept beside the ticket instead of as
-- an expression index on it. The trigger writes it when a ticket is opened and when its title or
-- description changes, and at no other update: a reply's bump of the ticket (updated_at and the
-- summary columns, 0013) no longer tokenizes the description again nor adds GIN entries.
-- Users only read it (under its policies, as they read the ticket); the trigger is its one writer.
GRANT SELECT ON public.ticket_search TO authenticated;
--> statement-breakpoint
CREATE FUNCTION private.index_ticket_search() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.title = OLD.title AND NEW.description = OLD.description THEN
    RETURN NULL;
  END IF;
  INSERT INTO public.ticket_search (ticket_id, document)
  VALUES (NEW.id, pg_catalog.to_tsvector('simple'::regconfig, NEW.title || ' ' || NEW.description))
  ON CONFLICT (ticket_id) DO UPDATE SET document = EXCLUDED.document;
  RETURN NULL;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION private.index_ticket_search() FROM PUBLIC;
--> statement-breakpoint
CREATE TRIGGER tickets_index_search AFTER INSERT OR UPDATE OF title, description ON public.tickets
  FOR EACH ROW EXECUTE FUNCTION private.index_ticket_search();
--> statement-breakpoint
-- The tickets there are already.
INSERT INTO public.ticket_search (ticket_id, document)
SELECT t.id, pg_catalog.to_tsvector('simple'::regconfig, t.title || ' ' || t.description) FROM public.tickets t
ON CONFLICT (ticket_id) DO NOTHING;
