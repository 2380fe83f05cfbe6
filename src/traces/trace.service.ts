import type { Database } from '../db/database';
import { AppError } from '../errors/app-error';
import {
  INTERACTION_COLUMNS,
  paginationOf,
  parsePaging,
  type InteractionRecord,
  type Page,
} from '../interactions/interaction.service';
import { assertUuid } from '../validation';

/**
 * When an interaction happened, for ordering a unit of work: the caller's timestamp when given, else the time it
 * was recorded. Written exactly as in the key of `interactions_uow_chrono_idx`, so the planner matches it.
 */
export const TRACE_TIME = 'COALESCE(interaction_timestamp, created_date)';

/** Chronological order inside a unit of work; ties (same millisecond) by interaction number. */
export const TRACE_ORDER = `${TRACE_TIME}, interaction_number`;

export const TRACE_DEFAULT_LIMIT = 1_000;
export const TRACE_MAX_LIMIT = 10_000;

/**
 * Largest trace whose timeline is answered in one response. The timeline has no paging in the contract; past this
 * size the response itself (tens of MB of JSON) would be the danger, so it is refused with PAYLOAD_TOO_LARGE and
 * the caller pages through `GET /api/traces/:uowId` instead.
 */
export const TRACE_TIMELINE_MAX = 100_000;

/** A unit of work known to exist; its parts are read only when asked for. */
export interface TraceRecord {
  uowId: string;
}

/** Aggregates of one unit of work. */
export interface TraceSummaryRecord {
  uowId: string;
  totalInteractions: number;
  startTime: Date;
  endTime: Date;
  durationMs: number;
  /** Mnemonics, sorted, unique. */
  uniqueActions: string[];
  resourceTypes: string[];
  origins: string[];
  /** Number of distinct resource ids. */
  resourceCount: number;
  /** Sorted, unique, without null. */
  userIds: string[];
}

/** One interaction of a trace as the timeline shows it (mnemonics, no JSON). */
export interface TraceTimelineEntryRecord {
  interactionId: string;
  interactionNumber: number;
  timestamp: Date;
  /** Milliseconds since the first interaction of the trace. */
  offsetMs: number;
  resourceId: string;
  resourceType: string;
  action: string;
  origin: string;
  userId: string | null;
}

export interface GetTraceOptions {
  uowId: string;
}

/** A unit of work by id: VALIDATION_ERROR unless a UUID, NOT_FOUND when no interaction carries it. */
export async function getTrace(db: Database, { uowId }: GetTraceOptions): Promise<TraceRecord> {
  const id = assertUuid(uowId, 'uowId');
  const rows = await db.sql.query(`SELECT 1 FROM interactions WHERE uow_id = $1 LIMIT 1`, [id]);
  if (rows.length === 0) throw new AppError('NOT_FOUND', `No interactions with uowId ${uowId}`);
  return { uowId: id };
}

export interface FindTraceInteractionsOptions {
  uowId: string;
  /** 1-based page, default 1. */
  page?: number | null;
  /** Page size, default 1,000, values above 10,000 are taken as 10,000. */
  limit?: number | null;
}

/** One page of a unit of work's interactions, in chronological order. */
export async function findTraceInteractions(
  db: Database,
  { uowId, page: pageInput, limit: limitInput }: FindTraceInteractionsOptions,
): Promise<Page<InteractionRecord>> {
  const id = assertUuid(uowId, 'uowId');
  const { page, limit } = parsePaging(pageInput, limitInput, TRACE_DEFAULT_LIMIT, TRACE_MAX_LIMIT);
  const [items, [{ total }]] = await Promise.all([
    db.sql.query<InteractionRecord>(
      `SELECT ${INTERACTION_COLUMNS} FROM interactions WHERE uow_id = $1
       ORDER BY ${TRACE_ORDER} LIMIT ${limit} OFFSET ${(page - 1) * limit}`,
      [id],
    ),
    db.sql.query<{ total: number }>(`SELECT count(*) AS total FROM interactions WHERE uow_id = $1`, [id]),
  ]);
  return { items, pagination: paginationOf(page, limit, total) };
}

export interface GetTraceTimelineOptions {
  uowId: string;
}

/**
 * The timeline of a unit of work, computed in SQL: a projection of the ordered index (no JSON columns), offsets by a
 * window function, mnemonics by joins. PAYLOAD_TOO_LARGE above TRACE_TIMELINE_MAX interactions.
 */
export async function getTraceTimeline(db: Database, { uowId }: GetTraceTimelineOptions): Promise<TraceTimelineEntryRecord[]> {
  const id = assertUuid(uowId, 'uowId');
  const rows = await db.sql.query<TraceTimelineEntryRecord>(
    `SELECT t.id AS "interactionId", t.interaction_number AS "interactionNumber", t.ts AS "timestamp",
       (EXTRACT(EPOCH FROM t.ts - min(t.ts) OVER ()) * 1000)::float8 AS "offsetMs",
       t.resource_id AS "resourceId", rt.mnemonic AS "resourceType", a.mnemonic AS "action", o.mnemonic AS "origin",
       t.user_id AS "userId"
     FROM (SELECT id, interaction_number, ${TRACE_TIME} AS ts, resource_id, resource_type_id, action_id, origin_id, user_id
           FROM interactions WHERE uow_id = $1 ORDER BY ${TRACE_ORDER} LIMIT ${TRACE_TIMELINE_MAX + 1}) t
     JOIN resource_types rt ON rt.id = t.resource_type_id
     JOIN actions a ON a.id = t.action_id
     JOIN origins o ON o.id = t.origin_id
     ORDER BY t.ts, t.interaction_number`,
    [id],
  );
  if (rows.length > TRACE_TIMELINE_MAX) {
    throw new AppError(
      'PAYLOAD_TOO_LARGE',
      `Trace ${uowId} has more than ${TRACE_TIMELINE_MAX} interactions; page through GET /api/traces/${uowId} instead`,
      { limit: TRACE_TIMELINE_MAX },
    );
  }
  return rows;
}

/**
 * Summaries of several units of work in one statement, in the order of `uowIds` (null where a unit of work has no
 * interactions). Aggregates run in SQL over the covering index: distinct lookup ids first (a few per trace), turned
 * into sorted mnemonics afterwards, so a 100,000-row trace yields one small row.
 */
export async function findTraceSummaries(db: Database, uowIds: readonly string[]): Promise<(TraceSummaryRecord | null)[]> {
  const ids = uowIds.map((id) => assertUuid(id, 'uowId'));
  const rows = await db.sql.query<TraceSummaryRecord>(
    `WITH s AS (
       SELECT uow_id, count(*) AS total, min(${TRACE_TIME}) AS start_time, max(${TRACE_TIME}) AS end_time,
         array_agg(DISTINCT action_id) AS action_ids, array_agg(DISTINCT resource_type_id) AS type_ids,
         array_agg(DISTINCT origin_id) AS origin_ids, count(DISTINCT resource_id) AS resource_count,
         array_remove(array_agg(DISTINCT user_id COLLATE "C"), NULL) AS user_ids
       FROM interactions WHERE uow_id = ANY($1::uuid[]) GROUP BY uow_id
     )
     SELECT s.uow_id AS "uowId", s.total::int AS "totalInteractions", s.start_time AS "startTime",
       s.end_time AS "endTime", (EXTRACT(EPOCH FROM s.end_time - s.start_time) * 1000)::float8 AS "durationMs",
       ARRAY(SELECT mnemonic FROM actions WHERE id = ANY(s.action_ids) ORDER BY mnemonic COLLATE "C") AS "uniqueActions",
       ARRAY(SELECT mnemonic FROM resource_types WHERE id = ANY(s.type_ids) ORDER BY mnemonic COLLATE "C") AS "resourceTypes",
       ARRAY(SELECT mnemonic FROM origins WHERE id = ANY(s.origin_ids) ORDER BY mnemonic COLLATE "C") AS "origins",
       s.resource_count::int AS "resourceCount", s.user_ids AS "userIds"
     FROM s`,
    [ids],
  );
  const byId = new Map(rows.map((row) => [row.uowId, row]));
  return ids.map((id) => byId.get(id) ?? null);
}
