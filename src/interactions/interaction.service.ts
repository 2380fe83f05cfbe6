import { v7 as uuidv7 } from 'uuid';
import type { Database, SqlExecutor } from '../db/database';
import { AppError, httpStatusFor } from '../errors/app-error';
import { claimIdempotencyKey, releaseIdempotencyKey, requestHash } from '../idempotency/idempotency.service';
import { normalizeMnemonic, resolveCachedLookupId, resolveLookupId } from '../lookups/lookup.service';
import { lookupFilterClauses, normalizeLookupFilter, readWithCoverage } from '../timeline/timeline.service';
import { cursorAfter, decodeCursor, type InteractionCursor } from './interaction.cursor';
import { assertLength, assertUuid, parseDateBound, parseTimestamp } from '../validation';

/** Any JSON value as stored in a jsonb column. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One stored interaction. */
export interface InteractionRecord {
  id: string;
  interactionNumber: number;
  resourceId: string;
  resourceTypeId: string;
  actionId: string;
  originId: string;
  interaction: JsonValue | null;
  externalReference: string | null;
  externalResponse: JsonValue | null;
  uowId: string;
  userId: string | null;
  createdDate: Date;
  interactionTimestamp: Date | null;
}

/** Column list matching InteractionRecord, for every query that returns interactions. */
export const INTERACTION_COLUMNS = `id, interaction_number AS "interactionNumber", resource_id AS "resourceId",
  resource_type_id AS "resourceTypeId", action_id AS "actionId", origin_id AS "originId", interaction,
  external_reference AS "externalReference", external_response AS "externalResponse", uow_id AS "uowId",
  user_id AS "userId", created_date AS "createdDate", interaction_timestamp AS "interactionTimestamp"`;

/** What a caller sends to record an interaction (REST body + headers, or the GraphQL input). */
export interface CreateInteractionInput {
  /** The caller's identifier of the resource (1–512 characters). */
  resourceId: string;
  resourceType?: string | null;
  resourceTypeId?: string | null;
  action?: string | null;
  actionId?: string | null;
  origin?: string | null;
  originId?: string | null;
  interaction?: JsonValue;
  externalReference?: string | null;
  externalResponse?: JsonValue;
  /** Unit of work; a new UUID when absent. */
  uowId?: string | null;
  userId?: string | null;
  /** When it happened, ISO-8601 or epoch ms; `null` when not given. */
  interactionTimestamp?: string | null;
}

function jsonParam(value: JsonValue | undefined): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/** An interaction validated and resolved, ready to insert (lookup ids known, JSON serialised, id made). */
export interface PreparedInteraction {
  id: string;
  resourceId: string;
  resourceTypeId: string;
  actionId: string;
  originId: string;
  interaction: string | null;
  /** The value `interaction` serialises, returned as is after the insert (no parse back). */
  interactionValue?: JsonValue | null;
  externalReference: string | null;
  externalResponse: string | null;
  uowId: string;
  userId: string | null;
  interactionTimestamp: Date | null;
}

/** How inputs are prepared. */
export interface PrepareInteractionOptions {
  /** The row's id; a new UUID v7 when absent. Idempotent requests pass the id fixed by their claim. */
  id?: string;
  /** Deepest accepted nesting of `interaction` and `externalResponse` (default 32). */
  maxJsonDepth?: number;
}

export const DEFAULT_MAX_JSON_DEPTH = 32;

/** The checks of an input that need no lookup, in the order their errors take precedence. */
function checkedFields(input: CreateInteractionInput, maxJsonDepth: number) {
  assertJsonDepth(input.interaction, 'interaction', maxJsonDepth);
  assertJsonDepth(input.externalResponse, 'externalResponse', maxJsonDepth);
  if (typeof input.resourceId !== 'string') {
    throw new AppError('VALIDATION_ERROR', 'resourceId is required', { field: 'resourceId' });
  }
  return {
    resourceId: assertLength(input.resourceId, 'resourceId', 1, 512),
    externalReference:
      input.externalReference == null ? null : assertLength(input.externalReference, 'externalReference', 1, 512),
    userId: input.userId == null || input.userId === '' ? null : assertLength(input.userId, 'userId', 1, 256),
    // A new unit of work gets a time-ordered UUID (v7), like interaction ids: its entries in the three uow_id
    // indexes are appended at the right edge instead of landing on a random page each (fewer pages dirtied).
    uowId: input.uowId == null || input.uowId === '' ? uuidv7() : assertUuid(input.uowId, 'uowId'),
    interactionTimestamp:
      input.interactionTimestamp == null || input.interactionTimestamp === ''
        ? null
        : parseTimestamp(input.interactionTimestamp, 'interactionTimestamp'),
  };
}

function preparedFrom(
  input: CreateInteractionInput,
  id: string,
  fields: ReturnType<typeof checkedFields>,
  resourceTypeId: string,
  actionId: string,
  originId: string,
): PreparedInteraction {
  return {
    id,
    resourceId: fields.resourceId,
    resourceTypeId,
    actionId,
    originId,
    interaction: jsonParam(input.interaction),
    interactionValue: input.interaction ?? null,
    externalReference: fields.externalReference,
    externalResponse: jsonParam(input.externalResponse),
    uowId: fields.uowId,
    userId: fields.userId,
    interactionTimestamp: fields.interactionTimestamp,
  };
}

/**
 * Validates one input and resolves its lookups (from the lookup cache; a query only for keys it does not hold).
 * Throws the AppError a caller should see: VALIDATION_ERROR, UNKNOWN_LOOKUP or LOOKUP_MISMATCH.
 */
export async function prepareInteraction(
  db: Database,
  input: CreateInteractionInput,
  { id, maxJsonDepth = DEFAULT_MAX_JSON_DEPTH }: PrepareInteractionOptions = {},
): Promise<PreparedInteraction> {
  const fields = checkedFields(input, maxJsonDepth);
  const [resourceTypeId, actionId, originId] = await Promise.all([
    resolveLookupId(db, 'resourceType', { mnemonic: input.resourceType, id: input.resourceTypeId }),
    resolveLookupId(db, 'action', { mnemonic: input.action, id: input.actionId }),
    resolveLookupId(db, 'origin', { mnemonic: input.origin, id: input.originId }),
  ]);
  return preparedFrom(input, id ?? uuidv7(), fields, resourceTypeId, actionId, originId);
}

/**
 * prepareInteraction without waiting, for the usual input whose lookups are all in the lookup cache: the prepared
 * row, or undefined when a lookup must be asked of the database (then prepareInteraction does). Throws the same
 * errors. A 1,000-item batch costs no promise per item this way, which was a large share of its time in GC.
 */
export function prepareCachedInteraction(
  db: Database,
  input: CreateInteractionInput,
  { id, maxJsonDepth = DEFAULT_MAX_JSON_DEPTH }: PrepareInteractionOptions = {},
): PreparedInteraction | undefined {
  const fields = checkedFields(input, maxJsonDepth);
  const resourceTypeId = resolveCachedLookupId(db, 'resourceType', { mnemonic: input.resourceType, id: input.resourceTypeId });
  const actionId = resolveCachedLookupId(db, 'action', { mnemonic: input.action, id: input.actionId });
  const originId = resolveCachedLookupId(db, 'origin', { mnemonic: input.origin, id: input.originId });
  if (resourceTypeId === undefined || actionId === undefined || originId === undefined) return undefined;
  return preparedFrom(input, id ?? uuidv7(), fields, resourceTypeId, actionId, originId);
}

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
 * Inserts prepared interactions with ONE statement (`INSERT … SELECT FROM unnest(…)`, so one transaction: all rows
 * or none) and returns the stored rows in input order (RETURNING order is not promised; rows are matched by id).
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
  const uuids = (key: 'id' | 'resourceTypeId' | 'actionId' | 'originId' | 'uowId') => plainArray(rows.map((row) => row[key]));
  const texts = (key: 'resourceId' | 'interaction' | 'externalReference' | 'externalResponse' | 'userId') =>
    quotedArray(rows.map((row) => row[key]));
  const stored = await sql.query<{ id: string; interactionNumber: number; createdDate: Date }>(
    `INSERT INTO interactions (id, resource_id, resource_type_id, action_id, origin_id, interaction,
       external_reference, external_response, uow_id, user_id, interaction_timestamp)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::uuid[], $6::jsonb[], $7::text[],
       $8::jsonb[], $9::uuid[], $10::text[], $11::timestamptz[])
     ${idsMayExist ? 'ON CONFLICT (id) DO NOTHING' : ''}
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
    const found = await sql.query<InteractionRecord>(`SELECT ${INTERACTION_COLUMNS} FROM interactions WHERE id = ANY($1::uuid[])`, [
      missing,
    ]);
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

/** An `Idempotency-Key` and whose it is: keys are per API key. */
export interface IdempotencyOptions {
  apiKeyId: string;
  key: string;
}

export interface CreateInteractionOptions {
  input: CreateInteractionInput;
  /** Default: one INSERT per call. The app passes its coalescer, which groups concurrent creates. */
  writer?: InteractionWriter;
  /** With a key, a retry with the same input within 24 h returns the original row without writing. */
  idempotency?: IdempotencyOptions | null;
  maxJsonDepth?: number;
}

/** Records one interaction and returns it as stored (after commit). */
export async function createInteraction(
  db: Database,
  { input, writer, idempotency, maxJsonDepth }: CreateInteractionOptions,
): Promise<InteractionRecord> {
  if (idempotency) {
    const [row] = await writeIdempotently(db, idempotency, input, 1, async ([id]) => [
      await prepareInteraction(db, input, { id, maxJsonDepth }),
    ]);
    return row;
  }
  const prepared = await prepareInteraction(db, input, { maxJsonDepth });
  if (writer) return writer.write(prepared);
  try {
    const [row] = await insertInteractions(db.sql, [prepared]);
    return row;
  } catch (error) {
    throw dataErrorToAppError(error) ?? error;
  }
}

/**
 * Writes `inputs` at most once per idempotency key. The claim fixes the rows' ids, so a replay, a concurrent
 * duplicate or a retry after a crash all write (or find) the same rows; the same key with another body is a
 * CONFLICT. A request refused with a 4xx releases a fresh claim, so a corrected retry may use the key.
 */
async function writeIdempotently(
  db: Database,
  { apiKeyId, key }: IdempotencyOptions,
  body: unknown,
  count: number,
  prepare: (ids: string[]) => Promise<PreparedInteraction[]>,
): Promise<InteractionRecord[]> {
  const claim = await claimIdempotencyKey(db, { apiKeyId, key, hash: requestHash(body), count });
  try {
    const prepared = await prepare(claim.ids);
    return await insertInteractions(db.sql, prepared, { idsMayExist: true }).catch((error) => {
      throw dataErrorToAppError(error) ?? error;
    });
  } catch (error) {
    if (claim.fresh && error instanceof AppError && httpStatusFor(error.code) < 500) {
      await releaseIdempotencyKey(db, { apiKeyId, key });
    }
    throw error;
  }
}

/** Throws VALIDATION_ERROR when a JSON value nests deeper than `max` levels of objects/arrays. */
export function assertJsonDepth(value: unknown, field: string, max: number): void {
  const depthOf = (v: unknown, depth: number): number => {
    if (depth > max || v === null || typeof v !== 'object') return depth;
    let deepest = depth + 1;
    for (const child of Array.isArray(v) ? v : Object.values(v as object)) {
      deepest = Math.max(deepest, depthOf(child, depth + 1));
      if (deepest > max) break;
    }
    return deepest;
  };
  if (depthOf(value, 0) > max) {
    throw new AppError('VALIDATION_ERROR', `${field} is nested deeper than ${max} levels`, { field, maxDepth: max });
  }
}

/** Most interactions one batch call may record. */
export const MAX_BATCH_SIZE = 1000;

export interface CreateInteractionsOptions {
  inputs: readonly CreateInteractionInput[];
  /** With a key, a retry of the same batch within 24 h returns the original rows without writing. */
  idempotency?: IdempotencyOptions | null;
  maxJsonDepth?: number;
}

/**
 * Records up to MAX_BATCH_SIZE interactions atomically: every item is validated first (any bad item →
 * VALIDATION_ERROR whose details.errors name each bad index, nothing written), then one multi-row insert.
 * Returns the stored rows in input order.
 */
export async function createInteractions(
  db: Database,
  { inputs, idempotency, maxJsonDepth }: CreateInteractionsOptions,
): Promise<InteractionRecord[]> {
  if (inputs.length === 0) {
    throw new AppError('VALIDATION_ERROR', 'interactions must hold at least one item', { field: 'interactions' });
  }
  if (inputs.length > MAX_BATCH_SIZE) {
    throw new AppError('VALIDATION_ERROR', `interactions must hold at most ${MAX_BATCH_SIZE} items`, {
      field: 'interactions',
      count: inputs.length,
    });
  }
  if (idempotency) {
    return writeIdempotently(db, idempotency, inputs, inputs.length, (ids) =>
      prepareAll(db, inputs, (index) => ({ id: ids[index], maxJsonDepth })),
    );
  }
  const prepared = await prepareAll(db, inputs, () => ({ maxJsonDepth }));
  try {
    return await insertInteractions(db.sql, prepared);
  } catch (error) {
    throw dataErrorToAppError(error) ?? error;
  }
}

/** Prepares every input; any bad one → VALIDATION_ERROR whose details.errors name each bad index. */
async function prepareAll(
  db: Database,
  inputs: readonly CreateInteractionInput[],
  options: (index: number) => PrepareInteractionOptions,
): Promise<PreparedInteraction[]> {
  const prepared: PreparedInteraction[] = new Array(inputs.length);
  const errors: { index: number; code: string; message: string; details?: unknown }[] = [];
  const refuse = (index: number, error: unknown) => {
    if (!(error instanceof AppError)) throw error;
    errors.push({ index, code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) });
  };
  // Synchronously from the lookup cache first; only items naming a lookup it does not hold wait for the database.
  const uncached: number[] = [];
  inputs.forEach((input, index) => {
    try {
      const row = prepareCachedInteraction(db, input, options(index));
      if (row) prepared[index] = row;
      else uncached.push(index);
    } catch (error) {
      refuse(index, error);
    }
  });
  const settled = await Promise.allSettled(uncached.map((index) => prepareInteraction(db, inputs[index], options(index))));
  settled.forEach((result, i) => {
    if (result.status === 'fulfilled') prepared[uncached[i]] = result.value;
    else refuse(uncached[i], result.reason);
  });
  if (errors.length > 0) {
    errors.sort((a, b) => a.index - b.index);
    throw new AppError('VALIDATION_ERROR', `${errors.length} of ${inputs.length} interactions are invalid; nothing was recorded`, {
      errors,
    });
  }
  return prepared;
}

/**
 * The AppError for a row the database refused because of its data (SQLSTATE class 22 data exception or 23
 * integrity violation), or null for anything else (connection lost, server gone: not the caller's fault).
 */
export function dataErrorToAppError(error: unknown): AppError | null {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  if (code === '23503') return new AppError('UNKNOWN_LOOKUP', 'A lookup named by the interaction no longer exists');
  if (code.startsWith('22') || code.startsWith('23')) {
    return new AppError('VALIDATION_ERROR', 'The database refused a value of the interaction (e.g. a NUL character)', {
      sqlState: code,
    });
  }
  return null;
}

/** Filters of the interaction list; every one optional, all combined with AND. */
export interface InteractionFilter {
  resourceId?: string | null;
  interactionId?: string | null;
  uowId?: string | null;
  externalReference?: string | null;
  userId?: string | null;
  /** Mnemonics; an unknown mnemonic matches nothing. */
  action?: string | null;
  resourceType?: string | null;
  origin?: string | null;
  /** Created on or after (ISO date or date-time). */
  startDate?: string | null;
  /** Created on or before; a date-only value includes that whole UTC day. */
  endDate?: string | null;
}

export interface FindInteractionsOptions {
  filter?: InteractionFilter;
  /** 1-based page, default 1. */
  page?: number | null;
  /** Page size, default 50, values above 100 are taken as 100. */
  limit?: number | null;
  /** Continue a walk after this cursor (a `nextCursor`) instead of giving `page`; the filter must be sent again. */
  cursor?: string | null;
}

/** One page of a list with its position in the whole. */
export interface Page<T> {
  items: T[];
  pagination: { page: number; limit: number; total: number; totalPages: number; hasNext: boolean; hasPrev: boolean };
}

/** A page of the interaction list: its pagination also carries the cursor that continues after it. */
export interface InteractionListPage extends Page<InteractionRecord> {
  pagination: Page<never>['pagination'] & { nextCursor: string | null };
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 100;

/** Checks page/limit; limit above `max` is clamped to `max`, anything below 1 is refused. */
export function parsePaging(page: number | null | undefined, limit: number | null | undefined, defaultLimit: number, max: number) {
  const p = page ?? 1;
  const l = limit ?? defaultLimit;
  if (!Number.isInteger(p) || p < 1) throw new AppError('VALIDATION_ERROR', 'page must be an integer ≥ 1', { field: 'page' });
  if (!Number.isInteger(l) || l < 1) throw new AppError('VALIDATION_ERROR', 'limit must be an integer ≥ 1', { field: 'limit' });
  return { page: p, limit: Math.min(l, max) };
}

/** Builds the pagination object of a page. */
export function paginationOf(page: number, limit: number, total: number): Page<never>['pagination'] {
  const totalPages = Math.ceil(total / limit);
  return { page, limit, total, totalPages, hasNext: page < totalPages, hasPrev: page > 1 };
}

/** Turns a filter into a WHERE clause with parameters (values only ever travel as parameters). */
export function interactionWhere(filter: InteractionFilter): { where: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (sql: (placeholder: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(sql(`$${params.length}`));
  };
  if (filter.resourceId != null) add((p) => `resource_id = ${p}`, filter.resourceId);
  if (filter.interactionId != null) add((p) => `id = ${p}::uuid`, assertUuid(filter.interactionId, 'interactionId'));
  if (filter.uowId != null) add((p) => `uow_id = ${p}::uuid`, assertUuid(filter.uowId, 'uowId'));
  if (filter.externalReference != null) add((p) => `external_reference = ${p}`, filter.externalReference);
  if (filter.userId != null) add((p) => `user_id = ${p}`, filter.userId);
  if (filter.action != null) {
    add((p) => `action_id = (SELECT id FROM actions WHERE mnemonic = ${p})`, normalizeMnemonic(filter.action, 'action'));
  }
  if (filter.resourceType != null) {
    add(
      (p) => `resource_type_id = (SELECT id FROM resource_types WHERE mnemonic = ${p})`,
      normalizeMnemonic(filter.resourceType, 'resourceType'),
    );
  }
  if (filter.origin != null) {
    add((p) => `origin_id = (SELECT id FROM origins WHERE mnemonic = ${p})`, normalizeMnemonic(filter.origin, 'origin'));
  }
  const { start, end } = dateBounds(filter);
  if (start) add((p) => `created_date >= ${p}`, start.date);
  if (end) add((p) => (end.exclusive ? `created_date < ${p}` : `created_date <= ${p}`), end.date);
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/** startDate and endDate parsed and checked (start not after end). */
function dateBounds(filter: InteractionFilter) {
  const start = filter.startDate != null ? parseDateBound(filter.startDate, 'startDate', 'start') : null;
  const end = filter.endDate != null ? parseDateBound(filter.endDate, 'endDate', 'end') : null;
  // An exclusive end (date-only endDate) equal to the start is an empty range too: startDate is after that day.
  if (start && end && (start.date > end.date || (end.exclusive && start.date.getTime() === end.date.getTime()))) {
    throw new AppError('VALIDATION_ERROR', 'startDate must not be after endDate', { field: 'startDate' });
  }
  return { start, end };
}

/** Filters the timeline's daily counts can answer: the three lookups and the date range. */
const ROLLUP_FILTERS: readonly (keyof InteractionFilter)[] = ['action', 'resourceType', 'origin', 'startDate', 'endDate'];
const DAY_MS = 86_400_000;

export interface CountInteractionsOptions {
  filter?: InteractionFilter;
}

/**
 * The exact number of interactions matching a filter. Filters made of lookups and a date range — including no
 * filter at all, the console's first page — are counted from the timeline's daily counts (one row per whole day
 * in the range), plus, live, the rows of the partial days at the edges and the rows the daily counts do not cover
 * yet (numbered above covered_through): the same invariant as the timeline (docs/adr/003 and 004),
 * so the total is exact at any moment, and costs days + edge rows + recent rows instead of every match. Any other
 * filter (resource, user, unit of work, external reference, id) narrows to few rows and is counted by its index,
 * index-only.
 */
export async function countInteractions(db: Database, { filter = {} }: CountInteractionsOptions): Promise<number> {
  const keys = (Object.keys(filter) as (keyof InteractionFilter)[]).filter((key) => filter[key] != null);
  if (keys.every((key) => ROLLUP_FILTERS.includes(key))) {
    const total = await countByRollup(db, filter);
    if (total !== null) return total;
  }
  const { where, params } = interactionWhere(filter);
  const [{ total }] = await db.sql.query<{ total: number }>(`SELECT count(*) AS total FROM interactions ${where}`, params, {
    prepare: true,
  });
  return total;
}

/** countInteractions by the daily counts; null when the range holds no whole UTC day (the index count is cheap then). */
async function countByRollup(db: Database, filter: InteractionFilter): Promise<number | null> {
  const { start, end } = dateBounds(filter);
  // [from, to): created_date has millisecond precision, so `<= end` is `< end + 1 ms`.
  const from = start?.date.getTime() ?? null;
  const to = end ? end.date.getTime() + (end.exclusive ? 0 : 1) : null;
  // Whole days inside the range: [firstDay, lastDay) at UTC midnights.
  const firstDay = from === null ? null : Math.ceil(from / DAY_MS) * DAY_MS;
  const lastDay = to === null ? null : Math.floor(to / DAY_MS) * DAY_MS;
  if (firstDay !== null && lastDay !== null && firstDay >= lastDay) return null;

  const lookups = normalizeLookupFilter(filter);
  return readWithCoverage(db, async (covered) => {
    const params: unknown[] = [covered];
    const param = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const tableFilters = lookupFilterClauses(lookups, params, 'table');
    const liveFilters = lookupFilterClauses(lookups, params, 'interactions');
    const first = firstDay === null ? null : param(new Date(firstDay));
    const last = lastDay === null ? null : param(new Date(lastDay));
    const days = [first && `AND day >= (${first}::timestamptz AT TIME ZONE 'UTC')::date`, last && `AND day < (${last}::timestamptz AT TIME ZONE 'UTC')::date`];
    const live = (range: string[]) => `(SELECT count(*) FROM interactions WHERE ${range.join(' AND ')} ${liveFilters})`;
    const whole = [first && `created_date >= ${first}`, last && `created_date < ${last}`].filter(Boolean) as string[];
    const parts = [
      `(SELECT COALESCE(sum(count), 0) FROM interaction_daily_counts WHERE true ${days.filter(Boolean).join(' ')} ${tableFilters})`,
      // Whole days, rows the daily counts do not cover yet.
      live(['interaction_number > $1', ...whole]),
    ];
    // The partial days at the edges are counted live, whatever their numbers.
    if (from !== null && firstDay !== from) parts.push(live([`created_date >= ${param(new Date(from))}`, `created_date < ${first}`]));
    if (to !== null && lastDay !== to) parts.push(live([`created_date >= ${last}`, `created_date < ${param(new Date(to))}`]));
    // One statement, one snapshot: the table, the live rows and the covered_through they fit together with.
    const [row] = await db.sql.query<{ total: string | number; coveredThrough: number }>(
      `SELECT (${parts.join(' + ')})::bigint AS total,
         (SELECT covered_through FROM timeline_refresh_state WHERE id = 1) AS "coveredThrough"`,
      params,
    );
    return { value: Number(row.total), coveredThrough: row.coveredThrough };
  });
}

/**
 * A filtered page of interactions, newest first (created date, then interaction number). With `cursor` the page is
 * the `limit` rows after the cursor's position (keyset: rows inserted meanwhile neither repeat nor shift it), its
 * `page` the cursor's page + 1, `hasNext` known from one extra row and `hasPrev` true; `total` is the exact count of
 * all matches either way. `pagination.nextCursor` continues after the page's last row, or is null on the last page.
 */
export async function findInteractions(
  db: Database,
  { filter = {}, page: pageInput, limit: limitInput, cursor }: FindInteractionsOptions,
): Promise<InteractionListPage> {
  if (cursor != null && pageInput != null) {
    throw new AppError('VALIDATION_ERROR', 'cursor and page cannot be combined: a cursor carries its own page', { field: 'cursor' });
  }
  const after = cursor == null ? null : decodeCursor(cursor, 'cursor');
  const { page, limit } = parsePaging(after ? after.page + 1 : pageInput, limitInput, DEFAULT_LIMIT, MAX_LIMIT);
  const offset = after ? 0 : (page - 1) * limit;
  let slice: { items: InteractionRecord[]; hasMore: boolean };
  let total: number;
  if (!after && offset === 0) {
    // A first page that holds every match (a resource's or a user's few interactions) is its own exact total: the
    // count is run only when more rows follow.
    slice = await selectInteractionPage(db, filter, { after, limit, offset });
    total = slice.hasMore ? await countInteractions(db, { filter }) : slice.items.length;
  } else {
    [slice, total] = await Promise.all([selectInteractionPage(db, filter, { after, limit, offset }), countInteractions(db, { filter })]);
  }
  const { items, hasMore } = slice;
  // On a cursor page the offset is unknown (rows may have arrived since the walk began), so `hasNext` comes from
  // the extra row rather than the count; `page` counts the pages of the walk.
  const pagination = after ? { ...paginationOf(page, limit, total), hasNext: hasMore, hasPrev: true } : paginationOf(page, limit, total);
  const nextCursor = hasMore ? cursorAfter(items[items.length - 1], page) : null;
  return { items, pagination: { ...pagination, nextCursor } };
}

export interface FindInteractionsAfterOptions {
  filter?: InteractionFilter;
  /** Rows to return, default 50, values above 100 are taken as 100. */
  first?: number | null;
  /** A cursor (from an edge, `endCursor` or REST's `nextCursor`): return the rows after it. */
  after?: string | null;
}

/** A slice of the list after a cursor, for the GraphQL connection (no count: the connection asks for it apart). */
export interface InteractionSlice {
  items: InteractionRecord[];
  /** Page of the walk this slice is (the cursor's page + 1, or 1 without a cursor); edge cursors carry it. */
  page: number;
  hasNext: boolean;
  hasPrev: boolean;
}

/** The first `first` interactions after `after` (or from the newest), in list order, with no count query. */
export async function findInteractionsAfter(
  db: Database,
  { filter = {}, first, after: afterInput }: FindInteractionsAfterOptions,
): Promise<InteractionSlice> {
  const size = first ?? DEFAULT_LIMIT;
  if (!Number.isInteger(size) || size < 1) throw new AppError('VALIDATION_ERROR', 'first must be an integer ≥ 1', { field: 'first' });
  const after = afterInput == null ? null : decodeCursor(afterInput, 'after');
  const { items, hasMore } = await selectInteractionPage(db, filter, { after, limit: Math.min(size, MAX_LIMIT), offset: 0 });
  return { items, page: after ? after.page + 1 : 1, hasNext: hasMore, hasPrev: after !== null };
}

/**
 * `limit` rows of the filter after `after` (keyset) or after skipping `offset` rows, newest first, and whether more
 * follow (one extra row is fetched to know). The keyset predicate is a row comparison on the order's two columns,
 * which every list index ends with, so it is an index bound rather than a filter.
 */
async function selectInteractionPage(
  db: Database,
  filter: InteractionFilter,
  { after, limit, offset }: { after: InteractionCursor | null; limit: number; offset: number },
): Promise<{ items: InteractionRecord[]; hasMore: boolean }> {
  const { where, params } = interactionWhere(filter);
  const keyset = after ? [after.createdDate, after.interactionNumber] : [];
  const keysetClause = after
    ? `${where ? `${where} AND` : 'WHERE'} (created_date, interaction_number) < ($${params.length + 1}::timestamptz, $${params.length + 2}::bigint)`
    : where;
  const n = params.length + keyset.length;
  // Deferred join: the page's keys come from the filter's index alone (an index-only scan skipping `offset`
  // entries), and only the page's own rows are read from the table. Reading every skipped row made deep
  // pages (page 200 of a 17k-row filter) cost ~100 ms at 1M rows instead of a few.
  const rows = await db.sql.query<InteractionRecord>(
    `SELECT ${INTERACTION_COLUMNS} FROM interactions
     WHERE interaction_number IN (
       SELECT interaction_number FROM interactions ${keysetClause}
       ORDER BY created_date DESC, interaction_number DESC
       LIMIT $${n + 1} OFFSET $${n + 2})
     ORDER BY created_date DESC, interaction_number DESC`,
    [...params, ...keyset, limit + 1, offset],
    // One text per combination of filters (values, LIMIT and OFFSET are parameters): prepared once per connection.
    { prepare: true },
  );
  return { items: rows.slice(0, limit), hasMore: rows.length > limit };
}

export interface GetInteractionOptions {
  id: string;
}

/** One interaction by id; NOT_FOUND when absent. */
export async function getInteraction(db: Database, { id }: GetInteractionOptions): Promise<InteractionRecord> {
  const [row] = await db.sql.query<InteractionRecord>(
    `SELECT ${INTERACTION_COLUMNS} FROM interactions WHERE id = $1`,
    [assertUuid(id, 'id')],
    { prepare: true },
  );
  if (!row) throw new AppError('NOT_FOUND', `No interaction with id ${id}`);
  return row;
}
