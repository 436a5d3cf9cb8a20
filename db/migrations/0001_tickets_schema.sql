CREATE TYPE "public"."team_role" AS ENUM('agent', 'admin');--> statement-breakpoint
CREATE TYPE "public"."ticket_priority" AS ENUM('low', 'medium', 'high', 'urgent');--> statement-breakpoint
CREATE TYPE "public"."ticket_status" AS ENUM('open', 'in_progress', 'waiting_on_customer', 'resolved', 'closed');--> statement-breakpoint
CREATE TABLE "team_members" (
	"id" uuid PRIMARY KEY NOT NULL,
	"display_name" text NOT NULL,
	"role" "team_role" DEFAULT 'agent' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "team_members" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "tickets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"status" "ticket_status" DEFAULT 'open' NOT NULL,
	"priority" "ticket_priority" DEFAULT 'medium' NOT NULL,
	"customer_id" uuid NOT NULL,
	"assigned_to" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"first_response_at" timestamp with time zone,
	"due_date" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "tickets" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ticket_messages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ticket_id" uuid NOT NULL,
	"sender_id" uuid NOT NULL,
	"message" text NOT NULL,
	"is_internal" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"attachments" jsonb
);
--> statement-breakpoint
ALTER TABLE "ticket_messages" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ticket_tag_relations" (
	"ticket_id" uuid NOT NULL,
	"tag_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ticket_tag_relations_ticket_id_tag_id_pk" PRIMARY KEY("ticket_id","tag_id")
);
--> statement-breakpoint
ALTER TABLE "ticket_tag_relations" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ticket_tags" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"color" text DEFAULT '#000000' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ticket_tags_name_unique" UNIQUE("name"),
	CONSTRAINT "ticket_tags_color_is_hex" CHECK ("ticket_tags"."color" ~ '^#[0-9a-fA-F]{6}$')
);
--> statement-breakpoint
ALTER TABLE "ticket_tags" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "ticket_metadata" (
	"ticket_id" uuid NOT NULL,
	"key" text NOT NULL,
	"value" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ticket_metadata_ticket_id_key_pk" PRIMARY KEY("ticket_id","key")
);
--> statement-breakpoint
ALTER TABLE "ticket_metadata" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "team_members" ADD CONSTRAINT "team_members_id_users_id_fk" FOREIGN KEY ("id") REFERENCES "auth"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_customer_id_users_id_fk" FOREIGN KEY ("customer_id") REFERENCES "auth"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_assigned_to_team_members_id_fk" FOREIGN KEY ("assigned_to") REFERENCES "public"."team_members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_messages" ADD CONSTRAINT "ticket_messages_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_messages" ADD CONSTRAINT "ticket_messages_sender_id_users_id_fk" FOREIGN KEY ("sender_id") REFERENCES "auth"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_tag_relations" ADD CONSTRAINT "ticket_tag_relations_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_tag_relations" ADD CONSTRAINT "ticket_tag_relations_tag_id_ticket_tags_id_fk" FOREIGN KEY ("tag_id") REFERENCES "public"."ticket_tags"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_metadata" ADD CONSTRAINT "ticket_metadata_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tickets_customer_id_idx" ON "tickets" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "tickets_assigned_to_idx" ON "tickets" USING btree ("assigned_to");--> statement-breakpoint
CREATE INDEX "tickets_status_idx" ON "tickets" USING btree ("status");--> statement-breakpoint
CREATE INDEX "tickets_customer_created_idx" ON "tickets" USING btree ("customer_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "tickets_status_created_idx" ON "tickets" USING btree ("status","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "tickets_created_idx" ON "tickets" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "ticket_messages_ticket_id_idx" ON "ticket_messages" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "ticket_messages_thread_idx" ON "ticket_messages" USING btree ("ticket_id","created_at","id");--> statement-breakpoint
CREATE INDEX "ticket_tag_relations_ticket_id_idx" ON "ticket_tag_relations" USING btree ("ticket_id");--> statement-breakpoint
CREATE INDEX "ticket_tag_relations_tag_id_idx" ON "ticket_tag_relations" USING btree ("tag_id");--> statement-breakpoint
CREATE INDEX "ticket_metadata_ticket_id_idx" ON "ticket_metadata" USING btree ("ticket_id");--> statement-breakpoint
CREATE POLICY "Signed-in users can view the team" ON "team_members" AS PERMISSIVE FOR SELECT TO "authenticated" USING ((select auth.uid()) is not null);--> statement-breakpoint
CREATE POLICY "Admins can add team members" ON "team_members" AS PERMISSIVE FOR INSERT TO "authenticated" WITH CHECK ((select private.is_admin()));--> statement-breakpoint
CREATE POLICY "Admins can update team members" ON "team_members" AS PERMISSIVE FOR UPDATE TO "authenticated" USING ((select private.is_admin())) WITH CHECK ((select private.is_admin()));--> statement-breakpoint
CREATE POLICY "Admins can remove team members" ON "team_members" AS PERMISSIVE FOR DELETE TO "authenticated" USING ((select private.is_admin()));--> statement-breakpoint
CREATE POLICY "Customers can view their own tickets" ON "tickets" AS PERMISSIVE FOR SELECT TO "authenticated" USING ("tickets"."customer_id" = (select auth.uid()));--> statement-breakpoint
CREATE POLICY "Customers can create tickets" ON "tickets" AS PERMISSIVE FOR INSERT TO "authenticated" WITH CHECK ("tickets"."customer_id" = (select auth.uid()) and "tickets"."status" = 'open' and "tickets"."assigned_to" is null and "tickets"."resolved_at" is null and "tickets"."first_response_at" is null);--> statement-breakpoint
CREATE POLICY "Customers can close their own tickets" ON "tickets" AS PERMISSIVE FOR UPDATE TO "authenticated" USING ("tickets"."customer_id" = (select auth.uid())) WITH CHECK ("tickets"."customer_id" = (select auth.uid()) and "tickets"."status" = 'closed');--> statement-breakpoint
CREATE POLICY "Team members can view all tickets" ON "tickets" AS PERMISSIVE FOR SELECT TO "authenticated" USING ((select private.is_team_member()));--> statement-breakpoint
CREATE POLICY "Team members can create tickets" ON "tickets" AS PERMISSIVE FOR INSERT TO "authenticated" WITH CHECK ((select private.is_team_member()));--> statement-breakpoint
CREATE POLICY "Team members can update tickets" ON "tickets" AS PERMISSIVE FOR UPDATE TO "authenticated" USING ((select private.is_team_member())) WITH CHECK ((select private.is_team_member()));--> statement-breakpoint
CREATE POLICY "Team members can delete tickets" ON "tickets" AS PERMISSIVE FOR DELETE TO "authenticated" USING ((select private.is_team_member()));--> statement-breakpoint
CREATE POLICY "Customers can view their own ticket messages" ON "ticket_messages" AS PERMISSIVE FOR SELECT TO "authenticated" USING (exists (select 1 from public.tickets t where t.id = "ticket_messages"."ticket_id" and t.customer_id = (select auth.uid())) and not "ticket_messages"."is_internal");--> statement-breakpoint
CREATE POLICY "Customers can create ticket messages" ON "ticket_messages" AS PERMISSIVE FOR INSERT TO "authenticated" WITH CHECK (exists (select 1 from public.tickets t where t.id = "ticket_messages"."ticket_id" and t.customer_id = (select auth.uid())) and "ticket_messages"."sender_id" = (select auth.uid()) and not "ticket_messages"."is_internal" and "ticket_messages"."attachments" is null);--> statement-breakpoint
CREATE POLICY "Team members can view all ticket messages" ON "ticket_messages" AS PERMISSIVE FOR SELECT TO "authenticated" USING ((select private.is_team_member()));--> statement-breakpoint
CREATE POLICY "Team members can create ticket messages" ON "ticket_messages" AS PERMISSIVE FOR INSERT TO "authenticated" WITH CHECK ((select private.is_team_member()) and "ticket_messages"."sender_id" = (select auth.uid()));--> statement-breakpoint
CREATE POLICY "Team members can update ticket messages" ON "ticket_messages" AS PERMISSIVE FOR UPDATE TO "authenticated" USING ((select private.is_team_member())) WITH CHECK ((select private.is_team_member()));--> statement-breakpoint
CREATE POLICY "Team members can delete ticket messages" ON "ticket_messages" AS PERMISSIVE FOR DELETE TO "authenticated" USING ((select private.is_team_member()));--> statement-breakpoint
CREATE POLICY "Customers can view tag relations" ON "ticket_tag_relations" AS PERMISSIVE FOR SELECT TO "authenticated" USING (exists (select 1 from public.tickets t where t.id = "ticket_tag_relations"."ticket_id" and t.customer_id = (select auth.uid())));--> statement-breakpoint
CREATE POLICY "Team members can view all tag relations" ON "ticket_tag_relations" AS PERMISSIVE FOR SELECT TO "authenticated" USING ((select private.is_team_member()));--> statement-breakpoint
CREATE POLICY "Team members can tag tickets" ON "ticket_tag_relations" AS PERMISSIVE FOR INSERT TO "authenticated" WITH CHECK ((select private.is_team_member()));--> statement-breakpoint
CREATE POLICY "Team members can untag tickets" ON "ticket_tag_relations" AS PERMISSIVE FOR DELETE TO "authenticated" USING ((select private.is_team_member()));--> statement-breakpoint
CREATE POLICY "Customers can view tags" ON "ticket_tags" AS PERMISSIVE FOR SELECT TO "authenticated" USING ((select auth.uid()) is not null);--> statement-breakpoint
CREATE POLICY "Team members can create tags" ON "ticket_tags" AS PERMISSIVE FOR INSERT TO "authenticated" WITH CHECK ((select private.is_team_member()));--> statement-breakpoint
CREATE POLICY "Team members can update tags" ON "ticket_tags" AS PERMISSIVE FOR UPDATE TO "authenticated" USING ((select private.is_team_member())) WITH CHECK ((select private.is_team_member()));--> statement-breakpoint
CREATE POLICY "Team members can delete tags" ON "ticket_tags" AS PERMISSIVE FOR DELETE TO "authenticated" USING ((select private.is_team_member()));--> statement-breakpoint
CREATE POLICY "Customers can view ticket metadata" ON "ticket_metadata" AS PERMISSIVE FOR SELECT TO "authenticated" USING (exists (select 1 from public.tickets t where t.id = "ticket_metadata"."ticket_id" and t.customer_id = (select auth.uid())));--> statement-breakpoint
CREATE POLICY "Customers can add metadata to the ticket they are opening" ON "ticket_metadata" AS PERMISSIVE FOR INSERT TO "authenticated" WITH CHECK (exists (select 1 from public.tickets t where t.id = "ticket_metadata"."ticket_id" and t.customer_id = (select auth.uid()) and t.created_at = now()));--> statement-breakpoint
CREATE POLICY "Team members can view all ticket metadata" ON "ticket_metadata" AS PERMISSIVE FOR SELECT TO "authenticated" USING ((select private.is_team_member()));--> statement-breakpoint
CREATE POLICY "Team members can add ticket metadata" ON "ticket_metadata" AS PERMISSIVE FOR INSERT TO "authenticated" WITH CHECK ((select private.is_team_member()));--> statement-breakpoint
CREATE POLICY "Team members can update ticket metadata" ON "ticket_metadata" AS PERMISSIVE FOR UPDATE TO "authenticated" USING ((select private.is_team_member())) WITH CHECK ((select private.is_team_member()));--> statement-breakpoint
CREATE POLICY "Team members can delete ticket metadata" ON "ticket_metadata" AS PERMISSIVE FOR DELETE TO "authenticated" USING ((select private.is_team_member()));