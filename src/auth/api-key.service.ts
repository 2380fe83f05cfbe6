import { randomBytes } from 'node:crypto';
import { digestText } from '../crypto/hash';
import { v7 as uuidv7 } from 'uuid';
import { announceChange, onChange } from '../db/change-events';
import type { Database } from '../db/database';
import { AppError } from '../errors/app-error';
import { parseUuid } from '../input/uuid';
import { parseScopes, type Principal, type Scope } from './scopes';
import { baseOf } from '../db/request-database';

/** An API key as listed: never the key itself, only its prefix. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdDate: Date;
  lastUsedDate: Date | null;
  revokedDate: Date | null;
}

const KEY_PREFIX_LENGTH = 10;
// last_used_date is a hint, not an audit trail: writing it at most once a minute per key keeps reads read-only.
const LAST_USED_WRITE_INTERVAL_MS = 60_000;

/** SHA-256 of a key, hex: the only form in which keys are stored or compared. */
export function hashApiKey(key: string): string {
  return digestText('sha256', key, 'hex');
}

function toRecord(row: {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdDate: Date;
  lastUsedDate: Date | null;
  revokedDate: Date | null;
}): ApiKeyRecord {
  return { ...row, scopes: row.scopes as Scope[] };
}

export interface CreateApiKeyOptions {
  /** A label for people: who or what uses the key. */
  name: string;
  scopes: readonly string[] | string;
  /** The key's value; generated (`ik_` + 32 random bytes, base64url) when absent. */
  value?: string;
}

/** Creates a key and returns it with its value, which is shown this once and never stored. */
export async function createApiKey(
  db: Database,
  { name, scopes, value }: CreateApiKeyOptions,
): Promise<{ apiKey: ApiKeyRecord; key: string }> {
  const trimmedName = name.trim();
  if (trimmedName.length < 1 || trimmedName.length > 200) {
    // The schema's minLength counts spaces; a name of only spaces is refused here, after trimming.
    throw new AppError('VALIDATION_ERROR', 'name must be 1 to 200 characters', { field: 'name' });
  }
  const key = value ?? `ik_${randomBytes(32).toString('base64url')}`;
  if (key.length < 16 || key.length > 512) {
    throw new AppError('VALIDATION_ERROR', 'an API key must be 16 to 512 characters', { field: 'key' });
  }
  const row = await db.prisma.apiKey.create({
    data: {
      id: uuidv7(),
      name: trimmedName,
      prefix: key.slice(0, KEY_PREFIX_LENGTH),
      keyHash: hashApiKey(key),
      scopes: parseScopes(scopes),
    },
    omit: { keyHash: true },
  });
  return { apiKey: toRecord(row), key };
}

/** Every key, newest first, revoked ones included. */
export async function listApiKeys(db: Database): Promise<ApiKeyRecord[]> {
  const rows = await db.prisma.apiKey.findMany({ orderBy: { createdDate: 'desc' }, omit: { keyHash: true } });
  return rows.map(toRecord);
}

export interface RevokeApiKeyOptions {
  id: string;
}

/** Revokes a key at once; revoking a revoked key keeps its first revocation date. */
export async function revokeApiKey(db: Database, { id }: RevokeApiKeyOptions): Promise<ApiKeyRecord> {
  parseUuid(id, 'id');
  const existing = await db.prisma.apiKey.findUnique({ where: { id }, omit: { keyHash: true } });
  if (!existing) throw new AppError('NOT_FOUND', `No API key with id ${id}`);
  if (existing.revokedDate) return toRecord(existing);
  const row = await db.prisma.apiKey.update({
    where: { id },
    data: { revokedDate: new Date() },
    omit: { keyHash: true },
  });
  await announceChange(db, 'apiKey');
  return toRecord(row);
}

// Valid keys are remembered by hash for a few seconds: a query per request would double the database round trips
// of a create. A revocation through this process (or, on PostgreSQL, any instance: NOTIFY) clears it at once.
const PRINCIPAL_CACHE_MS = 5_000;
const principalCaches = new WeakMap<Database, Map<string, { principal: Principal; expiresAt: number }>>();

function principalCacheOf(db: Database) {
  let cache = principalCaches.get(baseOf(db));
  if (!cache) {
    const created = new Map<string, { principal: Principal; expiresAt: number }>();
    onChange(db, (topic) => {
      if (topic === null || topic === 'apiKey') created.clear();
    });
    principalCaches.set(baseOf(db), created);
    cache = created;
  }
  return cache;
}

/** Resolves an `x-api-key` value to its caller, or `null` for an unknown or revoked key. */
export async function authenticateApiKey(db: Database, { key }: { key: string }): Promise<Principal | null> {
  if (key.length === 0 || key.length > 512) return null;
  const hash = hashApiKey(key);
  const cache = principalCacheOf(db);
  const cached = cache.get(hash);
  if (cached && cached.expiresAt > Date.now()) return cached.principal;
  const [row] = await db.sql.query<{ id: string; name: string; scopes: Scope[]; last_used_date: Date | null }>(
    `SELECT id, name, scopes, last_used_date FROM api_keys WHERE key_hash = $1 AND revoked_date IS NULL`,
    [hash],
  );
  if (!row) {
    cache.delete(hash);
    return null;
  }
  if (!row.last_used_date || Date.now() - row.last_used_date.getTime() > LAST_USED_WRITE_INTERVAL_MS) {
    // Fire and forget: a failed hint must not fail the request.
    db.sql.query(`UPDATE api_keys SET last_used_date = now() WHERE id = $1`, [row.id]).catch(() => undefined);
  }
  const principal: Principal = { keyId: row.id, name: row.name, scopes: row.scopes };
  if (cache.size > 10_000) cache.clear(); // bounded: only valid keys get here
  cache.set(hash, { principal, expiresAt: Date.now() + PRINCIPAL_CACHE_MS });
  return principal;
}

/** What start-up did about keys; `createdKey` is set only when a new key must be shown to the operator. */
export interface BootstrapResult {
  createdKey: string | null;
}

/**
 * Makes sure the service can be administered: with `adminApiKey`, an admin key of that value exists (created if
 * missing, un-revoked never); with no key at all in the database, a new admin key is created and returned once.
 */
export async function ensureBootstrapKey(
  db: Database,
  { adminApiKey }: { adminApiKey: string | null },
): Promise<BootstrapResult> {
  if (adminApiKey) {
    const exists = async () =>
      (await db.prisma.apiKey.findUnique({ where: { keyHash: hashApiKey(adminApiKey) } })) !== null;
    if (!(await exists())) {
      // Instances started together race to create it: losing that race (a unique violation) is fine.
      await createApiKey(db, { name: 'ADMIN_API_KEY', scopes: ['admin'], value: adminApiKey }).catch(async (error) => {
        if (!(await exists())) throw error;
      });
    }
    return { createdKey: null };
  }
  if ((await db.prisma.apiKey.count()) > 0) return { createdKey: null };
  const { key } = await createApiKey(db, { name: 'first-start admin', scopes: ['admin'] });
  return { createdKey: key };
}
