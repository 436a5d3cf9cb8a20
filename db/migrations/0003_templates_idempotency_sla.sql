CREATE TABLE "ticket_templates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"fields" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"default_priority" "ticket_priority",
	"default_tag_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ticket_templates_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "ticket_templates" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"user_id" uuid NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"response_status" integer,
	"response_body" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_user_id_key_pk" PRIMARY KEY("user_id","key")
);
--> statement-breakpoint
ALTER TABLE "idempotency_keys" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "sla_targets" (
	"priority" "ticket_priority" PRIMARY KEY NOT NULL,
	"resolution_hours" integer NOT NULL,
	CONSTRAINT "sla_targets_hours_positive" CHECK ("sla_targets"."resolution_hours" > 0)
);
--> statement-breakpoint
ALTER TABLE "sla_targets" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "auth"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "tickets_customer_updated_idx" ON "tickets" USING btree ("customer_id","updated_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "tickets_updated_idx" ON "tickets" USING btree ("updated_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "tickets_search_idx" ON "tickets" USING gin (to_tsvector('simple'::regconfig, "title" || ' ' || "description"));--> statement-breakpoint
CREATE POLICY "Signed-in users can view templates" ON "ticket_templates" AS PERMISSIVE FOR SELECT TO "authenticated" USING ((select auth.uid()) is not null);--> statement-breakpoint
CREATE POLICY "Admins can create templates" ON "ticket_templates" AS PERMISSIVE FOR INSERT TO "authenticated" WITH CHECK ((select private.is_admin()));--> statement-breakpoint
CREATE POLICY "Admins can update templates" ON "ticket_templates" AS PERMISSIVE FOR UPDATE TO "authenticated" USING ((select private.is_admin())) WITH CHECK ((select private.is_admin()));--> statement-breakpoint
CREATE POLICY "Admins can delete templates" ON "ticket_templates" AS PERMISSIVE FOR DELETE TO "authenticated" USING ((select private.is_admin()));--> statement-breakpoint
CREATE POLICY "Users can view their own idempotency keys" ON "idempotency_keys" AS PERMISSIVE FOR SELECT TO "authenticated" USING ("idempotency_keys"."user_id" = (select auth.uid()));--> statement-breakpoint
CREATE POLICY "Users can claim their own idempotency keys" ON "idempotency_keys" AS PERMISSIVE FOR INSERT TO "authenticated" WITH CHECK ("idempotency_keys"."user_id" = (select auth.uid()));--> statement-breakpoint
CREATE POLICY "Users can record responses for their own idempotency keys" ON "idempotency_keys" AS PERMISSIVE FOR UPDATE TO "authenticated" USING ("idempotency_keys"."user_id" = (select auth.uid())) WITH CHECK ("idempotency_keys"."user_id" = (select auth.uid()));--> statement-breakpoint
CREATE POLICY "Signed-in users can view SLA targets" ON "sla_targets" AS PERMISSIVE FOR SELECT TO "authenticated" USING ((select auth.uid()) is not null);