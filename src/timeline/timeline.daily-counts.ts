import type { Database } from '../db/database';
import { AppError } from '../errors/app-error';
import { INTERACTION_FILTERS, type ParsedInteractionFilter } from '../interactions/interaction.filter';
import { LOOKUP_KINDS, LOOKUP_KIND_NAMES, type LookupKind } from '../lookups/lookup.kinds';
import { baseOf } from '../db/request-database';

/**
 * The daily-counts store: `interaction_daily_counts` holds, per UTC day and per CUBE of the three lookups, how many
 * interactions numbered up to `timeline_refresh_state.covered_through` were created; readers add the live rows above
 * it (docs/adr/003, 004). This module owns the table's vocabulary; the timeline and the list's totals read through it.
 */

/** Stands for "any" in the table's lookup columns (CUBE rows that do not group by that lookup). */
export const ANY_LOOKUP = '00000000-0000-0000-0000-000000000000';

/** The mnemonic each lookup kind is filtered by in a parsed filter, if any. */
function lookupValues(filter: ParsedInteractionFilter): Partial<Record<LookupKind, string>> {
  const values: Partial<Record<LookupKind, string>> = {};
  for (const [key, value] of Object.entries(filter.values)) {
    const kind = INTERACTION_FILTERS[key as keyof typeof INTERACTION_FILTERS].lookup;
    if (kind && value !== undefined) values[kind] = value;
  }
  return values;
}

/**
 * The lookup filters as conditions on interaction_daily_counts, values pushed onto `params`: a filtered kind selects
 * its id (an unknown mnemonic matches nothing), an unfiltered one the "any" rows, so every combination is one row a
 * day. Only for filters isLookupOnlyFilter accepts.
 */
export function lookupRollupConditions(filter: ParsedInteractionFilter, params: unknown[]): string[] {
  const values = lookupValues(filter);
  return LOOKUP_KIND_NAMES.map((kind) => {
    const { column, table } = LOOKUP_KINDS[kind];
    const value = values[kind];
    if (value === undefined) return `${column} = '${ANY_LOOKUP}'`;
    return `${column} = (SELECT id FROM ${table} WHERE mnemonic = $${params.push(value)})`;
  });
}

/**
 * The last `covered_through` this process saw, per database. Readers pass it as a literal so the planner sees
 * how small the live tail is; the statement also returns the current value and is re-run if they differ.
 */
const coveredThroughSeen = new WeakMap<Database, number>();

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
    const expected = coveredThroughSeen.get(baseOf(db)) ?? (await readCoveredThrough(db));
    const { value, coveredThrough } = await read(expected);
    coveredThroughSeen.set(baseOf(db), coveredThrough);
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
