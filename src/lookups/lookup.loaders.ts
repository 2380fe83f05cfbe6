import DataLoader from 'dataloader';
import type { Database } from '../db/database';
import { LOOKUP_KIND_NAMES, type LookupKind, type LookupRecord } from './lookup.kinds';
import { findLookupsByIds } from './lookup.service';

function lookupLoader(db: Database, kind: LookupKind) {
  return new DataLoader<string, LookupRecord | null>((ids) => findLookupsByIds(db, kind, ids));
}

/** Loaders of lookups by id, one per kind. */
export function createLookupLoaders(db: Database): Record<LookupKind, DataLoader<string, LookupRecord | null>> {
  return Object.fromEntries(LOOKUP_KIND_NAMES.map((kind) => [kind, lookupLoader(db, kind)])) as Record<
    LookupKind,
    DataLoader<string, LookupRecord | null>
  >;
}
