-- The live hub's read of new events in one round trip instead of two (the horizon, then the
-- events below it). Not one statement with the horizon in it: a statement's snapshot is taken
-- before the horizon is computed, so a writer that committed in between would be below the
-- horizon yet invisible, and passed for good. In a VOLATILE PL/pgSQL function each statement takes
-- a new snapshot (READ COMMITTED), so the events are read after the horizon is known, exactly as
-- two statements from the client would, without the second trip.
CREATE FUNCTION private.final_events_after(after bigint, max_rows integer) RETURNS SETOF public.ticket_events
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = '' AS $$
DECLARE
  horizon bigint;
BEGIN
  horizon := private.event_horizon();
  RETURN QUERY
    SELECT e.* FROM public.ticket_events e
    WHERE e.position > after AND e.position < horizon
    ORDER BY e.position
    LIMIT max_rows;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION private.final_events_after(bigint, integer) FROM PUBLIC;
