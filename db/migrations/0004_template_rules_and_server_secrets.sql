-- Custom SQL for migration 0003's tables: privileges, timestamps, the SLA due date, applying a
-- template's tags, and the server's private tables (agent credentials, signing secrets), which
-- the `authenticated` role can neither see nor touch.
GRANT SELECT, INSERT, DELETE ON public.ticket_templates TO authenticated;
--> statement-breakpoint
GRANT UPDATE (name, description, fields, default_priority, default_tag_ids) ON public.ticket_templates TO authenticated;
--> statement-breakpoint
GRANT SELECT, INSERT ON public.idempotency_keys TO authenticated;
--> statement-breakpoint
GRANT UPDATE (response_status, response_body) ON public.idempotency_keys TO authenticated;
--> statement-breakpoint
GRANT SELECT ON public.sla_targets TO authenticated;
--> statement-breakpoint
CREATE TRIGGER ticket_templates_updated_at BEFORE UPDATE ON public.ticket_templates
  FOR EACH ROW EXECUTE FUNCTION public.update_updated_at();
--> statement-breakpoint
CREATE TRIGGER ticket_templates_refuse_client_timestamps BEFORE INSERT ON public.ticket_templates
  FOR EACH ROW EXECUTE FUNCTION private.refuse_client_timestamps();
--> statement-breakpoint
CREATE TRIGGER idempotency_keys_refuse_client_timestamps BEFORE INSERT ON public.idempotency_keys
  FOR EACH ROW EXECUTE FUNCTION private.refuse_client_timestamps();
--> statement-breakpoint
-- Status rule: due_date defaults from the SLA of the ticket's priority. Fires after
-- tickets_refuse_customer_due_date (name order), so a customer's own due date is refused first.
CREATE FUNCTION private.default_due_date() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  hours integer;
BEGIN
  IF NEW.due_date IS NULL THEN
    SELECT s.resolution_hours INTO hours FROM public.sla_targets s WHERE s.priority = NEW.priority;
    IF FOUND THEN
      NEW.due_date := NEW.created_at + pg_catalog.make_interval(hours => hours);
    END IF;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER tickets_sla_due_date BEFORE INSERT ON public.tickets
  FOR EACH ROW EXECUTE FUNCTION private.default_due_date();
--> statement-breakpoint
-- A customer may not tag tickets, but a template's default tags apply to the ticket opened
-- from it: by the team on any ticket, by a customer only on the ticket they are opening now.
CREATE FUNCTION private.apply_template_tags(target_ticket uuid, template uuid) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  applied integer;
BEGIN
  IF NOT private.is_team_member() AND NOT EXISTS (
    SELECT 1 FROM public.tickets t WHERE t.id = target_ticket AND t.customer_id = auth.uid() AND t.created_at = now()
  ) THEN
    RAISE EXCEPTION 'template tags apply only to the ticket being opened' USING ERRCODE = 'insufficient_privilege';
  END IF;
  INSERT INTO public.ticket_tag_relations (ticket_id, tag_id)
    SELECT target_ticket, tag.id
    FROM public.ticket_templates tpl
    JOIN public.ticket_tags tag ON tag.id = ANY (tpl.default_tag_ids)
    WHERE tpl.id = template
  ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS applied = ROW_COUNT;
  RETURN applied;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION private.default_due_date(), private.apply_template_tags(uuid, uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION private.apply_template_tags(uuid, uuid) TO authenticated;
--> statement-breakpoint
-- Agents' passwords (scrypt, see server/auth/passwords.ts). Only the server's own connection reads it.
CREATE TABLE private.agent_credentials (
  user_id uuid PRIMARY KEY REFERENCES auth.users (id) ON DELETE CASCADE,
  password_hash text NOT NULL,
  updated_at timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- Secrets every instance must share (the key that signs guest and agent sessions), generated
-- once by whichever instance starts first.
CREATE TABLE private.server_secrets (
  name text PRIMARY KEY,
  value text NOT NULL,
  created_at timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
REVOKE ALL ON private.agent_credentials, private.server_secrets FROM PUBLIC, authenticated;
