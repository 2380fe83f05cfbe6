import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../db/database';
import { AppError } from '../errors/app-error';
import { translateDatabaseError } from '../db/errors';
import { parseMnemonic } from '../input/mnemonic';
import { parseText } from '../input/text';
import { parseUuid } from '../input/uuid';
import { lookupCacheOf, lookupsChanged } from './lookup.cache';
import { LOOKUP_COLUMNS, LOOKUP_KINDS, type LookupKind, type LookupRecord } from './lookup.kinds';

export type { LookupKind, LookupRecord } from './lookup.kinds';

/** Fields a caller may set; `undefined` leaves a field as it is, `null` clears an optional one. */
export interface LookupInput {
  mnemonic?: string | null;
  name?: string | null;
  description?: string | null;
  icon?: string | null;
  fontColorHex?: string | null;
  bgColorHex?: string | null;
}

// The part of a Prisma delegate the service uses; the three generated delegates all fit it.
interface LookupDelegate {
  findMany(args: object): Promise<LookupRecord[]>;
  findUnique(args: object): Promise<LookupRecord | null>;
  create(args: object): Promise<LookupRecord>;
  update(args: object): Promise<LookupRecord>;
  delete(args: object): Promise<LookupRecord>;
}

function delegate(db: Database, kind: LookupKind): LookupDelegate {
  return db.prisma[kind] as unknown as LookupDelegate;
}

const COLOR_PATTERN = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;

function optionalText(value: string | null | undefined, field: string, max: number): string | null | undefined {
  if (value === undefined || value === null) return value;
  if (value.length > max)
    throw new AppError('VALIDATION_ERROR', `${field} must be at most ${max} characters`, { field });
  return parseText(value, field, { min: 0, max });
}

function optionalColor(value: string | null | undefined, field: string): string | null | undefined {
  if (value === undefined || value === null) return value;
  if (!COLOR_PATTERN.test(value)) {
    throw new AppError('VALIDATION_ERROR', `${field} must be a hex colour like #fff or #f59e0b`, { field });
  }
  return value.toLowerCase();
}

function validated(input: LookupInput) {
  const name = optionalText(input.name, 'name', 200);
  if (name !== undefined && (name === null || name.trim() === '')) {
    throw new AppError('VALIDATION_ERROR', 'name must not be empty', { field: 'name' });
  }
  return {
    mnemonic: input.mnemonic == null ? undefined : parseMnemonic(input.mnemonic),
    name: name?.trim(),
    description: optionalText(input.description, 'description', 2000),
    icon: optionalText(input.icon, 'icon', 32),
    fontColorHex: optionalColor(input.fontColorHex, 'fontColorHex'),
    bgColorHex: optionalColor(input.bgColorHex, 'bgColorHex'),
  };
}

/** What a refused write of a lookup means: a taken mnemonic, or (on delete) interactions still using it. */
function lookupWriteError(error: unknown, kind: LookupKind, mnemonic: string | undefined): unknown {
  return (
    translateDatabaseError(error, {
      unique: () => new AppError('CONFLICT', `A ${LOOKUP_KINDS[kind].label} with mnemonic ${mnemonic} already exists`),
      foreignKey: () => new AppError('CONFLICT', `${mnemonic} is used by interactions and cannot be deleted`),
    }) ?? error
  );
}

export interface ListLookupsOptions {
  kind: LookupKind;
}

/** All lookups of a kind, by mnemonic. */
export async function listLookups(db: Database, { kind }: ListLookupsOptions): Promise<LookupRecord[]> {
  return delegate(db, kind).findMany({ orderBy: { mnemonic: 'asc' } });
}

export interface GetLookupOptions {
  kind: LookupKind;
  id: string;
}

/** One lookup by id; NOT_FOUND when absent. */
export async function getLookup(db: Database, { kind, id }: GetLookupOptions): Promise<LookupRecord> {
  const row = await delegate(db, kind).findUnique({ where: { id: parseUuid(id, 'id') } });
  if (!row) throw new AppError('NOT_FOUND', `No ${LOOKUP_KINDS[kind].label} with id ${id}`);
  return row;
}

/** Lookups of a kind by id, in the order of `ids` (`null` where absent): the batch function of the loaders. */
export async function findLookupsByIds(
  db: Database,
  kind: LookupKind,
  ids: readonly string[],
): Promise<(LookupRecord | null)[]> {
  const cache = lookupCacheOf(db);
  const missing = ids.filter((id) => !cache.getById(kind, id));
  if (missing.length > 0) {
    cache.remember(
      kind,
      await db.sql.query<LookupRecord>(
        `SELECT ${LOOKUP_COLUMNS} FROM ${LOOKUP_KINDS[kind].table} WHERE id = ANY($1::uuid[])`,
        [missing],
      ),
    );
  }
  return ids.map((id) => cache.getById(kind, id) ?? null);
}

export interface CreateLookupOptions {
  kind: LookupKind;
  input: LookupInput;
}

/** Creates a lookup; the name defaults to the mnemonic. CONFLICT when the mnemonic is taken. */
export async function createLookup(db: Database, { kind, input }: CreateLookupOptions): Promise<LookupRecord> {
  if (input.mnemonic == null) throw new AppError('VALIDATION_ERROR', 'mnemonic is required', { field: 'mnemonic' });
  const data = validated(input);
  try {
    const created = await delegate(db, kind).create({
      data: { id: uuidv7(), ...data, name: data.name ?? data.mnemonic },
    });
    await lookupsChanged(db, kind);
    return created;
  } catch (error) {
    throw lookupWriteError(error, kind, data.mnemonic);
  }
}

export interface UpdateLookupOptions {
  kind: LookupKind;
  id: string;
  input: LookupInput;
}

/** Changes the given fields of a lookup. A system lookup keeps its mnemonic (clients depend on it). */
export async function updateLookup(db: Database, { kind, id, input }: UpdateLookupOptions): Promise<LookupRecord> {
  const existing = await getLookup(db, { kind, id });
  const data = validated(input);
  if (existing.isSystem && data.mnemonic !== undefined && data.mnemonic !== existing.mnemonic) {
    throw new AppError(
      'CONFLICT',
      `${existing.mnemonic} is a system ${LOOKUP_KINDS[kind].label}; its mnemonic cannot change`,
    );
  }
  try {
    const updated = await delegate(db, kind).update({
      where: { id: existing.id },
      data: { ...data, updatedDate: new Date() },
    });
    await lookupsChanged(db, kind);
    return updated;
  } catch (error) {
    throw lookupWriteError(error, kind, data.mnemonic);
  }
}

export interface DeleteLookupOptions {
  kind: LookupKind;
  id: string;
}

/** Deletes a lookup; CONFLICT when it is a system lookup or interactions use it. */
export async function deleteLookup(db: Database, { kind, id }: DeleteLookupOptions): Promise<LookupRecord> {
  const existing = await getLookup(db, { kind, id });
  if (existing.isSystem) {
    throw new AppError(
      'CONFLICT',
      `${existing.mnemonic} is a system ${LOOKUP_KINDS[kind].label} and cannot be deleted`,
    );
  }
  try {
    const deleted = await delegate(db, kind).delete({ where: { id: existing.id } });
    await lookupsChanged(db, kind);
    return deleted;
  } catch (error) {
    throw lookupWriteError(error, kind, existing.mnemonic);
  }
}

/** How a caller names a lookup when recording an interaction: a mnemonic, an id, or both. */
export interface LookupReference {
  mnemonic?: string | null;
  id?: string | null;
}

/** A reference checked for shape: the id (a UUID) and the normalised mnemonic it names, either possibly null. */
function parseReference(kind: LookupKind, ref: LookupReference): { id: string | null; mnemonic: string | null } {
  const hasMnemonic = ref.mnemonic != null && ref.mnemonic !== '';
  const hasId = ref.id != null && ref.id !== '';
  if (!hasMnemonic && !hasId) {
    throw new AppError('VALIDATION_ERROR', `${kind} (mnemonic) or ${kind}Id (UUID) is required`, { field: kind });
  }
  return {
    id: hasId ? parseUuid(ref.id as string, `${kind}Id`) : null,
    mnemonic: hasMnemonic ? parseMnemonic(ref.mnemonic as string, kind) : null,
  };
}

/** The id both rows agree on; UNKNOWN_LOOKUP when a key names nothing, LOOKUP_MISMATCH when they differ. */
function agreedId(
  kind: LookupKind,
  { id, mnemonic }: { id: string | null; mnemonic: string | null },
  byId: LookupRecord | undefined,
  byMnemonic: LookupRecord | undefined,
): string {
  const { label } = LOOKUP_KINDS[kind];
  if (id && !byId) throw new AppError('UNKNOWN_LOOKUP', `No ${label} with id ${id}`, { field: `${kind}Id`, value: id });
  if (mnemonic && !byMnemonic) {
    throw new AppError('UNKNOWN_LOOKUP', `No ${label} with mnemonic ${mnemonic}`, { field: kind, value: mnemonic });
  }
  if (byId && byMnemonic && byId.id !== byMnemonic.id) {
    throw new AppError('LOOKUP_MISMATCH', `${kind} ${mnemonic} and ${kind}Id ${id} name different ${label}s`, {
      field: kind,
      mnemonic,
      id,
    });
  }
  return (byId ?? byMnemonic)!.id;
}

/** The id from the lookup cache when it holds every key of the (parsed) reference, else undefined. */
function cachedLookupId(db: Database, kind: LookupKind, parsed: ReturnType<typeof parseReference>): string | undefined {
  const cache = lookupCacheOf(db);
  const byId = parsed.id ? cache.getById(kind, parsed.id) : undefined;
  const byMnemonic = parsed.mnemonic ? cache.getByMnemonic(kind, parsed.mnemonic) : undefined;
  if ((parsed.id && !byId) || (parsed.mnemonic && !byMnemonic)) return undefined;
  return agreedId(kind, parsed, byId, byMnemonic);
}

/**
 * resolveLookupId from the lookup cache alone, synchronously: the id when the cache holds every key the reference
 * names, undefined when one must be asked of the database. Throws as resolveLookupId does otherwise. A batch
 * resolves its items through this first, so the usual item (cached lookups) costs no promise at all.
 */
export function resolveCachedLookupId(db: Database, kind: LookupKind, ref: LookupReference): string | undefined {
  return cachedLookupId(db, kind, parseReference(kind, ref));
}

/**
 * Resolves a mnemonic and/or id to the lookup's id. UNKNOWN_LOOKUP when either names nothing, LOOKUP_MISMATCH when
 * both are given and name different rows, VALIDATION_ERROR when neither is given.
 */
export async function resolveLookupId(db: Database, kind: LookupKind, ref: LookupReference): Promise<string> {
  const parsed = parseReference(kind, ref);
  // Served from the lookup cache; only a key it does not hold costs a query (unknown keys are never cached).
  const cached = cachedLookupId(db, kind, parsed);
  if (cached !== undefined) return cached;
  const rows = await db.sql.query<LookupRecord>(
    `SELECT ${LOOKUP_COLUMNS} FROM ${LOOKUP_KINDS[kind].table} WHERE id = $1::uuid OR mnemonic = $2`,
    [parsed.id, parsed.mnemonic],
  );
  lookupCacheOf(db).remember(kind, rows);
  const byId = parsed.id ? rows.find((row) => row.id === parsed.id) : undefined;
  const byMnemonic = parsed.mnemonic ? rows.find((row) => row.mnemonic === parsed.mnemonic) : undefined;
  return agreedId(kind, parsed, byId, byMnemonic);
}
