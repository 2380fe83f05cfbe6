import type { Database } from '../db/database';
import { AppError } from '../errors/app-error';
import { GRANULARITIES, type Granularity } from '../input/granularity';
import { filterConditions, isLookupOnlyFilter } from '../interactions/interaction.filter';
import { lookupRollupConditions, readWithCoverage } from './timeline.daily-counts';
import { getRetainedFrom } from '../retention/retained-from';
import { planTimeline, type GetTimelineOptions, type TimelinePlan } from './timeline.plan';

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
  /**
   * Set when retention dropped interactions inside the range: the time from which its counts are whole (buckets
   * before it count what is left, not what was). Null when nothing in the range was dropped.
   */
  retainedFrom: Date | null;
  data: TimelineBucket[];
}

interface CountRow {
  kind: 'state' | 'count';
  bucket: Date | null;
  count: number;
  refreshedAt: Date | null;
}

const STATE_ROW = `SELECT 'state' AS kind, NULL::timestamptz AS bucket, covered_through AS count, refreshed_at AS "refreshedAt"
  FROM timeline_refresh_state WHERE id = 1`;

const and = (conditions: string[]) => conditions.map((condition) => `AND ${condition}`).join(' ');

/**
 * Day buckets of a lookup-only filter: the daily counts table for the interactions it covers, plus the live tail
 * after its covered_through, in one snapshot.
 */
async function countDays(db: Database, plan: TimelinePlan, coveredThrough: number): Promise<CountRow[]> {
  const params: unknown[] = [new Date(plan.start), new Date(plan.end), coveredThrough];
  const tableFilters = and(lookupRollupConditions(plan.filter, params));
  const liveFilters = and(filterConditions(plan.filter, params, { range: false }));
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

/**
 * Buckets counted live from interactions: sub-day buckets, and every bucket of a filter the daily counts cannot
 * answer (a resource, a user, a unit of work, …), through that filter's index, which leads with its column and
 * then created_date, so the range is an index bound.
 */
async function countLive(db: Database, plan: TimelinePlan): Promise<CountRow[]> {
  const params: unknown[] = [new Date(plan.start), new Date(plan.end)];
  const filters = and(filterConditions(plan.filter, params, { range: false }));
  return db.sql.query<CountRow>(
    `${STATE_ROW}
     UNION ALL
     SELECT 'count', date_bin('${GRANULARITIES[plan.granularity].sql}'::interval, created_date, TIMESTAMPTZ '2000-01-01 00:00:00+00'),
            count(*), NULL
       FROM interactions
      WHERE created_date >= $1 AND created_date < $2 ${filters}
      GROUP BY 2`,
    params,
  );
}

function stateOf(rows: CountRow[]): CountRow {
  const state = rows.find((row) => row.kind === 'state');
  if (!state) throw new AppError('INTERNAL', 'timeline_refresh_state has no row');
  return state;
}

async function readCounts(db: Database, plan: TimelinePlan): Promise<{ rows: CountRow[]; state: CountRow }> {
  if (plan.granularity !== 'day' || !isLookupOnlyFilter(plan.filter)) {
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
 * Interaction counts per bucket over a range, by creation time (`created_date`), every bucket present and
 * zero-filled, exact up to now, for any filter of the interaction list: day buckets of lookup filters come from the
 * daily counts table plus a live count of what it does not cover yet; everything else is counted live.
 */
export async function getTimeline(db: Database, options: GetTimelineOptions): Promise<Timeline> {
  const plan = planTimeline(options);
  const [{ rows, state }, retainedFrom] = await Promise.all([
    readCounts(db, plan),
    getRetainedFrom(db.sql, { start: new Date(plan.start), end: new Date(plan.end) }),
  ]);
  const step = GRANULARITIES[plan.granularity].stepMs;
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
    retainedFrom,
    data,
  };
}
