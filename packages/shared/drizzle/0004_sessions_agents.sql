ALTER TABLE "usage_events" ADD COLUMN "agent" text;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "agent_type" text;--> statement-breakpoint
CREATE INDEX "usage_events_session_started_at_idx" ON "usage_events" USING btree ("session","started_at") WHERE "usage_events"."session" is not null;