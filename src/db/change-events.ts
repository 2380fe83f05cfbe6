import type { Database } from './database';
import { baseOf } from './request-database';

/**
 * NOTIFY channel on which instances sharing a database announce changes: to cached rows (the topic names them), and
 * `interactions` from the statement trigger on `interactions` (new rows for the live feed). One channel, so each
 * instance holds one LISTEN connection.
 */
export const CHANGE_CHANNEL = 'interactions_cache_changed';

/** The topic the insert trigger announces (migration 20261207000000_feed_position): new interactions committed. */
export const INTERACTIONS_TOPIC = 'interactions';

/** Called with the topic that changed (`resourceType`, `apiKey`, …), or `null` for "anything may have changed". */
export type ChangeListener = (topic: string | null) => void;

const listeners = new WeakMap<Database, Set<ChangeListener>>();

/** Registers an in-process listener of changes to one open database (caches use it to drop stale rows). */
export function onChange(db: Database, listener: ChangeListener): void {
  let set = listeners.get(baseOf(db));
  if (!set) {
    set = new Set();
    listeners.set(baseOf(db), set);
  }
  set.add(listener);
}

function dispatch(db: Database, topic: string | null): void {
  for (const listener of listeners.get(baseOf(db)) ?? []) listener(topic);
}

/** Tells this process's listeners at once and, on PostgreSQL, every other instance (NOTIFY, best effort). */
export async function announceChange(db: Database, topic: string): Promise<void> {
  dispatch(db, topic);
  if (db.kind === 'postgres') {
    await db.sql.query(`SELECT pg_notify($1, $2)`, [CHANGE_CHANNEL, topic]).catch(() => undefined);
  }
}

/** The one LISTEN of each open database, shared by everyone who asked for it. */
const listening = new WeakMap<Database, { users: number; stop: Promise<() => Promise<void>> }>();

/**
 * LISTENs for announcements (other instances' on PostgreSQL; PGlite's own in process) and passes them to this
 * process's listeners; after a lost listening connection, listeners hear `null` (messages may have been missed).
 * Callers share one LISTEN connection per database; it closes when the last one stops. Resolves to a stop function.
 */
export async function listenForChanges(db: Database): Promise<() => Promise<void>> {
  const base = baseOf(db);
  if (!base.listen) return async () => undefined;
  let shared = listening.get(base);
  if (!shared) {
    const stop = base.listen(
      CHANGE_CHANNEL,
      (topic) => dispatch(base, topic),
      () => dispatch(base, null),
    );
    shared = { users: 0, stop };
    listening.set(base, shared);
    stop.catch(() => listening.delete(base));
  }
  shared.users += 1;
  const entry = shared;
  try {
    await entry.stop;
  } catch (error) {
    entry.users -= 1;
    throw error;
  }
  let stopped = false;
  return async () => {
    if (stopped) return;
    stopped = true;
    entry.users -= 1;
    if (entry.users > 0) return;
    if (listening.get(base) === entry) listening.delete(base);
    await (
      await entry.stop
    )();
  };
}
