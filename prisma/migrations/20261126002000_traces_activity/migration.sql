-- Traces: every trace read (page, timeline, summary) walks one unit of work in chronological order,
-- COALESCE(interaction_timestamp, created_date) then interaction_number. The key matches that order, so a
-- page is a range scan with no sort; INCLUDE carries every narrow column the timeline and the summary read,
-- so both are index-only scans that never touch the heap rows (and their JSON) of a large trace.
-- interaction_timestamp and created_date are included because PostgreSQL only plans an index-only scan over
-- an expression index when the expression's own columns are in the index too.
CREATE INDEX "interactions_uow_chrono_idx" ON "interactions"
  ("uow_id", (COALESCE("interaction_timestamp", "created_date")), "interaction_number")
  INCLUDE ("id", "resource_id", "resource_type_id", "action_id", "origin_id", "user_id", "interaction_timestamp", "created_date");

-- Activity: "which units of work touched these resources (of this type) in this period".
CREATE INDEX "interactions_activity_idx" ON "interactions" ("resource_id", "resource_type_id", "created_date");
