CREATE TABLE "ticket_search" (
	"ticket_id" uuid PRIMARY KEY NOT NULL,
	"document" "tsvector" NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ticket_search" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP INDEX "tickets_search_idx";--> statement-breakpoint
ALTER TABLE "ticket_search" ADD CONSTRAINT "ticket_search_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ticket_search_document_idx" ON "ticket_search" USING gin ("document");--> statement-breakpoint
CREATE POLICY "Customers can search their own tickets" ON "ticket_search" AS PERMISSIVE FOR SELECT TO "authenticated" USING (exists (select 1 from public.tickets t where t.id = "ticket_search"."ticket_id" and t.customer_id = (select auth.uid())));--> statement-breakpoint
CREATE POLICY "Team members can search all tickets" ON "ticket_search" AS PERMISSIVE FOR SELECT TO "authenticated" USING ((select private.is_team_member()));