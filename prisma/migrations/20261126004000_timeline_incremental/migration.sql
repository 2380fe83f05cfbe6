-- Timeline: interaction_daily_counts becomes a plain table kept up to date incrementally (docs/adr/004-timeline-
-- incremental-rollup.md). A refresh adds the counts of the interactions numbered after covered_through and moves
-- covered_through, in one transaction, instead of recomputing every day (REFRESH MATERIALIZED VIEW cost a pass
-- over the whole interactions table).
--
-- Same name, columns and key as the view, and the same invariant: the table counts exactly the interactions with
-- interaction_number <= timeline_refresh_state.covered_through.
--
-- The view's rows are carried over as they are: they match the covered_through already recorded. The refresh
-- advisory lock (TIMELINE_REFRESH_LOCK in src/timeline/timeline.service.ts) keeps a refresh of an instance still
-- running the previous version from changing the pair while they are copied.
SELECT pg_advisory_xact_lock(7250261126);

CREATE TABLE "interaction_daily_counts_next" (
  "day" DATE NOT NULL,
  "resource_type_id" UUID NOT NULL,
  "action_id" UUID NOT NULL,
  "origin_id" UUID NOT NULL,
  "count" BIGINT NOT NULL
) WITH (fillfactor = 80);

INSERT INTO "interaction_daily_counts_next" ("day", "resource_type_id", "action_id", "origin_id", "count")
  SELECT "day", "resource_type_id", "action_id", "origin_id", "count" FROM "interaction_daily_counts";

DROP MATERIALIZED VIEW "interaction_daily_counts";
ALTER TABLE "interaction_daily_counts_next" RENAME TO "interaction_daily_counts";

-- The filters lead, so a request reads one contiguous range: (filters, day between start and end). The refresh
-- upserts on this key. fillfactor leaves room on each page so the refresh's updates of today's rows stay HOT
-- (no new index entries; the count is not indexed).
ALTER TABLE "interaction_daily_counts"
  ADD CONSTRAINT "interaction_daily_counts_key" PRIMARY KEY ("resource_type_id", "action_id", "origin_id", "day");
