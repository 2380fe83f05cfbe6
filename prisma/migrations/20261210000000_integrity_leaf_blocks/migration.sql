-- The leaves of a checkpoint as one row per checkpoint (ADR 109): five byte strings holding, leaf after leaf in tree
-- order, the row's id (16 bytes), its number and its created date (milliseconds since 1970, UTC) as big-endian 64-bit
-- integers, its leaf hash (32 bytes) and its field hints (2 bytes per field). A row per leaf cost PostgreSQL more than
-- half of sealing's CPU (a heap tuple and two index entries, one of them at a random place in a uuid index); a block is
-- one tuple and its TOAST chunks. Stored uncompressed (EXTERNAL): hashes do not compress, and a proof reads only the
-- hashes.
CREATE TABLE integrity_leaf_blocks (
  checkpoint_seq bigint PRIMARY KEY,
  ids            bytea NOT NULL,
  numbers        bytea NOT NULL,
  created_dates  bytea NOT NULL,
  leaf_hashes    bytea NOT NULL,
  field_hints    bytea NOT NULL
);
ALTER TABLE integrity_leaf_blocks
  ALTER COLUMN ids SET STORAGE EXTERNAL,
  ALTER COLUMN numbers SET STORAGE EXTERNAL,
  ALTER COLUMN created_dates SET STORAGE EXTERNAL,
  ALTER COLUMN leaf_hashes SET STORAGE EXTERNAL,
  ALTER COLUMN field_hints SET STORAGE EXTERNAL;

-- The leaves sealed so far, moved as they are.
INSERT INTO integrity_leaf_blocks (checkpoint_seq, ids, numbers, created_dates, leaf_hashes, field_hints)
SELECT checkpoint_seq,
  string_agg(uuid_send(interaction_id), ''::bytea ORDER BY leaf_index),
  string_agg(int8send(interaction_number), ''::bytea ORDER BY leaf_index),
  string_agg(int8send((extract(epoch FROM created_date) * 1000)::bigint), ''::bytea ORDER BY leaf_index),
  string_agg(leaf_hash, ''::bytea ORDER BY leaf_index),
  string_agg(field_hints, ''::bytea ORDER BY leaf_index)
FROM integrity_leaves
GROUP BY checkpoint_seq;

DROP TABLE integrity_leaves;

-- A proof finds its row's checkpoint by feed position: the first whose range ends at or after it.
CREATE UNIQUE INDEX integrity_checkpoints_through_idx ON integrity_checkpoints (through_xid, through_number);
