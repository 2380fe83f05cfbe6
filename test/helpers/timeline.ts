import { randomUUID } from 'node:crypto';
import type { Database } from '../../src/db/database';

/** One interaction row to insert directly, with a controlled creation time. Lookups by mnemonic. */
export interface InteractionRowSpec {
  createdDate: string | Date;
  resourceType?: string;
  action?: string;
  origin?: string;
  resourceId?: string;
}

/** Makes sure resource types with these mnemonics exist (direct SQL, idempotent). */
export async function ensureResourceTypes(db: Database, mnemonics: string[]): Promise<void> {
  for (const mnemonic of mnemonics) {
    await db.sql.query(
      `INSERT INTO resource_types (id, mnemonic, name) VALUES ($1, $2, $2) ON CONFLICT (mnemonic) DO NOTHING`,
      [randomUUID(), mnemonic],
    );
  }
}

/**
 * Inserts interactions with the given created_date (bypassing the API, which always stamps now()).
 * Defaults: resource type ORDER (created if missing), action CREATE, origin WEBAPP.
 */
export async function insertInteractionsAt(db: Database, rows: InteractionRowSpec[]): Promise<void> {
  await ensureResourceTypes(db, [...new Set(rows.map((row) => row.resourceType ?? 'ORDER'))]);
  for (const row of rows) {
    await db.sql.query(
      `INSERT INTO interactions (id, resource_id, resource_type_id, action_id, origin_id, uow_id, created_date)
       VALUES ($1, $2, (SELECT id FROM resource_types WHERE mnemonic = $3), (SELECT id FROM actions WHERE mnemonic = $4),
               (SELECT id FROM origins WHERE mnemonic = $5), $6, $7)`,
      [
        randomUUID(),
        row.resourceId ?? 'r-1',
        row.resourceType ?? 'ORDER',
        row.action ?? 'CREATE',
        row.origin ?? 'WEBAPP',
        randomUUID(),
        new Date(row.createdDate),
      ],
    );
  }
}

/** Midnight UTC of the day `offsetDays` from today (negative: in the past), as an ISO string. */
export function utcDay(offsetDays: number, now = new Date()): string {
  const midnight = Math.floor(now.getTime() / 86_400_000) * 86_400_000;
  return new Date(midnight + offsetDays * 86_400_000).toISOString();
}

/** The non-zero buckets of a timeline body, as `{bucket: count}` (compact assertions). */
export function nonZero(data: { bucket: string; count: number }[]): Record<string, number> {
  return Object.fromEntries(data.filter((entry) => entry.count !== 0).map((entry) => [entry.bucket, entry.count]));
}
