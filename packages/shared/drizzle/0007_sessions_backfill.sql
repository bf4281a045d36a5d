-- Folds the usage_events rows stored before usage_sessions existed (those with a session: the
-- X-Tokentap-Session tags of migration 0002 onwards) into it (custom migration, hand-made with
-- `drizzle-kit generate --custom`): exactly sessionsUpsert('usage_events') of
-- packages/shared/src/db/sessions.ts as written with it (db/sessions.test.ts runs it over rows
-- stored before it). Runs once, in the migration's transaction.
insert into usage_sessions as s (session, "first_at", "last_at", "user_min", "user_max", "project_min", "project_max", "program_min", "program_max", "requests", "errors", "billable_requests", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_5m_tokens", "cache_write_1h_tokens", "reasoning_tokens", "cost_usd", "unpriced_requests", "estimated_requests", "credits", "subscription_requests", "subscription_value_usd", "audio_input_tokens", "audio_output_tokens", "web_searches", "partially_priced_requests")
  select session, min(started_at), max(started_at), min("user"), max("user"), min("project"), max("project"), min("program"), max("program"),
    count(*), count(*) filter (where outcome <> 'ok'), count(*) filter (where billable), coalesce(sum("input_tokens") filter (where billable), 0), coalesce(sum("output_tokens") filter (where billable), 0), coalesce(sum("cache_read_tokens") filter (where billable), 0), coalesce(sum("cache_write_5m_tokens") filter (where billable), 0), coalesce(sum("cache_write_1h_tokens") filter (where billable), 0), coalesce(sum("reasoning_tokens") filter (where billable), 0), coalesce(sum("cost_usd"), 0), count(*) filter (where billable and cost_usd is null), count(*) filter (where usage_source = 'estimated'), coalesce(sum("credits"), 0), count(*) filter (where billable and billing_kind = 'subscription'), coalesce(sum("cost_usd") filter (where billing_kind = 'subscription'), 0), coalesce(sum("audio_input_tokens") filter (where billable), 0), coalesce(sum("audio_output_tokens") filter (where billable), 0), coalesce(sum("web_searches") filter (where billable), 0), count(*) filter (where cost_usd is not null and unpriced_units is not null)
  from usage_events where session is not null group by session order by session
  on conflict (session) do update set
    "first_at" = least(s."first_at", excluded."first_at"),
    "last_at" = greatest(s."last_at", excluded."last_at"),
    "user_min" = least(s."user_min", excluded."user_min"),
    "user_max" = greatest(s."user_max", excluded."user_max"),
    "project_min" = least(s."project_min", excluded."project_min"),
    "project_max" = greatest(s."project_max", excluded."project_max"),
    "program_min" = least(s."program_min", excluded."program_min"),
    "program_max" = greatest(s."program_max", excluded."program_max"),
    "requests" = s."requests" + excluded."requests",
    "errors" = s."errors" + excluded."errors",
    "billable_requests" = s."billable_requests" + excluded."billable_requests",
    "input_tokens" = s."input_tokens" + excluded."input_tokens",
    "output_tokens" = s."output_tokens" + excluded."output_tokens",
    "cache_read_tokens" = s."cache_read_tokens" + excluded."cache_read_tokens",
    "cache_write_5m_tokens" = s."cache_write_5m_tokens" + excluded."cache_write_5m_tokens",
    "cache_write_1h_tokens" = s."cache_write_1h_tokens" + excluded."cache_write_1h_tokens",
    "reasoning_tokens" = s."reasoning_tokens" + excluded."reasoning_tokens",
    "cost_usd" = s."cost_usd" + excluded."cost_usd",
    "unpriced_requests" = s."unpriced_requests" + excluded."unpriced_requests",
    "estimated_requests" = s."estimated_requests" + excluded."estimated_requests",
    "credits" = s."credits" + excluded."credits",
    "subscription_requests" = s."subscription_requests" + excluded."subscription_requests",
    "subscription_value_usd" = s."subscription_value_usd" + excluded."subscription_value_usd",
    "audio_input_tokens" = s."audio_input_tokens" + excluded."audio_input_tokens",
    "audio_output_tokens" = s."audio_output_tokens" + excluded."audio_output_tokens",
    "web_searches" = s."web_searches" + excluded."web_searches",
    "partially_priced_requests" = s."partially_priced_requests" + excluded."partially_priced_requests";
