-- The result of the last verification of the sealed log (docs/integrity.md, ADR 102), one row at most (id = 1): the
-- console's Integrity page shows it, and it must read the same after a reload and on every instance. Written by the
-- verify route and its GraphQL twin when a verification ends; absent before the first.
CREATE TABLE "integrity_verify_state" (
  "id"          INTEGER PRIMARY KEY CHECK ("id" = 1),
  "report"      JSONB NOT NULL,
  "verified_at" TIMESTAMPTZ(3) NOT NULL,
  "duration_ms" INTEGER NOT NULL,
  "verified_by" TEXT
);
