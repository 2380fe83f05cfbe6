import { performance } from 'node:perf_hooks';
import type { Database, SqlExecutor } from '../db/database';
import { AppError } from '../errors/app-error';
import { normalizeMnemonic } from '../lookups/lookup.service';
import { parseDateBound } from '../validation';

/** Bucket sizes, finest first. Each divides a UTC day, so flooring epoch milliseconds aligns to UTC. */
export const GRANULARITIES = ['15min', 'hour', '6hour', 'day'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

const STEP_MS: Record<Granularity, number> = {
  '15min': 900_000,
  hour: 3_600_000,
  '6hour': 21_600_000,
  day: 86_400_000,
};
const STEP_SQL: Record<Granularity, string> = {
  '15min': '15 minutes',
  hour: '1 hour',
  '6hour': '6 hours',
  day: '1 day',
};
const DAY_MS = STEP_MS.day;

/** At most this many buckets per answer; more is a 400 naming the granularity to use instead. */
export const MAX_BUCKETS = 10_000;
export const DEFAULT_DAYS = 90;
export const MAX_DAYS = 3650;

/** Optional filters of the timeline, by mnemonic; an unknown mnemonic matches nothing (all counts zero). */
export interface TimelineFilter {
  resourceType?: string | null;
  action?: string | null;
  origin?: string | null;
}

export interface GetTimelineOptions {
  /** Whole UTC days ending with today (1–3650); default 90 when no range is given. */
  days?: number | null;
  /** Range start (ISO date or date-time); needs `endDate`. */
  startDate?: string | null;
  /** Range end (ISO date or date-time, a date-only value includes that whole UTC day); needs `startDate`. */
  endDate?: string | null;
  /** `15min`, `hour`, `6hour` or `day`; chosen from the span when absent (`day` for `days`). */
  granularity?: string | null;
  filter?: TimelineFilter | null;
  /** The current time (tests); default `new Date()`. */
  now?: Date;
}

export interface TimelineBucket {
  bucket: Date;
  count: number;
}

export interface Timeline {
  granularity: Granularity;
  /** Start of the first bucket (inclusive). */
  startDate: Date;
  /** End of the last bucket (exclusive). */
  endDate: Date;
  /** When the daily counts were last refreshed; null before the first refresh. */
  refreshedAt: Date | null;
  data: TimelineBucket[];
}

/** A resolved request: aligned range, bucket size, filter. */
interface TimelinePlan {
  granularity: Granularity;
  start: number;
  end: number;
  filter: TimelineFilter;
}

function isGranularity(value: string): value is Granularity {
  return (GRANULARITIES as readonly string[]).includes(value);
}

/** Granularity from the span of a range: ≤ 6 h → 15min, ≤ 2 days → hour, ≤ 14 days → 6hour, else day. */
export function granularityForSpan(spanMs: number): Granularity {
  if (spanMs <= 6 * 3_600_000) return '15min';
  if (spanMs <= 2 * DAY_MS) return 'hour';
  if (spanMs <= 14 * DAY_MS) return '6hour';
  return 'day';
}

function parseGranularity(value: string | null | undefined): Granularity | null {
  if (value == null || value === '') return null;
  if (!isGranularity(value)) {
    throw new AppError('VALIDATION_ERROR', `granularity must be one of ${GRANULARITIES.join(', ')}`, {
      field: 'granularity',
      allowed: GRANULARITIES,
    });
  }
  return value;
}

/** Turns the options into an aligned range; every validation rule of the timeline lives here. */
function planTimeline({
  days,
  startDate,
  endDate,
  granularity: granularityInput,
  filter,
  now = new Date(),
}: GetTimelineOptions): TimelinePlan {
  const explicit = parseGranularity(granularityInput);
  const hasRange = startDate != null || endDate != null;
  let granularity: Granularity;
  let start: number;
  let end: number;
  if (hasRange) {
    if (days != null) {
      throw new AppError('VALIDATION_ERROR', 'Give either days or startDate and endDate, not both', { field: 'days' });
    }
    if (startDate == null || endDate == null) {
      const field = startDate == null ? 'startDate' : 'endDate';
      throw new AppError('VALIDATION_ERROR', 'startDate and endDate go together', { field });
    }
    const from = parseDateBound(startDate, 'startDate', 'start');
    const to = parseDateBound(endDate, 'endDate', 'end');
    // A date-only endDate arrives as the exclusive start of the next day: equal to startDate is already after it.
    if (from.date.getTime() > to.date.getTime() || (to.exclusive && from.date.getTime() === to.date.getTime())) {
      throw new AppError('VALIDATION_ERROR', 'startDate must not be after endDate', { field: 'startDate' });
    }
    granularity = explicit ?? granularityForSpan(to.date.getTime() - from.date.getTime());
    const step = STEP_MS[granularity];
    start = Math.floor(from.date.getTime() / step) * step;
    // An exclusive end (date-only endDate) closes at the next boundary; an inclusive one needs its own bucket.
    end = to.exclusive
      ? Math.ceil(to.date.getTime() / step) * step
      : Math.floor(to.date.getTime() / step) * step + step;
  } else {
    const count = days ?? DEFAULT_DAYS;
    if (!Number.isInteger(count) || count < 1 || count > MAX_DAYS) {
      throw new AppError('VALIDATION_ERROR', `days must be an integer from 1 to ${MAX_DAYS}`, { field: 'days' });
    }
    granularity = explicit ?? 'day';
    end = Math.floor(now.getTime() / DAY_MS) * DAY_MS + DAY_MS;
    start = end - count * DAY_MS;
  }
  const buckets = (end - start) / STEP_MS[granularity];
  if (buckets > MAX_BUCKETS) throw tooManyBuckets(granularity, start, end, buckets);
  return { granularity, start, end, filter: normalizeLookupFilter(filter ?? {}) };
}

function tooManyBuckets(granularity: Granularity, start: number, end: number, buckets: number): AppError {
  const coarser = GRANULARITIES.slice(GRANULARITIES.indexOf(granularity) + 1).find(
    (g) => Math.ceil(end / STEP_MS[g]) - Math.floor(start / STEP_MS[g]) <= MAX_BUCKETS,
  );
  const details = { field: 'granularity', buckets, maxBuckets: MAX_BUCKETS, suggestedGranularity: coarser ?? null };
  if (!coarser) {
    return new AppError('VALIDATION_ERROR', `The range spans more than ${MAX_BUCKETS} days; shorten it`, details);
  }
  return new AppError(
    'VALIDATION_ERROR',
    `The range gives ${buckets} buckets of ${granularity} (at most ${MAX_BUCKETS}); use granularity=${coarser} or coarser`,
    details,
  );
}

/** Lookup filters with their mnemonics normalised (VALIDATION_ERROR for a malformed one). */
export function normalizeLookupFilter(filter: TimelineFilter): TimelineFilter {
  return {
    resourceType: filter.resourceType == null ? null : normalizeMnemonic(filter.resourceType, 'resourceType'),
    action: filter.action == null ? null : normalizeMnemonic(filter.action, 'action'),
    origin: filter.origin == null ? null : normalizeMnemonic(filter.origin, 'origin'),
  };
}

/** Stands for "any" in the table's lookup columns (CUBE rows that do not group by that lookup). */
export const ANY_LOOKUP = '00000000-0000-0000-0000-000000000000';

const FILTER_COLUMNS = [
  { key: 'resourceType', column: 'resource_type_id', table: 'resource_types' },
  { key: 'action', column: 'action_id', table: 'actions' },
  { key: 'origin', column: 'origin_id', table: 'origins' },
] as const;

/**
 * Lookup filters as SQL; values become parameters. On interactions an absent filter adds nothing; on the table
 * it selects the "any" rows, so every combination is one row per day. An unknown mnemonic matches nothing.
 */
export function lookupFilterClauses(filter: TimelineFilter, params: unknown[], on: 'interactions' | 'table'): string {
  const clauses: string[] = [];
  for (const { key, column, table } of FILTER_COLUMNS) {
    const value = filter[key];
    if (value == null) {
      if (on === 'table') clauses.push(`AND ${column} = '${ANY_LOOKUP}'`);
      continue;
    }
    params.push(value);
    clauses.push(`AND ${column} = (SELECT id FROM ${table} WHERE mnemonic = $${params.length})`);
  }
  return clauses.join(' ');
}

interface CountRow {
  kind: 'state' | 'count';
  bucket: Date | null;
  count: number;
  refreshedAt: Date | null;
}

/**
 * The last `covered_through` this process saw, per database. Readers pass it as a literal so the planner sees
 * how small the live tail is; the statement also returns the current value and is re-run if they differ.
 */
const coveredThroughSeen = new WeakMap<Database, number>();

const STATE_ROW = `SELECT 'state' AS kind, NULL::timestamptz AS bucket, covered_through AS count, refreshed_at AS "refreshedAt"
  FROM timeline_refresh_state WHERE id = 1`;

/** Day buckets: the daily counts table for the interactions it covers, plus the live tail after its covered_through, one snapshot. */
async function countDays(db: Database, plan: TimelinePlan, coveredThrough: number): Promise<CountRow[]> {
  const params: unknown[] = [new Date(plan.start), new Date(plan.end), coveredThrough];
  const tableFilters = lookupFilterClauses(plan.filter, params, 'table');
  const liveFilters = lookupFilterClauses(plan.filter, params, 'interactions');
  return db.sql.query<CountRow>(
    `${STATE_ROW}
     UNION ALL
     SELECT 'count', (day::timestamp AT TIME ZONE 'UTC'), count, NULL
       FROM interaction_daily_counts
      WHERE day >= ($1::timestamptz AT TIME ZONE 'UTC')::date AND day < ($2::timestamptz AT TIME ZONE 'UTC')::date ${tableFilters}
     UNION ALL
     SELECT 'count', date_trunc('day', created_date AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', count(*), NULL
       FROM interactions
      WHERE interaction_number > $3 AND created_date >= $1 AND created_date < $2 ${liveFilters}
      GROUP BY 2`,
    params,
  );
}

/** Sub-day buckets: counted live from interactions (the created_date index serves the range). */
async function countLive(db: Database, plan: TimelinePlan): Promise<CountRow[]> {
  const params: unknown[] = [new Date(plan.start), new Date(plan.end)];
  const filters = lookupFilterClauses(plan.filter, params, 'interactions');
  return db.sql.query<CountRow>(
    `${STATE_ROW}
     UNION ALL
     SELECT 'count', date_bin('${STEP_SQL[plan.granularity]}'::interval, created_date, TIMESTAMPTZ '2000-01-01 00:00:00+00'),
            count(*), NULL
       FROM interactions
      WHERE created_date >= $1 AND created_date < $2 ${filters}
      GROUP BY 2`,
    params,
  );
}

async function readCounts(db: Database, plan: TimelinePlan): Promise<{ rows: CountRow[]; state: CountRow }> {
  if (plan.granularity !== 'day') {
    const rows = await countLive(db, plan);
    return { rows, state: stateOf(rows) };
  }
  return readWithCoverage(db, async (coveredThrough) => {
    const rows = await countDays(db, plan, coveredThrough);
    const state = stateOf(rows);
    return { value: { rows, state }, coveredThrough: state.count };
  });
}

/**
 * Runs `read` — one statement that counts the daily counts table up to `coveredThrough` plus the live rows above
 * it, and also returns the current covered_through — with the last covered_through this process saw. A refresh
 * committing in between changes it: then `read` runs again with the new value. Refreshes are far apart, so a
 * second round is rare and a third rarer still. The timeline and the interaction list's totals both read this way.
 */
export async function readWithCoverage<T>(
  db: Database,
  read: (coveredThrough: number) => Promise<{ value: T; coveredThrough: number }>,
): Promise<T> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const expected = coveredThroughSeen.get(db) ?? (await readCoveredThrough(db));
    const { value, coveredThrough } = await read(expected);
    coveredThroughSeen.set(db, coveredThrough);
    if (coveredThrough === expected) return value;
  }
  throw new AppError('UNAVAILABLE', 'The timeline is being refreshed; try again');
}

async function readCoveredThrough(db: Database): Promise<number> {
  const [row] = await db.sql.query<{ coveredThrough: number }>(
    'SELECT covered_through AS "coveredThrough" FROM timeline_refresh_state WHERE id = 1',
  );
  return row.coveredThrough;
}

function stateOf(rows: CountRow[]): CountRow {
  const state = rows.find((row) => row.kind === 'state');
  if (!state) throw new AppError('INTERNAL', 'timeline_refresh_state has no row');
  return state;
}

/**
 * Interaction counts per bucket over a range, by creation time (`created_date`), every bucket present and
 * zero-filled, exact up to now: day buckets come from the daily counts table plus a live count of what it does
 * not cover yet; sub-day buckets are counted live.
 */
export async function getTimeline(db: Database, options: GetTimelineOptions): Promise<Timeline> {
  const plan = planTimeline(options);
  const { rows, state } = await readCounts(db, plan);
  const step = STEP_MS[plan.granularity];
  const counts = new Float64Array((plan.end - plan.start) / step);
  for (const row of rows) {
    if (row.kind !== 'count' || row.bucket === null) continue;
    const index = Math.floor((new Date(row.bucket).getTime() - plan.start) / step);
    if (index >= 0 && index < counts.length) counts[index] += Number(row.count);
  }
  const data: TimelineBucket[] = new Array(counts.length);
  for (let i = 0; i < counts.length; i += 1) data[i] = { bucket: new Date(plan.start + i * step), count: counts[i] };
  return {
    granularity: plan.granularity,
    startDate: new Date(plan.start),
    endDate: new Date(plan.end),
    refreshedAt: state.refreshedAt ? new Date(state.refreshedAt) : null,
    data,
  };
}

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
  { wait = true, full = false }: RefreshTimelineOptions = {},
): Promise<TimelineRefresh | null> {
  const running = refreshing.get(db);
  if (running && !wait) return null;
  const next = (running ?? Promise.resolve()).catch(() => undefined).then(() => runRefresh(db, wait, full));
  refreshing.set(db, next);
  try {
    return await next;
  } finally {
    if (refreshing.get(db) === next) refreshing.delete(db);
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
const ROLLUP_SELECT = `SELECT (created_date AT TIME ZONE 'UTC')::date,
         COALESCE(resource_type_id, '${ANY_LOOKUP}'), COALESCE(action_id, '${ANY_LOOKUP}'), COALESCE(origin_id, '${ANY_LOOKUP}'),
         count(*)
    FROM interactions
   WHERE interaction_number > $1 AND interaction_number <= $2
   GROUP BY (created_date AT TIME ZONE 'UTC')::date, CUBE (resource_type_id, action_id, origin_id)`;

/** Adds the counts of the interactions numbered in ($1, $2] to the table (a new day or combination is a new row). */
const ROLLUP_ADD = `INSERT INTO interaction_daily_counts AS c (day, resource_type_id, action_id, origin_id, count)
  ${ROLLUP_SELECT}
  ON CONFLICT (resource_type_id, action_id, origin_id, day) DO UPDATE SET count = c.count + EXCLUDED.count`;

async function runRefresh(db: Database, wait: boolean, full: boolean): Promise<TimelineRefresh | null> {
  const started = performance.now();
  // 1. Seal: wait until no transaction is writing interactions (SHARE conflicts with the inserts' ROW
  //    EXCLUSIVE), then read the highest number. Every number at or below it now belongs to a finished
  //    transaction, so no row can later appear below it. Writers wait only for this short statement.
  const sealed = await db
    .transaction(async (tx) => {
      if (!(await takeLock(tx, wait))) return null;
      await tx.query(`SET LOCAL lock_timeout = '${SEAL_LOCK_TIMEOUT}'`);
      await tx.query('LOCK TABLE interactions IN SHARE MODE');
      const [{ max }] = await tx.query<{ max: number }>(
        'SELECT coalesce(max(interaction_number), 0) AS max FROM interactions',
      );
      return Number(max);
    })
    .catch((error: unknown) => {
      if (isLockTimeout(error))
        throw new AppError('UNAVAILABLE', 'Writes kept the interactions table busy; try the refresh again');
      throw error;
    });
  if (sealed === null) return null;
  // 2. Roll up, in one transaction: add the counts of the interactions numbered in (covered_through, sealed]
  //    and record covered_through = sealed. Readers see the old pair (table, covered_through) or the new one,
  //    never a mix. A full refresh empties the table and counts (0, sealed] instead; DELETE rather than
  //    TRUNCATE, whose exclusive lock would block readers for the whole rebuild.
  return db.transaction(async (tx) => {
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

function isLockTimeout(error: unknown): boolean {
  // 55P03 lock_not_available (lock_timeout).
  return (
    typeof error === 'object' && error !== null && 'code' in error && (error as { code: unknown }).code === '55P03'
  );
}
