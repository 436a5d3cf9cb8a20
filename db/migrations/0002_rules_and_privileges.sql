-- Custom SQL Drizzle cannot express: the seed's updated_at trigger, the triggers that close the
-- seed's holes where a policy alone cannot (timestamps, column-by-column update rules), the
-- status rules, and the privileges of the `authenticated` role.

-- The seed's trigger, as written there (plus an empty search_path).
CREATE FUNCTION public.update_updated_at() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  NEW.updated_at = now();
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER tickets_updated_at BEFORE UPDATE ON public.tickets
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at();
--> statement-breakpoint
CREATE TRIGGER ticket_metadata_updated_at BEFORE UPDATE ON public.ticket_metadata
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at();
--> statement-breakpoint
-- Timestamps are the server's: a user's insert may not backdate or postdate created_at or
-- updated_at (the defaults are now(), so a row that leaves them alone passes). The server's own
-- connection (demo seed, imports) is not `authenticated` and may.
CREATE FUNCTION private.refuse_client_timestamps() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
DECLARE
  row_json jsonb := pg_catalog.to_jsonb(NEW);
BEGIN
  IF current_user = 'authenticated' AND (
       (row_json ? 'created_at' AND (row_json ->> 'created_at')::timestamptz IS DISTINCT FROM now())
    OR (row_json ? 'updated_at' AND (row_json ->> 'updated_at')::timestamptz IS DISTINCT FROM now())
  ) THEN
    RAISE EXCEPTION 'created_at and updated_at are set by the database on %', TG_TABLE_NAME
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER tickets_refuse_client_timestamps BEFORE INSERT ON public.tickets
  FOR EACH ROW EXECUTE FUNCTION private.refuse_client_timestamps();
--> statement-breakpoint
CREATE TRIGGER ticket_messages_refuse_client_timestamps BEFORE INSERT ON public.ticket_messages
  FOR EACH ROW EXECUTE FUNCTION private.refuse_client_timestamps();
--> statement-breakpoint
CREATE TRIGGER ticket_metadata_refuse_client_timestamps BEFORE INSERT ON public.ticket_metadata
  FOR EACH ROW EXECUTE FUNCTION private.refuse_client_timestamps();
--> statement-breakpoint
CREATE TRIGGER ticket_tags_refuse_client_timestamps BEFORE INSERT ON public.ticket_tags
  FOR EACH ROW EXECUTE FUNCTION private.refuse_client_timestamps();
--> statement-breakpoint
CREATE TRIGGER ticket_tag_relations_refuse_client_timestamps BEFORE INSERT ON public.ticket_tag_relations
  FOR EACH ROW EXECUTE FUNCTION private.refuse_client_timestamps();
--> statement-breakpoint
CREATE TRIGGER team_members_refuse_client_timestamps BEFORE INSERT ON public.team_members
  FOR EACH ROW EXECUTE FUNCTION private.refuse_client_timestamps();
--> statement-breakpoint
-- A customer's new ticket gets its due date from the team's SLA, never from the customer.
CREATE FUNCTION private.refuse_customer_due_date() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  IF current_user = 'authenticated' AND NEW.due_date IS NOT NULL AND NOT private.is_team_member() THEN
    RAISE EXCEPTION 'customers cannot set a due date' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER tickets_refuse_customer_due_date BEFORE INSERT ON public.tickets
  FOR EACH ROW EXECUTE FUNCTION private.refuse_customer_due_date();
--> statement-breakpoint
-- "Customers can close their own tickets" lets a customer's update through only when the row
-- ends closed; this refuses any other column changing in the same statement.
CREATE FUNCTION private.guard_customer_ticket_update() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  IF current_user = 'authenticated' AND NOT private.is_team_member()
     AND (pg_catalog.to_jsonb(NEW) - 'status' - 'updated_at') IS DISTINCT FROM (pg_catalog.to_jsonb(OLD) - 'status' - 'updated_at') THEN
    RAISE EXCEPTION 'customers may only close their own tickets' USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
-- Same-event triggers fire in name order: guard, then status timestamps, then updated_at.
CREATE TRIGGER tickets_guard_customer_update BEFORE UPDATE ON public.tickets
  FOR EACH ROW EXECUTE FUNCTION private.guard_customer_ticket_update();
--> statement-breakpoint
-- Status rule: resolved_at follows status `resolved`. Entering resolved stamps it; going back
-- to an active status clears it; closing keeps whatever it was.
CREATE FUNCTION private.track_resolved_at() RETURNS trigger
LANGUAGE plpgsql SET search_path = '' AS $$
BEGIN
  IF NEW.status = 'resolved' AND (TG_OP = 'INSERT' OR OLD.status IS DISTINCT FROM 'resolved') THEN
    NEW.resolved_at := coalesce(CASE WHEN TG_OP = 'INSERT' THEN NEW.resolved_at END, now());
  ELSIF NEW.status IN ('open', 'in_progress', 'waiting_on_customer') THEN
    NEW.resolved_at := NULL;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER tickets_status_timestamps BEFORE INSERT OR UPDATE OF status ON public.tickets
  FOR EACH ROW EXECUTE FUNCTION private.track_resolved_at();
--> statement-breakpoint
-- Status rules driven by messages: the first public team reply stamps first_response_at; a
-- customer's reply on a ticket waiting on them, or resolved, reopens it; any public message
-- counts as activity (updated_at). Internal notes change nothing a customer could see.
-- Security definer: the customer who replies may not update the ticket themselves.
CREATE FUNCTION private.apply_message_status_rules() RETURNS trigger
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
      ELSE t.status END
  WHERE t.id = NEW.ticket_id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER ticket_messages_status_rules AFTER INSERT ON public.ticket_messages
  FOR EACH ROW EXECUTE FUNCTION private.apply_message_status_rules();
--> statement-breakpoint
REVOKE ALL ON FUNCTION private.refuse_client_timestamps(), private.refuse_customer_due_date(),
  private.guard_customer_ticket_update(), private.track_resolved_at(),
  private.apply_message_status_rules() FROM PUBLIC;
--> statement-breakpoint
-- Privileges: table-level where every column is the user's to name (Drizzle lists every column
-- in an insert), column-level updates so ids, owners and timestamps can never be rewritten.
GRANT USAGE ON SCHEMA public TO authenticated;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON public.tickets, public.ticket_messages, public.ticket_tags,
  public.ticket_tag_relations, public.ticket_metadata, public.team_members TO authenticated;
--> statement-breakpoint
GRANT UPDATE (title, description, status, priority, assigned_to, due_date) ON public.tickets TO authenticated;
--> statement-breakpoint
GRANT UPDATE (message, is_internal, attachments) ON public.ticket_messages TO authenticated;
--> statement-breakpoint
GRANT UPDATE (name, description, color) ON public.ticket_tags TO authenticated;
--> statement-breakpoint
GRANT UPDATE (value) ON public.ticket_metadata TO authenticated;
--> statement-breakpoint
GRANT UPDATE (display_name, role) ON public.team_members TO authenticated;
--> statement-breakpoint
-- The user directory: a user sees their own row, the team sees everyone, nobody writes it
-- through the API's role (the server's own connection creates users on first sight).
-- Only where these migrations created auth.users; Supabase keeps its own rules for its table.
DO $$
BEGIN
  IF (SELECT tableowner FROM pg_catalog.pg_tables WHERE schemaname = 'auth' AND tablename = 'users') = current_user THEN
    ALTER TABLE auth.users ENABLE ROW LEVEL SECURITY;
    CREATE POLICY "Users can view their own profile" ON auth.users AS PERMISSIVE FOR SELECT TO authenticated
      USING (id = (SELECT auth.uid()));
    CREATE POLICY "Team members can view all users" ON auth.users AS PERMISSIVE FOR SELECT TO authenticated
      USING ((SELECT private.is_team_member()));
    GRANT SELECT ON auth.users TO authenticated;
  END IF;
END
$$;
