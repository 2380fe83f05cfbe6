import { performance } from 'node:perf_hooks';
import { maintenanceTransaction } from '../db/long-running';
import type { Database, SqlExecutor } from '../db/database';
import { isLockNotAvailable } from '../db/errors';
import { AppError } from '../errors/app-error';
import { LOOKUP_KINDS, LOOKUP_KIND_NAMES } from '../lookups/lookup.kinds';
import { ANY_LOOKUP } from './timeline.daily-counts';
import { baseOf } from '../db/request-database';

/** Key of the advisory lock that keeps refreshes one at a time across every instance on one database. */
export const TIMELINE_REFRESH_LOCK = 7_250_261_126;
/** How long a refresh waits for in-flight writes to the interactions table before giving up. */
const SEAL_LOCK_TIMEOUT = '5s';

export interface RefreshTimelineOptions {
  /**
   * `true` (an explicit request): wait for a refresh running elsewhere, then refresh. `false` (the refresher):
   * skip when another refresh runs, and return null.
   */
  wait?: boolean;
  /**
   * Rebuild the table from every interaction instead of adding the new ones: a repair after rows covered by the
   * table were deleted or numbered by hand below `covered_through` (interactions are otherwise append-only, and
   * nothing in the service does it). Costs one pass over `interactions`; readers are not blocked meanwhile.
   */
  full?: boolean;
  /**
   * Refresh only when due, judged under the lock from what every instance did (so N instances with the same timers
   * refresh once, not N times): the counts are older than `ms` (0: age never makes it due), or at least `rows`
   * interaction numbers were handed out since (0: never due for that). Not due: returns null.
   */
  ifDue?: { ms: number; rows: number };
}

export interface TimelineRefresh {
  refreshedAt: Date;
  durationMs: number;
  /** `covered_through` after the refresh: the table counts every interaction numbered up to it. */
  coveredThrough: number;
  /** Interaction numbers the refresh rolled into the table (its range, gaps included). */
  rolledUp: number;
}

/** Refreshes running in this process, per database: one at a time, whoever asks. */
const refreshing = new WeakMap<Database, Promise<unknown>>();

/**
 * Brings the daily counts up to date: adds the interactions numbered after `covered_through` (or, with `full`,
 * rebuilds from all of them) and moves `covered_through`, while readers keep reading. Never two at once: an
 * in-process queue plus a PostgreSQL advisory lock across instances. Returns null when `wait` is false and a
 * refresh was running.
 */
export async function refreshTimeline(
  db: Database,
  { wait = true, full = false, ifDue }: RefreshTimelineOptions = {},
): Promise<TimelineRefresh | null> {
  const running = refreshing.get(baseOf(db));
  if (running && !wait) return null;
  const next = (running ?? Promise.resolve()).catch(() => undefined).then(() => runRefresh(db, wait, full, ifDue));
  refreshing.set(baseOf(db), next);
  try {
    return await next;
  } finally {
    if (refreshing.get(baseOf(db)) === next) refreshing.delete(baseOf(db));
  }
}

async function takeLock(tx: SqlExecutor, wait: boolean): Promise<boolean> {
  if (wait) {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [TIMELINE_REFRESH_LOCK]);
    return true;
  }
  const [{ locked }] = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [
    TIMELINE_REFRESH_LOCK,
  ]);
  return locked;
}

/**
 * Counts of the interactions numbered in ($1, $2], grouped like the table (UTC day × CUBE of the three lookups,
 * "any" as the all-zero UUID). The unique index on interaction_number serves the range.
 */
/** The lookup columns the daily counts group by, one per lookup kind (src/lookups/lookup.kinds.ts). */
const COLUMNS = LOOKUP_KIND_NAMES.map((kind) => LOOKUP_KINDS[kind].column);

const ROLLUP_SELECT = `SELECT (created_date AT TIME ZONE 'UTC')::date,
         ${COLUMNS.map((column) => `COALESCE(${column}, '${ANY_LOOKUP}')`).join(', ')},
         count(*)
    FROM interactions
   WHERE interaction_number > $1 AND interaction_number <= $2
   GROUP BY (created_date AT TIME ZONE 'UTC')::date, CUBE (${COLUMNS.join(', ')})`;

/** Adds the counts of the interactions numbered in ($1, $2] to the table (a new day or combination is a new row). */
const ROLLUP_ADD = `INSERT INTO interaction_daily_counts AS c (day, ${COLUMNS.join(', ')}, count)
  ${ROLLUP_SELECT}
  ON CONFLICT (${COLUMNS.join(', ')}, day) DO UPDATE SET count = c.count + EXCLUDED.count`;

/** Whether a refresh is due (see RefreshTimelineOptions.ifDue), read under the refresh lock. */
async function isDue(tx: SqlExecutor, { ms, rows }: { ms: number; rows: number }): Promise<boolean> {
  // 10% slack on the age: this instance's timer and the last refresh's commit time are a refresh's duration apart.
  const [due] = await tx.query<{ due: boolean }>(
    `SELECT ($1 > 0 AND (s.refreshed_at IS NULL OR s.refreshed_at < now() - make_interval(secs => $1 * 0.9 / 1000)))
         OR ($2 > 0 AND coalesce((SELECT max(interaction_number) FROM interactions), 0) - s.covered_through >= $2) AS due
       FROM timeline_refresh_state s WHERE s.id = 1`,
    [ms, rows],
  );
  return Boolean(due?.due);
}

async function runRefresh(
  db: Database,
  wait: boolean,
  full: boolean,
  ifDue?: { ms: number; rows: number },
): Promise<TimelineRefresh | null> {
  const started = performance.now();
  // 1. Seal: wait until no transaction is writing interactions (SHARE conflicts with the inserts' ROW
  //    EXCLUSIVE), then read the highest number. Every number at or below it now belongs to a finished
  //    transaction, so no row can later appear below it. Writers wait only for this short statement.
  const sealed = await maintenanceTransaction(db, async (tx) => {
    if (!(await takeLock(tx, wait))) return null;
    if (ifDue && !(await isDue(tx, ifDue))) return null;
    await tx.query(`SET LOCAL lock_timeout = '${SEAL_LOCK_TIMEOUT}'`);
    await tx.query('LOCK TABLE interactions IN SHARE MODE');
    const [{ max }] = await tx.query<{ max: number }>(
      'SELECT coalesce(max(interaction_number), 0) AS max FROM interactions',
    );
    return Number(max);
  }).catch((error: unknown) => {
    if (isLockNotAvailable(error))
      throw new AppError('UNAVAILABLE', 'Writes kept the interactions table busy; try the refresh again');
    throw error;
  });
  if (sealed === null) return null;
  // 2. Roll up, in one transaction: add the counts of the interactions numbered in (covered_through, sealed]
  //    and record covered_through = sealed. Readers see the old pair (table, covered_through) or the new one,
  //    never a mix. A full refresh empties the table and counts (0, sealed] instead; DELETE rather than
  //    TRUNCATE, whose exclusive lock would block readers for the whole rebuild.
  return maintenanceTransaction(db, async (tx) => {
    if (!(await takeLock(tx, wait))) return null;
    const [state] = await tx.query<{ coveredThrough: number }>(
      'SELECT covered_through AS "coveredThrough" FROM timeline_refresh_state WHERE id = 1 FOR UPDATE',
    );
    let from = Number(state.coveredThrough);
    if (full) {
      await tx.exec('DELETE FROM interaction_daily_counts');
      from = 0;
    }
    // Another instance may have sealed later than this one and refreshed in between: never move back (nothing to
    // add then). A full rebuild recounts (0, sealed], which may end below the old covered_through after deletes.
    const through = Math.max(from, sealed);
    if (through > from) await tx.query(ROLLUP_ADD, [from, through]);
    const durationMs = Math.round(performance.now() - started);
    const [row] = await tx.query<{ refreshedAt: Date }>(
      `UPDATE timeline_refresh_state SET covered_through = $1, refreshed_at = now(), duration_ms = $2 WHERE id = 1
       RETURNING refreshed_at AS "refreshedAt"`,
      [through, durationMs],
    );
    return { refreshedAt: new Date(row.refreshedAt), durationMs, coveredThrough: through, rolledUp: through - from };
  });
}

/**
 * Rebuilds the daily counts from every interaction inside the caller's transaction, without the seal: only for
 * a bulk load that nobody else writes to meanwhile (the benchmark's data set). Returns the new covered_through.
 */
export async function rebuildTimelineWithin(tx: SqlExecutor): Promise<number> {
  const [{ max }] = await tx.query<{ max: number }>(
    'SELECT coalesce(max(interaction_number), 0) AS max FROM interactions',
  );
  await tx.exec('DELETE FROM interaction_daily_counts');
  await tx.query(ROLLUP_ADD, [0, max]);
  await tx.query('UPDATE timeline_refresh_state SET covered_through = $1, refreshed_at = now() WHERE id = 1', [max]);
  return Number(max);
}

/**
 * How many interaction numbers were handed out since the last refresh (the live tail readers count, gaps of
 * rolled-back inserts included): two index reads, cheap enough to ask every second.
 */
export async function timelineTail(db: Database): Promise<number> {
  const [{ tail }] = await db.sql.query<{ tail: number }>(
    `SELECT coalesce((SELECT max(interaction_number) FROM interactions), 0)
            - (SELECT covered_through FROM timeline_refresh_state WHERE id = 1) AS tail`,
  );
  return Math.max(0, Number(tail));
}
