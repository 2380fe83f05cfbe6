import type { Database } from '../db/database';
import { createLookupLoaders } from '../lookups/lookup.loaders';
import { createTraceLoaders } from '../traces/trace.loaders';
import { createActivityLoaders } from '../activity/activity.loaders';

/** Builds this request's DataLoaders: one per lookup and per batched relation, never shared across requests. */
export function createLoaders(db: Database) {
  return { lookups: createLookupLoaders(db), ...createTraceLoaders(db), ...createActivityLoaders(db) };
}

export type Loaders = ReturnType<typeof createLoaders>;
