-- Idempotency keys: a retried create with the same key and body returns the original interactions.
-- interaction_ids are chosen when the key is first claimed, so a retry after a crash between claim and write
-- writes the same ids again (or finds them), never a second copy.
CREATE TABLE "idempotency_keys" (
  "api_key_id" UUID NOT NULL,
  "key" TEXT NOT NULL,
  "request_hash" TEXT NOT NULL,
  "interaction_ids" UUID[] NOT NULL,
  "created_date" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("api_key_id", "key")
);
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" ("created_date");
