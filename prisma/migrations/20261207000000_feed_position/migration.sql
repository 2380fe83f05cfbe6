-- The live feed's position (docs/adr/100-live-feed.md). Every row records the id of the transaction that wrote
-- it; the feed hands out only rows whose transaction id is below the oldest transaction still running
-- (pg_snapshot_xmin(pg_current_snapshot())), in (feed_xid, interaction_number) order. Interaction numbers are drawn
-- before commit, so number N+1 can be visible while N is not; a transaction id below the horizon can never commit
-- later, so the feed never hands out a position before one that is still on its way.

-- Rows written before this migration were all committed long ago: they share position 0, ordered by number. A constant
-- default keeps this ALTER a catalogue change (no table rewrite); new rows then take their writer's id.
ALTER TABLE interactions ADD COLUMN feed_xid xid8 NOT NULL DEFAULT '0';
ALTER TABLE interactions ALTER COLUMN feed_xid SET DEFAULT pg_current_xact_id();

-- The feed's reads walk this index from the last position handed out.
CREATE INDEX interactions_feed_position_idx ON interactions (feed_xid, interaction_number);

-- One NOTIFY per inserting statement (a coalesced group or a batch is one statement) wakes the feed's reader in every
-- instance once the writing transaction commits; NOTIFY is delivered only on commit, never for a rollback. It goes on
-- the channel the instances already LISTEN on for cache changes (src/db/change-events.ts), topic 'interactions', so an
-- instance keeps one LISTEN connection.
CREATE FUNCTION interactions_feed_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('interactions_cache_changed', 'interactions');
  RETURN NULL;
END
$$;

CREATE TRIGGER interactions_feed_notify AFTER INSERT ON interactions
  FOR EACH STATEMENT EXECUTE FUNCTION interactions_feed_notify();
