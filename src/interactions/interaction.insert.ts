import type { SqlExecutor } from '../db/database';
import { AppError } from '../errors/app-error';
import { INTERACTION_COLUMNS, type InteractionRecord, type JsonValue } from './interaction.model';
import type { PreparedInteraction } from './interaction.prepare';

/**
 * A PostgreSQL array literal of values that never need quoting (UUIDs checked or made here, ISO-8601 timestamps):
 * `{a,b,NULL}`. The insert sends its columns as literals built here rather than as JS arrays, which pg would
 * quote and escape element by element (a few per cent of a 1,000-item batch's CPU).
 */
function plainArray(values: readonly (string | null)[]): string {
  return `{${values.map((value) => value ?? 'NULL').join(',')}}`;
}

/** A PostgreSQL array literal of any text: every element double-quoted, with `"` and `\` escaped; null → NULL. */
function quotedArray(values: readonly (string | null)[]): string {
  const element = (value: string | null) =>
    value === null
      ? 'NULL'
      : value.includes('"') || value.includes('\\')
        ? `"${value.replace(/["\\]/g, '\\$&')}"`
        : `"${value}"`;
  return `{${values.map(element).join(',')}}`;
}

/**
 * How an insert of ids that may exist skips them. created_date is the id's own time (interaction_id_time, ADR 030),
 * so (id, created_date) — the partitioned table's primary key — catches a second write of the same id, concurrent
 * ones included. Rows written by 0.1, before created_date came from the id, are found by id near the id's time (a
 * claim of 0.1 may be retried up to 24 h later); the bounds keep that probe to one or two partitions.
 */
const IDEMPOTENT_INSERT_TAIL = `WHERE NOT EXISTS (SELECT 1 FROM interactions e WHERE e.id = u.id
       AND e.created_date >= interaction_id_time(u.id) - interval '1 hour'
       AND e.created_date < interaction_id_time(u.id) + interval '25 hours')
     ON CONFLICT (id, created_date) DO NOTHING`;

/**
 * Inserts prepared interactions with ONE statement (`INSERT … SELECT FROM unnest(…)`, so one transaction: all rows
 * or none) and returns the stored rows in input order (RETURNING order is not promised; rows are matched by id).
 * created_date is the time inside the UUID v7 id, which picks the partition (ADR 030).
 * Only what the database makes comes back (interaction number, created date): the rest is what was sent, which
 * spares parsing a thousand rows of JSON per batch. (A JSON value comes back as sent, not in jsonb's key order.)
 * With `idsMayExist` (idempotent requests, whose ids were fixed by an earlier claim), an id that already exists is
 * not written again: that row is read back and returned instead. Without it (fresh UUID v7 ids) the insert skips
 * `ON CONFLICT`, whose speculative insertion into the primary key costs every row of a batch.
 */
export async function insertInteractions(
  sql: SqlExecutor,
  rows: readonly PreparedInteraction[],
  { idsMayExist = false }: { idsMayExist?: boolean } = {},
): Promise<InteractionRecord[]> {
  if (rows.length === 0) return [];
  const uuids = (key: 'id' | 'resourceTypeId' | 'actionId' | 'originId' | 'uowId') =>
    plainArray(rows.map((row) => row[key]));
  const texts = (key: 'resourceId' | 'interaction' | 'externalReference' | 'externalResponse' | 'userId') =>
    quotedArray(rows.map((row) => row[key]));
  const stored = await sql.query<{ id: string; interactionNumber: number; createdDate: Date }>(
    `INSERT INTO interactions (id, resource_id, resource_type_id, action_id, origin_id, interaction,
       external_reference, external_response, uow_id, user_id, interaction_timestamp, created_date)
     SELECT u.*, interaction_id_time(u.id) FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::uuid[],
       $6::jsonb[], $7::text[], $8::jsonb[], $9::uuid[], $10::text[], $11::timestamptz[])
       AS u(id, resource_id, resource_type_id, action_id, origin_id, interaction, external_reference, external_response,
         uow_id, user_id, interaction_timestamp)
     ${idsMayExist ? IDEMPOTENT_INSERT_TAIL : ''}
     RETURNING id, interaction_number AS "interactionNumber", created_date AS "createdDate"`,
    [
      uuids('id'),
      texts('resourceId'),
      uuids('resourceTypeId'),
      uuids('actionId'),
      uuids('originId'),
      texts('interaction'),
      texts('externalReference'),
      texts('externalResponse'),
      uuids('uowId'),
      texts('userId'),
      plainArray(rows.map((row) => row.interactionTimestamp?.toISOString() ?? null)),
    ],
    { prepare: true },
  );
  const byId = new Map(stored.map((row) => [row.id, row]));
  const existing = new Map<string, InteractionRecord>();
  const missing = rows.filter((row) => !byId.has(row.id)).map((row) => row.id);
  if (missing.length > 0) {
    const found = await sql.query<InteractionRecord>(
      `SELECT ${INTERACTION_COLUMNS} FROM interactions WHERE id = ANY($1::uuid[])`,
      [missing],
    );
    found.forEach((row) => existing.set(row.id, row));
  }
  return rows.map((row) => {
    const earlier = existing.get(row.id);
    if (earlier) return earlier;
    const made = byId.get(row.id);
    if (!made) throw new AppError('INTERNAL', `Inserted interaction ${row.id} was not returned`);
    return {
      id: row.id,
      interactionNumber: made.interactionNumber,
      resourceId: row.resourceId,
      resourceTypeId: row.resourceTypeId,
      actionId: row.actionId,
      originId: row.originId,
      interaction:
        row.interactionValue !== undefined
          ? row.interactionValue
          : row.interaction === null
            ? null
            : (JSON.parse(row.interaction) as JsonValue),
      externalReference: row.externalReference,
      externalResponse: row.externalResponse === null ? null : (JSON.parse(row.externalResponse) as JsonValue),
      uowId: row.uowId,
      userId: row.userId,
      createdDate: made.createdDate,
      interactionTimestamp: row.interactionTimestamp,
    };
  });
}

/** Where single creates are written: straight to the database, or gathered by an InteractionCoalescer. */
export interface InteractionWriter {
  /** Writes one prepared interaction; resolves with the stored row once it is committed. */
  write(row: PreparedInteraction): Promise<InteractionRecord>;
}
