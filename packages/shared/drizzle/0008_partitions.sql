-- Migration 0008: usage_events becomes a table partitioned by UTC month of started_at, one
-- partition per month named usage_events_YYYY_MM (custom SQL in place of what drizzle-kit
-- generated: it cannot express PARTITION BY; the snapshot is drizzle-kit's for the schema
-- change, primary key (id, started_at) and no
-- foreign key from exchange_bodies). docs/ARCHITECTURE.md §6 says why.
--
-- Written against whatever usage_events holds when it runs, so that it is correct before or
-- after migrations that add columns: the old table steps aside, a partitioned twin is made LIKE
-- it (every column, default, NOT NULL and CHECK), partitions are created for every month that
-- holds rows, the rows move, then the primary key, the old table's other
-- indexes, foreign keys and grants are rebuilt on the new one (indexes built after the load,
-- not maintained row by row). ADD COLUMN / CREATE INDEX on the partitioned table later work as
-- on any table. The current month and the next ones are created by migrateDatabase() right
-- after (db/partitions.ts), later ones by the proxy as the months come.

-- 1. A partitioned table has no unique key on id alone for a foreign key to reference: bodies
--    are tied to their event by the writer (one statement inserts both) and by retention (a
--    dropped partition's bodies are deleted with it).
ALTER TABLE "exchange_bodies" DROP CONSTRAINT IF EXISTS "exchange_bodies_event_id_usage_events_id_fk";
--> statement-breakpoint
ALTER TABLE "usage_events" RENAME TO "usage_events_unpartitioned";
--> statement-breakpoint
-- 2. What the old table has beyond columns: its secondary indexes (the names are freed now, the
--    definitions replayed in step 5), its foreign keys and its grants.
CREATE TEMP TABLE tokentap_usage_events_defs (kind text NOT NULL, def text NOT NULL);
--> statement-breakpoint
DO $$
DECLARE
  old oid := 'usage_events_unpartitioned'::regclass;
  r record;
BEGIN
  FOR r IN
    SELECT i.indexrelid::regclass AS name, pg_get_indexdef(i.indexrelid) AS def,
      i.indisunique AS uniq
    FROM pg_index i
    WHERE i.indrelid = old
      AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
  LOOP
    IF r.uniq THEN
      RAISE EXCEPTION 'tokentap: unique index % on usage_events cannot carry over to a table partitioned by started_at', r.name;
    END IF;
    INSERT INTO tokentap_usage_events_defs VALUES ('index', r.def);
    EXECUTE format('DROP INDEX %s', r.name);
  END LOOP;
  FOR r IN
    SELECT conname, contype, pg_get_constraintdef(oid) AS def
    FROM pg_constraint WHERE conrelid = old AND contype IN ('f', 'u', 'x')
  LOOP
    IF r.contype <> 'f' THEN
      RAISE EXCEPTION 'tokentap: constraint % on usage_events cannot carry over to a table partitioned by started_at', r.conname;
    END IF;
    INSERT INTO tokentap_usage_events_defs
      VALUES ('constraint', format('ADD CONSTRAINT %I %s', r.conname, r.def));
    EXECUTE format('ALTER TABLE usage_events_unpartitioned DROP CONSTRAINT %I', r.conname);
  END LOOP;
  FOR r IN
    SELECT a.privilege_type, a.is_grantable, a.grantee
    FROM pg_class c, aclexplode(c.relacl) a
    WHERE c.oid = old AND a.grantee <> c.relowner
  LOOP
    INSERT INTO tokentap_usage_events_defs VALUES ('grant', format('GRANT %s ON usage_events TO %s%s',
      r.privilege_type,
      CASE WHEN r.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(r.grantee)) END,
      CASE WHEN r.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END));
  END LOOP;
END
$$;
--> statement-breakpoint
-- 3. The partitioned twin: same columns in the same order, defaults, NOT NULL, CHECK,
--    statistics, storage and comments; no indexes yet.
CREATE TABLE "usage_events" (LIKE "usage_events_unpartitioned" INCLUDING ALL EXCLUDING INDEXES)
  PARTITION BY RANGE ("started_at");
--> statement-breakpoint
-- 4. One partition per UTC month holding rows, then the rows.
DO $$
DECLARE
  m timestamp;
BEGIN
  FOR m IN
    SELECT DISTINCT date_trunc('month', started_at AT TIME ZONE 'UTC') FROM usage_events_unpartitioned
  LOOP
    EXECUTE format(
      'CREATE TABLE %I PARTITION OF usage_events FOR VALUES FROM (%L) TO (%L)',
      'usage_events_' || to_char(m, 'YYYY_MM'),
      to_char(m, 'YYYY-MM-DD') || ' 00:00:00+00',
      to_char(m + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00');
  END LOOP;
END
$$;
--> statement-breakpoint
INSERT INTO "usage_events" SELECT * FROM "usage_events_unpartitioned";
--> statement-breakpoint
-- 5. Keys, indexes (built per partition from the loaded rows), foreign keys, grants.
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_id_started_at_pk" PRIMARY KEY ("id", "started_at");
--> statement-breakpoint
DO $$
DECLARE
  r record;
  def text;
BEGIN
  FOR r IN SELECT kind, d.def FROM tokentap_usage_events_defs d LOOP
    IF r.kind = 'index' THEN
      def := regexp_replace(r.def, ' ON (ONLY )?((?:\S+\.)?)"?usage_events_unpartitioned"? USING ',
        ' ON \2usage_events USING ');
      IF def = r.def THEN
        RAISE EXCEPTION 'tokentap: cannot move index definition to usage_events: %', r.def;
      END IF;
      EXECUTE def;
    ELSIF r.kind = 'constraint' THEN
      EXECUTE 'ALTER TABLE usage_events ' || r.def;
    ELSE
      EXECUTE r.def;
    END IF;
  END LOOP;
END
$$;
--> statement-breakpoint
DROP TABLE "usage_events_unpartitioned";
--> statement-breakpoint
DROP TABLE tokentap_usage_events_defs;
--> statement-breakpoint
-- Autovacuum analyzes partitions, never a partitioned parent: give the planner its figures now.
ANALYZE "usage_events";
