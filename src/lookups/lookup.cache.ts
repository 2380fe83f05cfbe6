import { announceChange, onChange } from '../db/change-events';
import type { Database } from '../db/database';
import { isLookupKind, type LookupKind, type LookupRecord } from './lookup.kinds';
import { baseOf } from '../db/request-database';

interface KindCache {
  byId: Map<string, LookupRecord>;
  byMnemonic: Map<string, LookupRecord>;
}

/**
 * Lookups by id and mnemonic, kept in memory for the life of the process. Only rows that exist are cached (an
 * unknown id or mnemonic is asked of the database every time, so a lookup created elsewhere is seen at once);
 * every create/update/delete through the service clears the kind here and, on PostgreSQL, in every other instance
 * (src/db/change-events.ts: LISTEN/NOTIFY). Lookup tables are small, so the memory is bounded by their size.
 */
export class LookupCache {
  private readonly kinds = new Map<LookupKind, KindCache>();

  private cacheOf(kind: LookupKind): KindCache {
    let cache = this.kinds.get(kind);
    if (!cache) {
      cache = { byId: new Map(), byMnemonic: new Map() };
      this.kinds.set(kind, cache);
    }
    return cache;
  }

  /** Cached row by id, or undefined when not cached. */
  getById(kind: LookupKind, id: string): LookupRecord | undefined {
    return this.kinds.get(kind)?.byId.get(id);
  }

  /** Cached row by (normalised) mnemonic, or undefined when not cached. */
  getByMnemonic(kind: LookupKind, mnemonic: string): LookupRecord | undefined {
    return this.kinds.get(kind)?.byMnemonic.get(mnemonic);
  }

  /** Remembers rows read from the database. */
  remember(kind: LookupKind, rows: readonly LookupRecord[]): void {
    const cache = this.cacheOf(kind);
    for (const row of rows) {
      cache.byId.set(row.id, row);
      cache.byMnemonic.set(row.mnemonic, row);
    }
  }

  /** Forgets one kind (after a change), or every kind (when change notifications may have been missed). */
  invalidate(kind?: LookupKind): void {
    if (kind) this.kinds.delete(kind);
    else this.kinds.clear();
  }
}

const caches = new WeakMap<Database, LookupCache>();

/** The cache of one open database (one per Database object, so tests on fresh databases never share one). */
export function lookupCacheOf(db: Database): LookupCache {
  let cache = caches.get(baseOf(db));
  if (!cache) {
    const created = new LookupCache();
    onChange(db, (topic) => {
      if (topic === null) created.invalidate();
      else if (isLookupKind(topic)) created.invalidate(topic);
    });
    caches.set(baseOf(db), created);
    cache = created;
  }
  return cache;
}

/** Drops the kind from this process's cache and tells other instances to do the same. */
export function lookupsChanged(db: Database, kind: LookupKind): Promise<void> {
  return announceChange(db, kind);
}
