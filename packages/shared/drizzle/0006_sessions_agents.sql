CREATE TABLE "usage_sessions" (
	"session" text PRIMARY KEY NOT NULL,
	"first_at" timestamp with time zone NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	"user_min" text,
	"user_max" text,
	"project_min" text,
	"project_max" text,
	"program_min" text,
	"program_max" text,
	"requests" bigint DEFAULT 0 NOT NULL,
	"errors" bigint DEFAULT 0 NOT NULL,
	"billable_requests" bigint DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_read_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_write_5m_tokens" bigint DEFAULT 0 NOT NULL,
	"cache_write_1h_tokens" bigint DEFAULT 0 NOT NULL,
	"reasoning_tokens" bigint DEFAULT 0 NOT NULL,
	"cost_usd" numeric DEFAULT '0' NOT NULL,
	"unpriced_requests" bigint DEFAULT 0 NOT NULL,
	"estimated_requests" bigint DEFAULT 0 NOT NULL,
	"credits" numeric DEFAULT '0' NOT NULL,
	"subscription_requests" bigint DEFAULT 0 NOT NULL,
	"subscription_value_usd" numeric DEFAULT '0' NOT NULL,
	"audio_input_tokens" bigint DEFAULT 0 NOT NULL,
	"audio_output_tokens" bigint DEFAULT 0 NOT NULL,
	"web_searches" bigint DEFAULT 0 NOT NULL,
	"partially_priced_requests" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "agent" text;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "agent_type" text;--> statement-breakpoint
CREATE INDEX "usage_sessions_last_at_idx" ON "usage_sessions" USING btree ("last_at");--> statement-breakpoint
CREATE INDEX "usage_events_session_started_at_idx" ON "usage_events" USING btree ("session","started_at") WHERE "usage_events"."session" is not null;