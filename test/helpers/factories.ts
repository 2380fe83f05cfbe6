import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../../src/db/database';
import { api, type TestApp } from './app';
import { createLookup, type LookupInput, type LookupKind, type LookupRecord } from '../../src/lookups/lookup.service';

/** Ids of lookups seeded by the system-lookups migration. */
export const SYSTEM = {
  actions: {
    CREATE: '00000000-0000-7000-8000-00000000a001',
    READ: '00000000-0000-7000-8000-00000000a002',
    UPDATE: '00000000-0000-7000-8000-00000000a003',
    DELETE: '00000000-0000-7000-8000-00000000a004',
  },
  origins: {
    WEBAPP: '00000000-0000-7000-8000-00000000b001',
    MOBILE: '00000000-0000-7000-8000-00000000b002',
    API: '00000000-0000-7000-8000-00000000b003',
    SYSTEM: '00000000-0000-7000-8000-00000000b004',
  },
} as const;

/** Creates a lookup through the service (no HTTP), e.g. a resource type tests can reference. */
export function createLookupRow(db: Database, kind: LookupKind, input: LookupInput): Promise<LookupRecord> {
  return createLookup(db, { kind, input });
}

/**
 * A row to insert straight into `interactions`, bypassing the API so a test controls `created_date` (the API always
 * stamps now()). Name each lookup by mnemonic or by id; defaults: resource type ORDER (created when missing), action
 * CREATE, origin WEBAPP, a fresh resource id and unit of work, created now. Use the API (`POST /api/interactions`)
 * when the create path itself is under test.
 */
export interface InteractionRow {
  resourceId?: string;
  resourceType?: string;
  resourceTypeId?: string;
  action?: string;
  actionId?: string;
  origin?: string;
  originId?: string;
  interaction?: unknown;
  externalReference?: string | null;
  externalResponse?: unknown;
  uowId?: string;
  userId?: string | null;
  /** Controls `created_date` (the list filters and the ordering use it); default now(). */
  createdDate?: Date | string;
  interactionTimestamp?: Date | string | null;
}

/** A row as inserted: its id and number. */
export interface InsertedInteraction {
  id: string;
  interactionNumber: number;
  createdDate: Date;
}

/** Mnemonics ensured per database, so a file inserting many rows asks once per type. */
const ensured = new WeakMap<Database, Set<string>>();

/** Makes sure resource types with these mnemonics exist (direct SQL, idempotent): the one seeder of the tests. */
export async function ensureResourceTypes(db: Database, mnemonics: readonly string[]): Promise<void> {
  const known = ensured.get(db) ?? new Set<string>();
  ensured.set(db, known);
  for (const mnemonic of mnemonics) {
    if (known.has(mnemonic)) continue;
    known.add(mnemonic);
    await db.sql.query(
      `INSERT INTO resource_types (id, mnemonic, name) VALUES ($1, $2, $2) ON CONFLICT (mnemonic) DO NOTHING`,
      [uuidv7(), mnemonic],
    );
  }
}

/** Inserts one interaction row (see InteractionRow); the one interaction factory of the tests. */
export async function insertInteraction(db: Database, row: InteractionRow = {}): Promise<InsertedInteraction> {
  if (row.resourceTypeId === undefined) await ensureResourceTypes(db, [row.resourceType ?? 'ORDER']);
  const lookup = (table: string, id: string | undefined, mnemonic: string) =>
    id !== undefined ? id : { table, mnemonic };
  const refs = [
    lookup('resource_types', row.resourceTypeId, row.resourceType ?? 'ORDER'),
    lookup('actions', row.actionId, row.action ?? 'CREATE'),
    lookup('origins', row.originId, row.origin ?? 'WEBAPP'),
  ];
  const params: unknown[] = [];
  const ref = (value: string | { table: string; mnemonic: string }) =>
    typeof value === 'string'
      ? `$${params.push(value)}::uuid`
      : `(SELECT id FROM ${value.table} WHERE mnemonic = $${params.push(value.mnemonic)})`;
  const lookupSql = refs.map(ref);
  const values = [
    uuidv7(),
    row.resourceId ?? `res-${randomUUID()}`,
    row.interaction === undefined ? null : JSON.stringify(row.interaction),
    row.externalReference ?? null,
    row.externalResponse === undefined ? null : JSON.stringify(row.externalResponse),
    row.uowId ?? randomUUID(),
    row.userId ?? null,
    row.createdDate === undefined ? null : new Date(row.createdDate),
    row.interactionTimestamp == null ? null : new Date(row.interactionTimestamp),
  ].map((value) => `$${params.push(value)}`);
  const [inserted] = await db.sql.query<InsertedInteraction>(
    `INSERT INTO interactions (resource_type_id, action_id, origin_id, id, resource_id, interaction, external_reference,
       external_response, uow_id, user_id, created_date, interaction_timestamp)
     VALUES (${lookupSql.join(', ')}, ${values[0]}, ${values[1]}, ${values[2]}::jsonb, ${values[3]}, ${values[4]}::jsonb,
       ${values[5]}, ${values[6]}, COALESCE(${values[7]}::timestamptz, now()), ${values[8]})
     RETURNING id, interaction_number AS "interactionNumber", created_date AS "createdDate"`,
    params,
  );
  return inserted;
}

/** Inserts rows one after the other (numbers increase in array order). */
export async function insertInteractions(
  db: Database,
  rows: readonly InteractionRow[],
): Promise<InsertedInteraction[]> {
  const inserted: InsertedInteraction[] = [];
  for (const row of rows) inserted.push(await insertInteraction(db, row));
  return inserted;
}

/** Creates the ORDER resource type over HTTP, as a client would (actions and origins are system rows). */
export async function createOrderResourceType(t: TestApp): Promise<void> {
  const response = await api(t.app, t.keys.admin).post('/api/resource-types').send({ mnemonic: 'ORDER', icon: '📦' });
  if (response.status !== 201 && response.status !== 409) throw new Error(`cannot create ORDER: ${response.status}`);
}

/** A valid single-create body for resource `resourceId`. */
export function orderBody(resourceId: string, overrides: Record<string, unknown> = {}) {
  return {
    resourceId,
    resourceType: 'ORDER',
    action: 'CREATE',
    origin: 'WEBAPP',
    interaction: { total: 1 },
    ...overrides,
  };
}

/** Interactions stored for a resource id prefix (tests count what was really written). */
export async function countInteractions(db: Database, resourcePrefix: string): Promise<number> {
  const [{ count }] = await db.sql.query<{ count: number }>(
    `SELECT count(*) AS count FROM interactions WHERE resource_id LIKE $1`,
    [`${resourcePrefix}%`],
  );
  return count;
}
