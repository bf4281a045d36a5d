-- Read-only role for the dashboard (custom migration, hand-written).
-- Created NOLOGIN: the operator (or docker compose's init script) gives it a way in, e.g.
--   ALTER ROLE tokentap_dashboard WITH LOGIN PASSWORD '...';
-- or grants it to a login role: GRANT tokentap_dashboard TO dashboard_user;
-- Roles are cluster-wide. A migrating user without CREATEROLE gets a NOTICE instead of a
-- failure; the grants below then apply only if someone else created the role.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'tokentap_dashboard') THEN
    CREATE ROLE tokentap_dashboard NOLOGIN;
  END IF;
EXCEPTION
  WHEN insufficient_privilege THEN
    RAISE NOTICE 'tokentap: role tokentap_dashboard not created (%); create it as a superuser', SQLERRM;
  WHEN duplicate_object OR unique_violation THEN
    RAISE NOTICE 'tokentap: role tokentap_dashboard created concurrently';
END
$$;
--> statement-breakpoint
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'tokentap_dashboard') THEN
    GRANT USAGE ON SCHEMA public TO tokentap_dashboard;
    GRANT SELECT ON usage_events, usage_rollup_hourly, alerts_sent, exchange_bodies
      TO tokentap_dashboard;
    -- Tables that later migrations create (as this same user) are readable too.
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO tokentap_dashboard;
  END IF;
EXCEPTION
  WHEN insufficient_privilege THEN
    RAISE NOTICE 'tokentap: grants to tokentap_dashboard skipped (%)', SQLERRM;
END
$$;
