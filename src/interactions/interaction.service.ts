import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../db/database';
import { AppError, httpStatusFor } from '../errors/app-error';
import { claimIdempotencyKey, releaseIdempotencyKey, requestHash } from '../idempotency/idempotency.service';
import { normalizeMnemonic, resolveLookupId, type LookupReference } from '../lookups/lookup.service';
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

/** How an interaction is written. */
export interface CreateInteractionOptions {
  /** The row's id; a new UUID v7 when absent. Given by idempotent retries, which must write the same row. */
  id?: string;
  /** Deepest accepted nesting of `interaction` and `externalResponse` (default 32). */
  maxJsonDepth?: number;
}

export const DEFAULT_MAX_JSON_DEPTH = 32;

/**
 * Records one interaction and returns it as stored. With an `id` that already exists, writes nothing and returns
 * the existing row (an idempotent retry).
 */
export async function createInteraction(
  db: Database,
  input: CreateInteractionInput,
  { id = uuidv7(), maxJsonDepth = DEFAULT_MAX_JSON_DEPTH }: CreateInteractionOptions = {},
): Promise<InteractionRecord> {
  assertJsonDepth(input.interaction, 'interaction', maxJsonDepth);
  assertJsonDepth(input.externalResponse, 'externalResponse', maxJsonDepth);
  if (typeof input.resourceId !== 'string') {
    throw new AppError('VALIDATION_ERROR', 'resourceId is required', { field: 'resourceId' });
  }
  const resourceId = assertLength(input.resourceId, 'resourceId', 1, 512);
  const externalReference =
    input.externalReference == null ? null : assertLength(input.externalReference, 'externalReference', 1, 512);
  const userId = input.userId == null || input.userId === '' ? null : assertLength(input.userId, 'userId', 1, 256);
  const uowId = input.uowId == null || input.uowId === '' ? randomUUID() : assertUuid(input.uowId, 'uowId');
  const interactionTimestamp =
    input.interactionTimestamp == null || input.interactionTimestamp === ''
      ? null
      : parseTimestamp(input.interactionTimestamp, 'interactionTimestamp');
  const reference = (mnemonic?: string | null, id?: string | null): LookupReference => ({ mnemonic, id });
  const [resourceTypeId, actionId, originId] = await Promise.all([
    resolveLookupId(db, 'resourceType', reference(input.resourceType, input.resourceTypeId)),
    resolveLookupId(db, 'action', reference(input.action, input.actionId)),
    resolveLookupId(db, 'origin', reference(input.origin, input.originId)),
  ]);
  const [row] = await db.sql.query<InteractionRecord>(
    `INSERT INTO interactions (id, resource_id, resource_type_id, action_id, origin_id, interaction,
       external_reference, external_response, uow_id, user_id, interaction_timestamp)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8::jsonb, $9, $10, $11)
     ON CONFLICT (id) DO NOTHING
     RETURNING ${INTERACTION_COLUMNS}`,
    [
      id,
      resourceId,
      resourceTypeId,
      actionId,
      originId,
      jsonParam(input.interaction),
      externalReference,
      jsonParam(input.externalResponse),
      uowId,
      userId,
      interactionTimestamp,
    ],
  );
  return row ?? getInteraction(db, { id });
}

export interface CreateInteractionIdempotentlyOptions {
  input: CreateInteractionInput;
  /** The caller's key id: idempotency keys are per API key. */
  apiKeyId: string;
  idempotencyKey: string;
  maxJsonDepth?: number;
}

/**
 * Records an interaction at most once per idempotency key: a retry with the same key and input within 24 hours
 * returns the original row without writing; the same key with another input is a CONFLICT.
 */
export async function createInteractionIdempotently(
  db: Database,
  { input, apiKeyId, idempotencyKey, maxJsonDepth }: CreateInteractionIdempotentlyOptions,
): Promise<InteractionRecord> {
  const claim = await claimIdempotencyKey(db, { apiKeyId, key: idempotencyKey, hash: requestHash(input), count: 1 });
  try {
    return await createInteraction(db, input, { id: claim.ids[0], maxJsonDepth });
  } catch (error) {
    // A refused request wrote nothing: free the key so a corrected retry can use it.
    if (claim.fresh && error instanceof AppError && httpStatusFor(error.code) < 500) {
      await releaseIdempotencyKey(db, { apiKeyId, key: idempotencyKey });
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
}

/** One page of a list with its position in the whole. */
export interface Page<T> {
  items: T[];
  pagination: { page: number; limit: number; total: number; totalPages: number; hasNext: boolean; hasPrev: boolean };
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
  const start = filter.startDate != null ? parseDateBound(filter.startDate, 'startDate', 'start') : null;
  const end = filter.endDate != null ? parseDateBound(filter.endDate, 'endDate', 'end') : null;
  if (start && end && start.date.getTime() > end.date.getTime()) {
    throw new AppError('VALIDATION_ERROR', 'startDate must not be after endDate', { field: 'startDate' });
  }
  if (start) add((p) => `created_date >= ${p}`, start.date);
  if (end) add((p) => (end.exclusive ? `created_date < ${p}` : `created_date <= ${p}`), end.date);
  return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}

/** A filtered page of interactions, newest first (created date, then interaction number). */
export async function findInteractions(
  db: Database,
  { filter = {}, page: pageInput, limit: limitInput }: FindInteractionsOptions,
): Promise<Page<InteractionRecord>> {
  const { page, limit } = parsePaging(pageInput, limitInput, DEFAULT_LIMIT, MAX_LIMIT);
  const { where, params } = interactionWhere(filter);
  const [items, [{ total }]] = await Promise.all([
    db.sql.query<InteractionRecord>(
      `SELECT ${INTERACTION_COLUMNS} FROM interactions ${where}
       ORDER BY created_date DESC, interaction_number DESC
       LIMIT ${limit} OFFSET ${(page - 1) * limit}`,
      params,
    ),
    db.sql.query<{ total: number }>(`SELECT count(*) AS total FROM interactions ${where}`, params),
  ]);
  return { items, pagination: paginationOf(page, limit, total) };
}

export interface GetInteractionOptions {
  id: string;
}

/** One interaction by id; NOT_FOUND when absent. */
export async function getInteraction(db: Database, { id }: GetInteractionOptions): Promise<InteractionRecord> {
  const [row] = await db.sql.query<InteractionRecord>(`SELECT ${INTERACTION_COLUMNS} FROM interactions WHERE id = $1`, [
    assertUuid(id, 'id'),
  ]);
  if (!row) throw new AppError('NOT_FOUND', `No interaction with id ${id}`);
  return row;
}
