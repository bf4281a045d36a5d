ALTER TABLE "usage_events" ADD COLUMN "service_tier" text;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "inference_geo" text;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "speed" text;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "units" jsonb;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "sub_usage" jsonb;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "audio_input_tokens" bigint;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "audio_output_tokens" bigint;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "web_searches" bigint;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "unpriced_units" jsonb;--> statement-breakpoint
ALTER TABLE "usage_rollup_hourly" ADD COLUMN "audio_input_tokens" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_rollup_hourly" ADD COLUMN "audio_output_tokens" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_rollup_hourly" ADD COLUMN "web_searches" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_rollup_hourly" ADD COLUMN "partially_priced_requests" bigint DEFAULT 0 NOT NULL;