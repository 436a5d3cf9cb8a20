-- The team checks every policy calls (through `(select private.is_team_member())`, the admin
-- check likewise) read the user once. Written as `m.id = auth.uid()`, the user was worked out
-- again for every team_members row the check scanned: on a team this small the planner scans the
-- table, and auth.uid() reads and parses the request's claims each time (about 1 µs). Measured
-- on bench:db's database (21 team members), per call: about 30 µs for a customer (the whole
-- table scanned) and 18 µs for a team member; 7 µs with the id read once. A customer's thread
-- read makes up to four such checks, a list one, and the cost grew with the team.
CREATE OR REPLACE FUNCTION private.is_team_member() RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  me uuid := auth.uid();
BEGIN
  RETURN EXISTS (SELECT 1 FROM public.team_members m WHERE m.id = me);
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION private.is_admin() RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  me uuid := auth.uid();
BEGIN
  RETURN EXISTS (SELECT 1 FROM public.team_members m WHERE m.id = me AND m.role = 'admin');
END
$$;
