import DataLoader from 'dataloader';
import type { Database } from '../db/database';
import { findTraceRetainedFrom } from '../retention/retained-from';
import { findTraceSummaries, type TraceSummaryRecord } from './trace.service';

/** Trace summaries by uowId: every `Interaction.trace` and `Trace.summary` of a request in one statement. */
export function createTraceLoaders(db: Database) {
  return {
    traceSummaryByUowId: new DataLoader<string, TraceSummaryRecord | null>((uowIds) => findTraceSummaries(db, uowIds), {
      cacheKeyFn: (uowId) => uowId.toLowerCase(),
    }),
    /** When retention removed part of a unit of work: the end of the latest such drop (Trace.retainedFrom). */
    traceRetainedFromByUowId: new DataLoader<string, Date | null>((uowIds) => findTraceRetainedFrom(db.sql, uowIds), {
      cacheKeyFn: (uowId) => uowId.toLowerCase(),
    }),
  };
}
