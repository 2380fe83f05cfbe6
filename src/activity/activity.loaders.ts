import DataLoader from 'dataloader';
import type { Database } from '../db/database';
import type { InteractionRecord } from '../interactions/interaction.model';
import { findActivityGroupInteractions, type ActivityGroupInteractionsKey } from './activity.service';

/** Interactions of activity groups, keyed by (userId, uowId) plus the search and limit: one statement per page. */
export function createActivityLoaders(db: Database) {
  return {
    activityGroupInteractions: new DataLoader<ActivityGroupInteractionsKey, InteractionRecord[], string>(
      (keys) => findActivityGroupInteractions(db, keys),
      { cacheKeyFn: (key) => JSON.stringify([key.userId, key.uowId, key.match, key.limit ?? null]) },
    ),
  };
}
