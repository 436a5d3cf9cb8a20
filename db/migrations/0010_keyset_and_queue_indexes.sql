DROP INDEX "tickets_status_created_idx";--> statement-breakpoint
DROP INDEX "tickets_customer_created_idx";--> statement-breakpoint
DROP INDEX "tickets_created_idx";--> statement-breakpoint
DROP INDEX "tickets_customer_updated_idx";--> statement-breakpoint
DROP INDEX "tickets_updated_idx";--> statement-breakpoint
CREATE INDEX "tickets_open_created_idx" ON "tickets" USING btree ("created_at","id") WHERE "tickets"."status" = 'open';--> statement-breakpoint
CREATE INDEX "tickets_open_updated_idx" ON "tickets" USING btree ("updated_at","id") WHERE "tickets"."status" = 'open';--> statement-breakpoint
CREATE INDEX "tickets_in_progress_created_idx" ON "tickets" USING btree ("created_at","id") WHERE "tickets"."status" = 'in_progress';--> statement-breakpoint
CREATE INDEX "tickets_in_progress_updated_idx" ON "tickets" USING btree ("updated_at","id") WHERE "tickets"."status" = 'in_progress';--> statement-breakpoint
CREATE INDEX "tickets_waiting_on_customer_created_idx" ON "tickets" USING btree ("created_at","id") WHERE "tickets"."status" = 'waiting_on_customer';--> statement-breakpoint
CREATE INDEX "tickets_waiting_on_customer_updated_idx" ON "tickets" USING btree ("updated_at","id") WHERE "tickets"."status" = 'waiting_on_customer';--> statement-breakpoint
CREATE INDEX "tickets_customer_created_idx" ON "tickets" USING btree ("customer_id","created_at","id");--> statement-breakpoint
CREATE INDEX "tickets_created_idx" ON "tickets" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "tickets_customer_updated_idx" ON "tickets" USING btree ("customer_id","updated_at","id");--> statement-breakpoint
CREATE INDEX "tickets_updated_idx" ON "tickets" USING btree ("updated_at","id");