import type { Database } from '../db/database';
import type { LookupKind, LookupRecord } from './lookup.service';

/** Raw-SQL column list matching LookupRecord. */
export const LOOKUP_COLUMNS = `id, mnemonic, name, description, icon, font_color_hex AS "fontColorHex",
  bg_color_hex AS "bgColorHex", is_system AS "isSystem", created_date AS "createdDate", updated_date AS "updatedDate"`;

/** NOTIFY channel that tells every instance on the same PostgreSQL database to drop its lookup cache. */
export const LOOKUP_CHANGE_CHANNEL = 'interactions_lookup_changed';

interface KindCache {
  byId: Map<string, LookupRecord>;
  byMnemonic: Map<string, LookupRecord>;
}

/**
 * Lookups by id and mnemonic, kept in memory for the life of the process. Only rows that exist are cached (an
 * unknown id or mnemonic is asked of the database every time, so a lookup created elsewhere is seen at once);
 * every create/update/delete through the service clears the kind here and, on PostgreSQL, in every other instance
 * (LISTEN/NOTIFY on LOOKUP_CHANGE_CHANNEL). Lookup tables are small, so the memory is bounded by their size.
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
  let cache = caches.get(db);
  if (!cache) {
    cache = new LookupCache();
    caches.set(db, cache);
  }
  return cache;
}

/** Drops the kind from this process's cache and tells other instances to do the same. */
export async function lookupsChanged(db: Database, kind: LookupKind): Promise<void> {
  lookupCacheOf(db).invalidate(kind);
  if (db.kind === 'postgres') {
    // Best effort: a lost notification only delays other instances until their listener reconnects (which clears).
    await db.sql.query(`SELECT pg_notify($1, $2)`, [LOOKUP_CHANGE_CHANNEL, kind]).catch(() => undefined);
  }
}

/** Starts clearing this process's cache when another instance changes a lookup; resolves to a stop function. */
export async function listenForLookupChanges(db: Database): Promise<() => Promise<void>> {
  if (!db.listen) return async () => undefined;
  const cache = lookupCacheOf(db);
  return db.listen(
    LOOKUP_CHANGE_CHANNEL,
    (payload) => {
      const kind = payload as LookupKind;
      cache.invalidate(['resourceType', 'action', 'origin'].includes(kind) ? kind : undefined);
    },
    () => cache.invalidate(),
  );
}
