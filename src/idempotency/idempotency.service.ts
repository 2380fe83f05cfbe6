import { createHash } from 'node:crypto';
import type { Database } from '../db/database';
import { AppError } from '../errors/app-error';
import { requestIds } from '../interactions/interaction.ids';

/** How long a key is remembered. */
export const IDEMPOTENCY_TTL_HOURS = 24;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** SHA-256 of a value's canonical JSON (object keys sorted), so equal bodies hash equally whatever their key order. */
export function requestHash(value: unknown): string {
  const canonical = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canonical);
    if (v && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v as object)
          .sort()
          .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
          .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return createHash('sha256')
    .update(JSON.stringify(canonical(value)))
    .digest('hex');
}

export interface ClaimIdempotencyKeyOptions {
  apiKeyId: string;
  /** The caller's `Idempotency-Key`: 1–255 printable ASCII characters. */
  key: string;
  /** `requestHash` of the request body (and the headers that shape it). */
  hash: string;
  /** How many interaction ids the request writes. */
  count: number;
}

/** The interaction ids a key stands for; `fresh` when this call claimed the key. */
export interface IdempotencyClaim {
  ids: string[];
  fresh: boolean;
}

/**
 * Claims `key` for this API key, or finds its earlier claim: the ids to write (or already written) are fixed at the
 * first claim. CONFLICT when the key was used with a different body within the last 24 hours.
 */
export async function claimIdempotencyKey(
  db: Database,
  { apiKeyId, key, hash, count }: ClaimIdempotencyKeyOptions,
): Promise<IdempotencyClaim> {
  if (!KEY_PATTERN.test(key)) {
    throw new AppError('VALIDATION_ERROR', 'Idempotency-Key must be 1 to 255 printable ASCII characters', {
      field: 'idempotencyKey',
    });
  }
  const ids = requestIds(count);
  // An expired claim is replaced in the same statement; a live one is left alone and read back below.
  const [claimed] = await db.sql.query<{ interaction_ids: string[] }>(
    `INSERT INTO idempotency_keys (api_key_id, key, request_hash, interaction_ids) VALUES ($1, $2, $3, $4::uuid[])
     ON CONFLICT (api_key_id, key) DO UPDATE
       SET request_hash = EXCLUDED.request_hash, interaction_ids = EXCLUDED.interaction_ids, created_date = now()
       WHERE idempotency_keys.created_date < now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS})
     RETURNING interaction_ids`,
    [apiKeyId, key, hash, ids],
  );
  if (claimed) return { ids: claimed.interaction_ids, fresh: true };
  const [existing] = await db.sql.query<{ request_hash: string; interaction_ids: string[] }>(
    `SELECT request_hash, interaction_ids FROM idempotency_keys WHERE api_key_id = $1 AND key = $2`,
    [apiKeyId, key],
  );
  if (!existing) return claimIdempotencyKey(db, { apiKeyId, key, hash, count }); // released meanwhile: claim anew
  if (existing.request_hash !== hash) {
    throw new AppError('CONFLICT', 'This Idempotency-Key was already used with a different request body', {
      field: 'idempotencyKey',
    });
  }
  return { ids: existing.interaction_ids, fresh: false };
}

/** Forgets a claim whose request was refused (4xx) before writing anything, so a corrected retry may use the key. */
export async function releaseIdempotencyKey(db: Database, { apiKeyId, key }: { apiKeyId: string; key: string }) {
  await db.sql.query(`DELETE FROM idempotency_keys WHERE api_key_id = $1 AND key = $2`, [apiKeyId, key]);
}

/** Deletes claims older than the 24-hour window; returns how many. */
export async function deleteExpiredIdempotencyKeys(db: Database): Promise<number> {
  const rows = await db.sql.query(
    `DELETE FROM idempotency_keys WHERE created_date < now() - make_interval(hours => ${IDEMPOTENCY_TTL_HOURS}) RETURNING 1`,
  );
  return rows.length;
}
