import type { Database } from '../db/database';
import { lookupRollupConditions, readWithCoverage } from '../timeline/timeline.daily-counts';
import {
  filterConditions,
  interactionWhere,
  isLookupOnlyFilter,
  parseInteractionFilter,
  type InteractionFilter,
  type ParsedInteractionFilter,
} from './interaction.filter';

const DAY_MS = 86_400_000;

export interface CountInteractionsOptions {
  filter?: InteractionFilter;
}

/**
 * The exact number of interactions matching a filter. Filters made of lookups and a date range — including no
 * filter at all, the console's first page — are counted from the timeline's daily counts (one row per whole day
 * in the range), plus, live, the rows of the partial days at the edges and the rows the daily counts do not cover
 * yet (numbered above covered_through): the same invariant as the timeline (docs/adr/003 and 004), so the total is
 * exact at any moment, and costs days + edge rows + recent rows instead of every match. Any other filter (resource,
 * user, unit of work, external reference, id) narrows to few rows and is counted by its index, index-only.
 */
export async function countInteractions(db: Database, { filter = {} }: CountInteractionsOptions): Promise<number> {
  return countParsedInteractions(db, parseInteractionFilter(filter));
}

/** countInteractions of a filter its caller has parsed already. */
export async function countParsedInteractions(db: Database, filter: ParsedInteractionFilter): Promise<number> {
  if (isLookupOnlyFilter(filter)) {
    const total = await countByRollup(db, filter);
    if (total !== null) return total;
  }
  const { where, params } = interactionWhere(filter);
  const [{ total }] = await db.sql.query<{ total: number }>(
    `SELECT count(*) AS total FROM interactions ${where}`,
    params,
    { prepare: true },
  );
  return total;
}

/** countInteractions by the daily counts; null when the range holds no whole UTC day (the index count is cheap then). */
async function countByRollup(db: Database, filter: ParsedInteractionFilter): Promise<number | null> {
  const { start: from, end: to } = filter.range;
  // Whole days inside the range [from, to): [firstDay, lastDay) at UTC midnights.
  const firstDay = from === null ? null : Math.ceil(from / DAY_MS) * DAY_MS;
  const lastDay = to === null ? null : Math.floor(to / DAY_MS) * DAY_MS;
  if (firstDay !== null && lastDay !== null && firstDay >= lastDay) return null;

  return readWithCoverage(db, async (covered) => {
    const params: unknown[] = [covered];
    const param = (value: unknown) => `$${params.push(value)}`;
    const tableFilters = lookupRollupConditions(filter, params).map((condition) => `AND ${condition}`);
    const liveFilters = filterConditions(filter, params, { range: false }).map((condition) => `AND ${condition}`);
    const first = firstDay === null ? null : param(new Date(firstDay));
    const last = lastDay === null ? null : param(new Date(lastDay));
    const days = [
      first && `AND day >= (${first}::timestamptz AT TIME ZONE 'UTC')::date`,
      last && `AND day < (${last}::timestamptz AT TIME ZONE 'UTC')::date`,
    ];
    const live = (range: string[]) =>
      `(SELECT count(*) FROM interactions WHERE ${range.join(' AND ')} ${liveFilters.join(' ')})`;
    const whole = [first && `created_date >= ${first}`, last && `created_date < ${last}`].filter(Boolean) as string[];
    const parts = [
      `(SELECT COALESCE(sum(count), 0) FROM interaction_daily_counts WHERE true ${days.filter(Boolean).join(' ')} ${tableFilters.join(' ')})`,
      // Whole days, rows the daily counts do not cover yet.
      live(['interaction_number > $1', ...whole]),
    ];
    // The partial days at the edges are counted live, whatever their numbers.
    if (from !== null && firstDay !== from) {
      parts.push(live([`created_date >= ${param(new Date(from))}`, `created_date < ${first}`]));
    }
    if (to !== null && lastDay !== to) {
      parts.push(live([`created_date >= ${last}`, `created_date < ${param(new Date(to))}`]));
    }
    // One statement, one snapshot: the table, the live rows and the covered_through they fit together with.
    const [row] = await db.sql.query<{ total: string | number; coveredThrough: number }>(
      `SELECT (${parts.join(' + ')})::bigint AS total,
         (SELECT covered_through FROM timeline_refresh_state WHERE id = 1) AS "coveredThrough"`,
      params,
      // One text per combination of filters and range edges: parsed once per connection. Its dates prune
      // partitions, so PostgreSQL still plans each execution for its values.
      { prepare: true },
    );
    return { value: Number(row.total), coveredThrough: row.coveredThrough };
  });
}
