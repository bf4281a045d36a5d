CREATE TABLE "alerts_sent" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "alerts_sent_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"budget" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"threshold" numeric NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	CONSTRAINT "alerts_sent_key" UNIQUE("budget","window_start","threshold")
);
--> statement-breakpoint
CREATE TABLE "exchange_bodies" (
	"event_id" uuid PRIMARY KEY NOT NULL,
	"request" text,
	"response" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"duration_ms" integer NOT NULL,
	"ttfb_ms" integer,
	"provider" text NOT NULL,
	"host" text NOT NULL,
	"method" text NOT NULL,
	"path" text NOT NULL,
	"endpoint" text,
	"model" text,
	"stream" boolean NOT NULL,
	"transport" text NOT NULL,
	"status" integer,
	"outcome" text NOT NULL,
	"usage_source" text NOT NULL,
	"billable" boolean NOT NULL,
	"response_id" text,
	"user" text,
	"project" text,
	"program" text,
	"request_bytes" bigint NOT NULL,
	"response_bytes" bigint NOT NULL,
	"error" text,
	"parse_error" text,
	"input_tokens" bigint,
	"output_tokens" bigint,
	"cache_read_tokens" bigint,
	"cache_write_5m_tokens" bigint,
	"cache_write_1h_tokens" bigint,
	"reasoning_tokens" bigint,
	"credits" numeric,
	"cost_usd" numeric(14, 8),
	"price_source" text,
	"price_version" text,
	"raw_usage" jsonb,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_rollup_hourly" (
	"hour" timestamp with time zone NOT NULL,
	"provider" text DEFAULT '' NOT NULL,
	"model" text DEFAULT '' NOT NULL,
	"user" text DEFAULT '' NOT NULL,
	"project" text DEFAULT '' NOT NULL,
	"program" text DEFAULT '' NOT NULL,
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
	CONSTRAINT "usage_rollup_hourly_key" UNIQUE("hour","provider","model","user","project","program")
);
--> statement-breakpoint
ALTER TABLE "exchange_bodies" ADD CONSTRAINT "exchange_bodies_event_id_usage_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."usage_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "exchange_bodies_created_at_idx" ON "exchange_bodies" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "usage_events_started_at_idx" ON "usage_events" USING btree ("started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "usage_events_user_started_at_idx" ON "usage_events" USING btree ("user","started_at");--> statement-breakpoint
CREATE INDEX "usage_events_project_started_at_idx" ON "usage_events" USING btree ("project","started_at");--> statement-breakpoint
CREATE INDEX "usage_events_model_started_at_idx" ON "usage_events" USING btree ("model","started_at");--> statement-breakpoint
CREATE INDEX "usage_events_provider_started_at_idx" ON "usage_events" USING btree ("provider","started_at");