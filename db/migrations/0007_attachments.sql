CREATE TABLE "ticket_attachments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ticket_id" uuid NOT NULL,
	"message_id" uuid NOT NULL,
	"uploader_id" uuid NOT NULL,
	"position" smallint NOT NULL,
	"storage_key" text NOT NULL,
	"name" text NOT NULL,
	"content_type" text NOT NULL,
	"size" bigint NOT NULL,
	"sha256" text NOT NULL,
	"width" integer,
	"height" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ticket_attachments_storage_key_is_random_hex" CHECK ("ticket_attachments"."storage_key" ~ '^[0-9a-f]{32}$'),
	CONSTRAINT "ticket_attachments_sha256_is_hex" CHECK ("ticket_attachments"."sha256" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "ticket_attachments_size_positive" CHECK ("ticket_attachments"."size" > 0),
	CONSTRAINT "ticket_attachments_position_in_range" CHECK ("ticket_attachments"."position" between 0 and 99),
	CONSTRAINT "ticket_attachments_name_length" CHECK (char_length("ticket_attachments"."name") between 1 and 255),
	CONSTRAINT "ticket_attachments_content_type_shape" CHECK ("ticket_attachments"."content_type" ~ '^[a-z]+/[a-z0-9.+-]+$'),
	CONSTRAINT "ticket_attachments_dimensions_positive" CHECK (("ticket_attachments"."width" is null or "ticket_attachments"."width" > 0) and ("ticket_attachments"."height" is null or "ticket_attachments"."height" > 0))
);
--> statement-breakpoint
ALTER TABLE "ticket_attachments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "ticket_attachments" ADD CONSTRAINT "ticket_attachments_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_attachments" ADD CONSTRAINT "ticket_attachments_uploader_id_users_id_fk" FOREIGN KEY ("uploader_id") REFERENCES "auth"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_attachments" ADD CONSTRAINT "ticket_attachments_message_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."ticket_messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ticket_attachments_message_id_idx" ON "ticket_attachments" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "ticket_attachments_ticket_id_idx" ON "ticket_attachments" USING btree ("ticket_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ticket_attachments_storage_key_idx" ON "ticket_attachments" USING btree ("storage_key");--> statement-breakpoint
CREATE POLICY "Customers can view attachments of their own ticket messages" ON "ticket_attachments" AS PERMISSIVE FOR SELECT TO "authenticated" USING (exists (select 1 from public.tickets t where t.id = "ticket_attachments"."ticket_id" and t.customer_id = (select auth.uid())) and exists (select 1 from public.ticket_messages m where m.id = "ticket_attachments"."message_id" and m.ticket_id = "ticket_attachments"."ticket_id" and not m.is_internal));--> statement-breakpoint
CREATE POLICY "Customers can upload attachments to their own tickets" ON "ticket_attachments" AS PERMISSIVE FOR INSERT TO "authenticated" WITH CHECK (exists (select 1 from public.tickets t where t.id = "ticket_attachments"."ticket_id" and t.customer_id = (select auth.uid())) and "ticket_attachments"."uploader_id" = (select auth.uid()));--> statement-breakpoint
CREATE POLICY "Team members can view all attachments" ON "ticket_attachments" AS PERMISSIVE FOR SELECT TO "authenticated" USING ((select private.is_team_member()));--> statement-breakpoint
CREATE POLICY "Team members can upload attachments" ON "ticket_attachments" AS PERMISSIVE FOR INSERT TO "authenticated" WITH CHECK ((select private.is_team_member()) and "ticket_attachments"."uploader_id" = (select auth.uid()));