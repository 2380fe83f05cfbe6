import DataLoader from 'dataloader';
import type { Database } from '../db/database';
import { findTraceSummaries, type TraceSummaryRecord } from './trace.service';

/** Trace summaries by uowId: every `Interaction.trace` and `Trace.summary` of a request in one statement. */
export function createTraceLoaders(db: Database) {
  return {
    traceSummaryByUowId: new DataLoader<string, TraceSummaryRecord | null>((uowIds) => findTraceSummaries(db, uowIds), {
      cacheKeyFn: (uowId) => uowId.toLowerCase(),
    }),
  };
}
