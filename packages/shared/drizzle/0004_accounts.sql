CREATE TABLE "account_limits" (
	"account" text PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"billing_kind" text NOT NULL,
	"last_user" text,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"windows" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text,
	"observed_at" timestamp with time zone,
	"count_429" bigint DEFAULT 0 NOT NULL,
	"last_429_at" timestamp with time zone,
	"limited_since" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "billing_kind" text DEFAULT 'unknown' NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_events" ADD COLUMN "account" text;--> statement-breakpoint
ALTER TABLE "usage_rollup_hourly" ADD COLUMN "subscription_requests" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_rollup_hourly" ADD COLUMN "subscription_value_usd" numeric DEFAULT '0' NOT NULL;