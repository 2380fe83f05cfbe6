-- Timeline: interaction counts per UTC day × resource type × action × origin, kept in a materialized view
-- refreshed CONCURRENTLY, plus the one-row state that says which interactions the view covers.
--
-- Invariant (see docs/adr/001-timeline-exact-counts.md): the view counts exactly the interactions with
-- interaction_number <= timeline_refresh_state.covered_through, and every interaction number at or below
-- covered_through was final (committed or rolled back) before that value was recorded. A reader counts the
-- view plus, live, every interaction with interaction_number > covered_through, reading both in one statement.
CREATE TABLE "timeline_refresh_state" (
  "id" INTEGER PRIMARY KEY CHECK ("id" = 1),
  "covered_through" BIGINT NOT NULL DEFAULT 0,
  "refreshed_at" TIMESTAMPTZ(3),
  "duration_ms" INTEGER
);
INSERT INTO "timeline_refresh_state" ("id") VALUES (1);

-- CUBE stores every filter combination (none, each lookup alone, pairs, all three) per day, so any request is
-- an index range scan of one row per day. "Any" is the all-zero UUID rather than NULL: REFRESH ... CONCURRENTLY
-- matches rows by the unique index, and NULLs never match.
CREATE MATERIALIZED VIEW "interaction_daily_counts" AS
  SELECT (i."created_date" AT TIME ZONE 'UTC')::date AS "day",
         COALESCE(i."resource_type_id", '00000000-0000-0000-0000-000000000000') AS "resource_type_id",
         COALESCE(i."action_id", '00000000-0000-0000-0000-000000000000') AS "action_id",
         COALESCE(i."origin_id", '00000000-0000-0000-0000-000000000000') AS "origin_id",
         count(*)::bigint AS "count"
    FROM "interactions" i
   WHERE i."interaction_number" <= (SELECT s."covered_through" FROM "timeline_refresh_state" s WHERE s."id" = 1)
   GROUP BY (i."created_date" AT TIME ZONE 'UTC')::date, CUBE (i."resource_type_id", i."action_id", i."origin_id")
  WITH DATA;

-- REFRESH ... CONCURRENTLY needs a unique index on plain columns; none of them is ever NULL. The filters lead,
-- so a request reads one contiguous range: (filters, day between start and end).
CREATE UNIQUE INDEX "interaction_daily_counts_key"
  ON "interaction_daily_counts" ("resource_type_id", "action_id", "origin_id", "day");
