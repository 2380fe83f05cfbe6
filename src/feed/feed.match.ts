import type { Database } from '../db/database';
import { AppError } from '../errors/app-error';
import {
  INTERACTION_FILTERS,
  type InteractionFilterKey,
  type ParsedInteractionFilter,
} from '../interactions/interaction.filter';
import type { InteractionRecord } from '../interactions/interaction.model';
import { resolveLookupId } from '../lookups/lookup.service';

/** Whether a row already in memory matches a subscriber's filter. */
export type FeedMatcher = (record: InteractionRecord) => boolean;

/**
 * The in-memory twin of the filter's SQL (interaction.filter.ts declares both, field by field): the live feed reads each
 * new row once and matches it against every subscriber here. A lookup mnemonic is resolved to its id once, at
 * subscription; an unknown one matches nothing, as in the list.
 */
export async function feedMatcher(db: Database, filter: ParsedInteractionFilter): Promise<FeedMatcher> {
  const tests: FeedMatcher[] = [];
  for (const key of Object.keys(filter.values) as InteractionFilterKey[]) {
    const spec = INTERACTION_FILTERS[key];
    let wanted: string | null = filter.values[key] ?? null;
    if (spec.lookup && wanted !== null) {
      wanted = await resolveLookupId(db, spec.lookup, { mnemonic: wanted }).catch((error: unknown) => {
        if (error instanceof AppError && error.code === 'UNKNOWN_LOOKUP') return null;
        throw error;
      });
      if (wanted === null) return () => false;
    }
    tests.push((record) => record[spec.field] === wanted);
  }
  const { start, end } = filter.range;
  if (start !== null) tests.push((record) => new Date(record.createdDate).getTime() >= start);
  if (end !== null) tests.push((record) => new Date(record.createdDate).getTime() < end);
  return (record) => tests.every((test) => test(record));
}
