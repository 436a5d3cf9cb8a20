-- Guests typed an email nobody verified (auth.users.external_id = 'guest'): whatever the tools
-- above the database do, such a user can never be put on the team.
CREATE FUNCTION private.refuse_guest_team_members() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM auth.users u WHERE u.id = NEW.id AND u.external_id = 'guest') THEN
    RAISE EXCEPTION 'a guest user cannot be a team member; add the person with a new user'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER team_members_refuse_guests BEFORE INSERT OR UPDATE OF id ON public.team_members
  FOR EACH ROW EXECUTE FUNCTION private.refuse_guest_team_members();
--> statement-breakpoint
-- A deleted tag leaves the templates that applied it by default (the team may delete tags but
-- only admins edit templates, hence security definer).
CREATE FUNCTION private.forget_deleted_tag_in_templates() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  UPDATE public.ticket_templates SET default_tag_ids = pg_catalog.array_remove(default_tag_ids, OLD.id)
  WHERE OLD.id = ANY (default_tag_ids);
  RETURN OLD;
END
$$;
--> statement-breakpoint
CREATE TRIGGER ticket_tags_forget_in_templates AFTER DELETE ON public.ticket_tags
  FOR EACH ROW EXECUTE FUNCTION private.forget_deleted_tag_in_templates();
--> statement-breakpoint
REVOKE ALL ON FUNCTION private.refuse_guest_team_members(), private.forget_deleted_tag_in_templates() FROM PUBLIC;
