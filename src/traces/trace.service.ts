import type { Database } from '../db/database';
import { AppError } from '../errors/app-error';
import { paginationOf, parsePaging, type Page } from '../input/pagination';
import { parseUuid } from '../input/uuid';
import { INTERACTION_COLUMNS, type InteractionRecord } from '../interactions/interaction.model';
import { LOOKUP_KINDS } from '../lookups/lookup.kinds';

// The lookup tables and their columns on `interactions`, as declared once (src/lookups/lookup.kinds.ts).
const { resourceType: RESOURCE_TYPE, action: ACTION, origin: ORIGIN } = LOOKUP_KINDS;

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
  const id = parseUuid(uowId, 'uowId');
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
  const id = parseUuid(uowId, 'uowId');
  const { page, limit } = parsePaging(
    { page: pageInput, limit: limitInput },
    { defaultLimit: TRACE_DEFAULT_LIMIT, maxLimit: TRACE_MAX_LIMIT },
  );
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
 * The timeline of a unit of work, computed in SQL: a projection of the chronological index walk (no JSON columns
 * selected), mnemonics by joins. PAYLOAD_TOO_LARGE above TRACE_TIMELINE_MAX interactions.
 */
export async function getTraceTimeline(
  db: Database,
  { uowId }: GetTraceTimelineOptions,
): Promise<TraceTimelineEntryRecord[]> {
  const id = parseUuid(uowId, 'uowId');
  // Times travel as epoch milliseconds (float8): parsing 100,000 timestamptz strings in the driver costs more than
  // the query. Offsets are then one subtraction from the first entry.
  const rows = await db.sql.query<Omit<TraceTimelineEntryRecord, 'timestamp' | 'offsetMs'> & { ms: number }>(
    `SELECT t.id AS "interactionId", t.interaction_number AS "interactionNumber",
       (EXTRACT(EPOCH FROM t.ts) * 1000)::float8 AS ms,
       t.resource_id AS "resourceId", rt.mnemonic AS "resourceType", a.mnemonic AS "action", o.mnemonic AS "origin",
       t.user_id AS "userId"
     FROM (SELECT id, interaction_number, ${TRACE_TIME} AS ts, resource_id, ${RESOURCE_TYPE.column}, ${ACTION.column},
             ${ORIGIN.column}, user_id
           FROM interactions WHERE uow_id = $1 ORDER BY ${TRACE_ORDER} LIMIT ${TRACE_TIMELINE_MAX + 1}) t
     JOIN ${RESOURCE_TYPE.table} rt ON rt.id = t.${RESOURCE_TYPE.column}
     JOIN ${ACTION.table} a ON a.id = t.${ACTION.column}
     JOIN ${ORIGIN.table} o ON o.id = t.${ORIGIN.column}
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
  const first = rows[0]?.ms ?? 0;
  return rows.map(({ ms, ...entry }) => ({ ...entry, timestamp: new Date(ms), offsetMs: ms - first }));
}

/**
 * Interactions recorded less than this long ago are summarised on every read but not folded into the stored summary:
 * an insert that took its interaction number earlier but commits later must not fall below `upto_number` unseen.
 */
export const TRACE_SUMMARY_SETTLE_SECONDS = 30;

const mergeArrays = (a: string, b: string) =>
  `ARRAY(SELECT DISTINCT x FROM unnest(COALESCE(${a}, '{}') || COALESCE(${b}, '{}')) AS x)`;

/**
 * Summaries of several units of work in one statement, in the order of `uowIds` (null where a unit of work has no
 * interactions). Computed in SQL and incrementally: `trace_summaries` holds the aggregates up to an interaction
 * number; a read aggregates only the interactions numbered above it (interactions_uow_number_idx), folds the settled
 * ones into the stored row and answers stored ⊕ new. A 100,000-row trace is aggregated once; afterwards a summary
 * costs a primary-key read plus the interactions of the last TRACE_SUMMARY_SETTLE_SECONDS. Distinct lookup ids are
 * kept (a few per trace) and turned into sorted mnemonics at the end.
 */
export async function findTraceSummaries(
  db: Database,
  uowIds: readonly string[],
): Promise<(TraceSummaryRecord | null)[]> {
  const ids = uowIds.map((id) => parseUuid(id, 'uowId'));
  const rows = await db.sql.query<TraceSummaryRecord>(
    `WITH k AS (SELECT DISTINCT unnest($1::uuid[]) AS uow_id),
     c AS (
       SELECT k.uow_id, s.upto_number, s.total, s.start_time, s.end_time, s.action_ids, s.resource_type_ids,
         s.origin_ids, s.user_ids, s.resource_ids
       FROM k LEFT JOIN trace_summaries s ON s.uow_id = k.uow_id
     ),
     d AS (
       SELECT i.uow_id, i.interaction_number AS n, ${TRACE_TIME} AS ts, i.action_id, i.resource_type_id, i.origin_id,
         i.user_id, i.resource_id, i.created_date < now() - make_interval(secs => $2) AS settled
       FROM c JOIN interactions i ON i.uow_id = c.uow_id AND i.interaction_number > COALESCE(c.upto_number, 0)
     ),
     cut AS (SELECT uow_id, COALESCE(min(n) FILTER (WHERE NOT settled) - 1, max(n)) AS upto FROM d GROUP BY uow_id),
     a AS (
       SELECT d.uow_id, d.n <= cut.upto AS settled, count(*) AS total, min(d.ts) AS start_time, max(d.ts) AS end_time,
         array_agg(DISTINCT d.action_id) AS action_ids, array_agg(DISTINCT d.resource_type_id) AS resource_type_ids,
         array_agg(DISTINCT d.origin_id) AS origin_ids, array_remove(array_agg(DISTINCT d.user_id), NULL) AS user_ids,
         array_agg(DISTINCT d.resource_id) AS resource_ids
       FROM d JOIN cut ON cut.uow_id = d.uow_id
       GROUP BY d.uow_id, d.n <= cut.upto
     ),
     stored AS (
       SELECT c.uow_id, cut.upto AS upto_number, COALESCE(c.total, 0) + s.total AS total,
         LEAST(c.start_time, s.start_time) AS start_time, GREATEST(c.end_time, s.end_time) AS end_time,
         ${mergeArrays('c.action_ids', 's.action_ids')} AS action_ids,
         ${mergeArrays('c.resource_type_ids', 's.resource_type_ids')} AS resource_type_ids,
         ${mergeArrays('c.origin_ids', 's.origin_ids')} AS origin_ids,
         ${mergeArrays('c.user_ids', 's.user_ids')} AS user_ids,
         ${mergeArrays('c.resource_ids', 's.resource_ids')} AS resource_ids
       FROM c JOIN cut ON cut.uow_id = c.uow_id JOIN a s ON s.uow_id = c.uow_id AND s.settled
     ),
     saved AS (
       INSERT INTO trace_summaries (uow_id, upto_number, total, start_time, end_time, action_ids, resource_type_ids,
         origin_ids, user_ids, resource_ids)
       SELECT uow_id, upto_number, total, start_time, end_time, action_ids, resource_type_ids, origin_ids, user_ids,
         resource_ids FROM stored
       ON CONFLICT (uow_id) DO UPDATE SET upto_number = EXCLUDED.upto_number, total = EXCLUDED.total,
         start_time = EXCLUDED.start_time, end_time = EXCLUDED.end_time, action_ids = EXCLUDED.action_ids,
         resource_type_ids = EXCLUDED.resource_type_ids, origin_ids = EXCLUDED.origin_ids, user_ids = EXCLUDED.user_ids,
         resource_ids = EXCLUDED.resource_ids, updated_date = now()
       WHERE trace_summaries.upto_number < EXCLUDED.upto_number
     ),
     b AS (
       SELECT c.uow_id, COALESCE(st.total, c.total, 0) AS total, COALESCE(st.start_time, c.start_time) AS start_time,
         COALESCE(st.end_time, c.end_time) AS end_time, COALESCE(st.action_ids, c.action_ids) AS action_ids,
         COALESCE(st.resource_type_ids, c.resource_type_ids) AS resource_type_ids,
         COALESCE(st.origin_ids, c.origin_ids) AS origin_ids, COALESCE(st.user_ids, c.user_ids) AS user_ids,
         COALESCE(st.resource_ids, c.resource_ids) AS resource_ids
       FROM c LEFT JOIN stored st ON st.uow_id = c.uow_id
     ),
     r AS (
       SELECT b.uow_id, b.total + COALESCE(t.total, 0) AS total, LEAST(b.start_time, t.start_time) AS start_time,
         GREATEST(b.end_time, t.end_time) AS end_time,
         ${mergeArrays('b.action_ids', 't.action_ids')} AS action_ids,
         ${mergeArrays('b.resource_type_ids', 't.resource_type_ids')} AS resource_type_ids,
         ${mergeArrays('b.origin_ids', 't.origin_ids')} AS origin_ids,
         ${mergeArrays('b.user_ids', 't.user_ids')} AS user_ids,
         ${mergeArrays('b.resource_ids', 't.resource_ids')} AS resource_ids
       FROM b LEFT JOIN a t ON t.uow_id = b.uow_id AND NOT t.settled
     )
     SELECT r.uow_id AS "uowId", r.total::int AS "totalInteractions", r.start_time AS "startTime", r.end_time AS "endTime",
       (EXTRACT(EPOCH FROM r.end_time - r.start_time) * 1000)::float8 AS "durationMs",
       ARRAY(SELECT mnemonic FROM ${ACTION.table} WHERE id = ANY(r.action_ids) ORDER BY mnemonic COLLATE "C") AS "uniqueActions",
       ARRAY(SELECT mnemonic FROM ${RESOURCE_TYPE.table} WHERE id = ANY(r.resource_type_ids) ORDER BY mnemonic COLLATE "C") AS "resourceTypes",
       ARRAY(SELECT mnemonic FROM ${ORIGIN.table} WHERE id = ANY(r.origin_ids) ORDER BY mnemonic COLLATE "C") AS "origins",
       cardinality(r.resource_ids) AS "resourceCount",
       ARRAY(SELECT u FROM unnest(r.user_ids) AS u ORDER BY u COLLATE "C") AS "userIds"
     FROM r WHERE r.total > 0`,
    [ids, TRACE_SUMMARY_SETTLE_SECONDS],
  );
  const byId = new Map(rows.map((row) => [row.uowId, row]));
  return ids.map((id) => byId.get(id) ?? null);
}
