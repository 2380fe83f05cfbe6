-- Traces: trace pages and the timeline walk one unit of work in chronological order,
-- COALESCE(interaction_timestamp, created_date) then interaction_number. The key matches that order exactly, so a
-- page is a range scan with no sort, and the timeline a single ordered walk. (Not covering on purpose: a covering
-- index would be as wide as the table minus its JSON, on every insert, and would draw the summary's "numbered
-- above" scan away from interactions_uow_number_idx below.)
CREATE INDEX "interactions_uow_chrono_idx" ON "interactions"
  ("uow_id", (COALESCE("interaction_timestamp", "created_date")), "interaction_number");

-- Activity: "which units of work touched these resources (of this type) in this period".
CREATE INDEX "interactions_activity_idx" ON "interactions" ("resource_id", "resource_type_id", "created_date");

-- Trace summaries, maintained incrementally on read (see trace.service.ts findTraceSummaries): the aggregates of a
-- unit of work up to interaction number `upto_number`. A summary read adds only the interactions numbered above it
-- (found through interactions_uow_number_idx), so a 100,000-row trace is summarised once, then in O(new rows).
-- Only "settled" interactions (recorded more than 30 s ago) are folded in, so an insert still in flight when the
-- summary was taken cannot be skipped for ever. Nothing on the write path touches this table.
CREATE TABLE "trace_summaries" (
  "uow_id" UUID PRIMARY KEY,
  "upto_number" BIGINT NOT NULL,
  "total" BIGINT NOT NULL,
  "start_time" TIMESTAMPTZ(3) NOT NULL,
  "end_time" TIMESTAMPTZ(3) NOT NULL,
  "action_ids" UUID[] NOT NULL,
  "resource_type_ids" UUID[] NOT NULL,
  "origin_ids" UUID[] NOT NULL,
  "user_ids" TEXT[] NOT NULL,
  "resource_ids" TEXT[] NOT NULL,
  "updated_date" TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX "interactions_uow_number_idx" ON "interactions" ("uow_id", "interaction_number");
