CREATE TABLE "ticket_events" (
	"position" bigint PRIMARY KEY NOT NULL,
	"ticket_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"is_internal" boolean DEFAULT false NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ticket_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE INDEX "ticket_events_created_idx" ON "ticket_events" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "ticket_events_customer_position_idx" ON "ticket_events" USING btree ("customer_id","position");--> statement-breakpoint
CREATE POLICY "Customers can view events of their own tickets" ON "ticket_events" AS PERMISSIVE FOR SELECT TO "authenticated" USING ("ticket_events"."customer_id" = (select auth.uid()) and not "ticket_events"."is_internal");--> statement-breakpoint
CREATE POLICY "Team members can view all events" ON "ticket_events" AS PERMISSIVE FOR SELECT TO "authenticated" USING ((select private.is_team_member()));