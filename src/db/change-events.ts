import type { Database } from './database';

/** NOTIFY channel on which instances sharing a PostgreSQL database announce changes to cached rows. */
export const CHANGE_CHANNEL = 'interactions_cache_changed';

/** Called with the topic that changed (`resourceType`, `apiKey`, …), or `null` for "anything may have changed". */
export type ChangeListener = (topic: string | null) => void;

const listeners = new WeakMap<Database, Set<ChangeListener>>();

/** Registers an in-process listener of changes to one open database (caches use it to drop stale rows). */
export function onChange(db: Database, listener: ChangeListener): void {
  let set = listeners.get(db);
  if (!set) {
    set = new Set();
    listeners.set(db, set);
  }
  set.add(listener);
}

function dispatch(db: Database, topic: string | null): void {
  for (const listener of listeners.get(db) ?? []) listener(topic);
}

/** Tells this process's listeners at once and, on PostgreSQL, every other instance (NOTIFY, best effort). */
export async function announceChange(db: Database, topic: string): Promise<void> {
  dispatch(db, topic);
  if (db.kind === 'postgres') {
    await db.sql.query(`SELECT pg_notify($1, $2)`, [CHANGE_CHANNEL, topic]).catch(() => undefined);
  }
}

/**
 * LISTENs for other instances' announcements (PostgreSQL) and passes them to this process's listeners; after a
 * lost listening connection, listeners hear `null` (messages may have been missed). Resolves to a stop function.
 */
export async function listenForChanges(db: Database): Promise<() => Promise<void>> {
  if (!db.listen) return async () => undefined;
  return db.listen(
    CHANGE_CHANNEL,
    (topic) => dispatch(db, topic),
    () => dispatch(db, null),
  );
}
