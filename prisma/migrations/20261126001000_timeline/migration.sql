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

CREATE MATERIALIZED VIEW "interaction_daily_counts" AS
  SELECT (i."created_date" AT TIME ZONE 'UTC')::date AS "day",
         i."resource_type_id",
         i."action_id",
         i."origin_id",
         count(*)::bigint AS "count"
    FROM "interactions" i
   WHERE i."interaction_number" <= (SELECT s."covered_through" FROM "timeline_refresh_state" s WHERE s."id" = 1)
   GROUP BY 1, 2, 3, 4
  WITH DATA;

-- REFRESH ... CONCURRENTLY needs a unique index on plain columns; all four are NOT NULL in interactions.
CREATE UNIQUE INDEX "interaction_daily_counts_key"
  ON "interaction_daily_counts" ("day", "resource_type_id", "action_id", "origin_id");
