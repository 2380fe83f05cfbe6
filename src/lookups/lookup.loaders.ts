import DataLoader from 'dataloader';
import type { Database } from '../db/database';
import { findLookupsByIds, type LookupKind, type LookupRecord } from './lookup.service';

function lookupLoader(db: Database, kind: LookupKind) {
  return new DataLoader<string, LookupRecord | null>((ids) => findLookupsByIds(db, kind, ids));
}

/** Loaders of lookups by id, one per kind. */
export function createLookupLoaders(db: Database) {
  return {
    resourceTypeById: lookupLoader(db, 'resourceType'),
    actionById: lookupLoader(db, 'action'),
    originById: lookupLoader(db, 'origin'),
  };
}
