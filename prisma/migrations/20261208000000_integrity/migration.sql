-- Tamper evidence (docs/integrity.md, docs/adr/101-integrity-checkpoints.md). A checkpoint seals the next closed
-- range of the live feed: the rows after the previous checkpoint's last position, up to a final position (every
-- transaction below it has ended, so no row can still land inside the range). It records the RFC 6962 Merkle root of
-- the range's rows in feed order, chains to the previous checkpoint's hash and is signed with Ed25519.
CREATE TABLE integrity_checkpoints (
  seq             bigint PRIMARY KEY,
  after_xid       xid8 NOT NULL,
  after_number    bigint NOT NULL,
  through_xid     xid8 NOT NULL,
  through_number  bigint NOT NULL,
  row_count       integer NOT NULL,
  merkle_root     text NOT NULL,
  previous_hash   text NOT NULL,
  checkpoint_hash text NOT NULL UNIQUE,
  key_id          text NOT NULL,
  signature       text NOT NULL,
  sealed_at       timestamptz(3) NOT NULL
);

-- The leaves of each checkpoint, in tree order: which row each one is and its hash, so that verification can name the
-- row that changed and a proof can be built without re-reading the rows. The signed root authenticates them; the
-- field hints (2 bytes of a hash per field) only name which field of an altered row changed.
CREATE TABLE integrity_leaves (
  checkpoint_seq     bigint NOT NULL,
  leaf_index         integer NOT NULL,
  interaction_id     uuid NOT NULL,
  interaction_number bigint NOT NULL,
  created_date       timestamptz(3) NOT NULL,
  leaf_hash          bytea NOT NULL,
  field_hints        bytea NOT NULL,
  PRIMARY KEY (checkpoint_seq, leaf_index)
);

-- A proof starts from the row's id.
CREATE INDEX integrity_leaves_interaction_idx ON integrity_leaves (interaction_id);
