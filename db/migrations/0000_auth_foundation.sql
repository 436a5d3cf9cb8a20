-- Custom SQL that must exist before any policy: the `authenticated` role, the `auth` schema
-- the way Supabase has it (users, uid(), jwt(), role()), and the `private` schema with the
-- security-definer helpers policies call. Every step leaves what already exists alone, so this
-- runs on an empty PostgreSQL, on PGlite, on a cluster that already has the role (roles are
-- cluster-wide) and on Supabase, where `auth` is its own.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'authenticated') THEN
    CREATE ROLE authenticated NOLOGIN NOINHERIT;
  END IF;
END
$$;
--> statement-breakpoint
-- The connecting user must be able to `set role authenticated` inside withClaims.
DO $$
BEGIN
  IF NOT pg_catalog.pg_has_role(current_user, 'authenticated', 'MEMBER') THEN
    EXECUTE pg_catalog.format('GRANT authenticated TO %I', current_user);
  END IF;
END
$$;
--> statement-breakpoint
CREATE SCHEMA IF NOT EXISTS auth;
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS auth.users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
  email text,
  name text,
  external_id text,
  created_at timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
-- Supabase's auth.users has no name or external_id; add them where we may.
DO $$
BEGIN
  ALTER TABLE auth.users ADD COLUMN IF NOT EXISTS name text;
  ALTER TABLE auth.users ADD COLUMN IF NOT EXISTS external_id text;
EXCEPTION WHEN insufficient_privilege THEN
  RAISE NOTICE 'auth.users belongs to another role; name and external_id were not added';
END
$$;
--> statement-breakpoint
-- Supabase's definitions, kept where they already exist. The claims setting reverts to ''
-- (not NULL) after a transaction that set it locally, hence nullif.
DO $$
BEGIN
  IF to_regprocedure('auth.jwt()') IS NULL THEN
    CREATE FUNCTION auth.jwt() RETURNS jsonb LANGUAGE sql STABLE AS $fn$
      SELECT coalesce(
        nullif(pg_catalog.current_setting('request.jwt.claim', true), ''),
        nullif(pg_catalog.current_setting('request.jwt.claims', true), '')
      )::jsonb
    $fn$;
  END IF;
  IF to_regprocedure('auth.uid()') IS NULL THEN
    CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $fn$
      SELECT coalesce(
        nullif(pg_catalog.current_setting('request.jwt.claim.sub', true), ''),
        (nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
      )::uuid
    $fn$;
  END IF;
  IF to_regprocedure('auth.role()') IS NULL THEN
    CREATE FUNCTION auth.role() RETURNS text LANGUAGE sql STABLE AS $fn$
      SELECT coalesce(
        nullif(pg_catalog.current_setting('request.jwt.claim.role', true), ''),
        (nullif(pg_catalog.current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
      )::text
    $fn$;
  END IF;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA auth TO authenticated;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION auth.uid(), auth.jwt(), auth.role() TO authenticated;
--> statement-breakpoint
-- Not exposed to clients: helpers that read team membership past RLS, with an empty search_path.
CREATE SCHEMA IF NOT EXISTS private;
--> statement-breakpoint
REVOKE ALL ON SCHEMA private FROM PUBLIC;
--> statement-breakpoint
GRANT USAGE ON SCHEMA private TO authenticated;
--> statement-breakpoint
-- plpgsql, so the body may name public.team_members before migration 0001 creates it.
CREATE OR REPLACE FUNCTION private.is_team_member() RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  RETURN EXISTS (SELECT 1 FROM public.team_members m WHERE m.id = auth.uid());
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION private.is_admin() RETURNS boolean
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = '' AS $$
BEGIN
  RETURN EXISTS (SELECT 1 FROM public.team_members m WHERE m.id = auth.uid() AND m.role = 'admin');
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION private.is_team_member(), private.is_admin() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION private.is_team_member(), private.is_admin() TO authenticated;
