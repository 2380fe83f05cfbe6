import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../../src/db/database';
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

/** Columns a test may set on a row inserted straight into `interactions`. */
export interface InteractionRowInput {
  resourceId?: string;
  resourceTypeId: string;
  actionId?: string;
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

/**
 * Inserts an interaction with SQL, bypassing the API, so a test controls `created_date` (the API always stamps
 * now()). Use the API (`POST /api/interactions`) when the create path itself is under test.
 */
export async function insertInteraction(db: Database, row: InteractionRowInput): Promise<InsertedInteraction> {
  const [inserted] = await db.sql.query<InsertedInteraction>(
    `INSERT INTO interactions (id, resource_id, resource_type_id, action_id, origin_id, interaction, external_reference,
       external_response, uow_id, user_id, created_date, interaction_timestamp)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8::jsonb, $9, $10, COALESCE($11::timestamptz, now()), $12)
     RETURNING id, interaction_number AS "interactionNumber", created_date AS "createdDate"`,
    [
      uuidv7(),
      row.resourceId ?? `res-${randomUUID()}`,
      row.resourceTypeId,
      row.actionId ?? SYSTEM.actions.CREATE,
      row.originId ?? SYSTEM.origins.WEBAPP,
      row.interaction === undefined ? null : JSON.stringify(row.interaction),
      row.externalReference ?? null,
      row.externalResponse === undefined ? null : JSON.stringify(row.externalResponse),
      row.uowId ?? randomUUID(),
      row.userId ?? null,
      row.createdDate === undefined ? null : new Date(row.createdDate),
      row.interactionTimestamp == null ? null : new Date(row.interactionTimestamp),
    ],
  );
  return inserted;
}
