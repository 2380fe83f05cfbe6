import type { Database } from '../db/database';
import { AppError } from '../errors/app-error';
import { parseDateRange, type DateRange } from '../input/date-range';
import { parseMnemonic } from '../input/mnemonic';
import { paginationOf, parsePaging, type Page } from '../input/pagination';
import { parseText } from '../input/text';
import { INTERACTION_COLUMNS, type InteractionRecord } from '../interactions/interaction.model';
import { LOOKUP_KINDS } from '../lookups/lookup.kinds';
import { TRACE_ORDER } from '../traces/trace.service';

// The lookup tables and their columns on `interactions`, as declared once (src/lookups/lookup.kinds.ts).
const { resourceType: RESOURCE_TYPE, action: ACTION } = LOOKUP_KINDS;

export const ACTIVITY_MAX_RESOURCES = 100;
export const ACTIVITY_DEFAULT_LIMIT = 50;
export const ACTIVITY_MAX_LIMIT = 100;
export const ACTIVITY_INTERACTIONS_DEFAULT_LIMIT = 10;
export const ACTIVITY_INTERACTIONS_MAX_LIMIT = 100;

/** One resource to look for: its id, optionally only when it has this resource type (mnemonic). */
export interface ActivityResourceQuery {
  resourceId: string;
  resourceType?: string | null;
}

/** What an activity search asks for. */
export interface ActivityQuery {
  /** 1–100 resources. */
  resources: ActivityResourceQuery[];
  /** Recorded on or after (ISO date or date-time). */
  startDate?: string | null;
  /** Recorded on or before; a date-only value includes that whole UTC day. */
  endDate?: string | null;
}

/**
 * An activity search checked and normalised: resources de-duplicated so that no interaction can match twice
 * (a resource asked for without a type covers the same id asked for with one), mnemonics upper-cased, dates parsed.
 * It travels with every group so that `ActivityGroup.interactions` shows the same matches the group counted.
 */
export interface ActivityMatch {
  resourceIds: string[];
  /** Parallel to resourceIds; null = any type. */
  resourceTypes: (string | null)[];
  /** Recorded in [start, end), epoch ms (src/input/date-range.ts). */
  range: DateRange;
}

/** One (userId, uowId) group of matching interactions. */
export interface ActivityGroupRecord {
  userId: string | null;
  uowId: string;
  interactionCount: number;
  /** Earliest recorded time (createdDate) of the group's matching interactions: the clock the range filters by. */
  firstInteractionAt: Date;
  /** Latest recorded time (createdDate); groups are ordered by it. */
  lastInteractionAt: Date;
  /** The caller's interactionTimestamp of that latest interaction (null when it gave none). */
  lastInteractionTimestamp: Date | null;
  /** Requested resources this group touched, sorted by id then type. */
  resources: { resourceId: string; resourceType: string }[];
  /** Action mnemonics, unique, sorted. */
  actions: string[];
  /** The search the group came from (not exposed). */
  match: ActivityMatch;
}

/** Checks and normalises an activity search (VALIDATION_ERROR on 0 or more than 100 resources, bad ids or dates). */
export function parseActivityQuery({ resources, startDate, endDate }: ActivityQuery): ActivityMatch {
  if (!Array.isArray(resources) || resources.length < 1 || resources.length > ACTIVITY_MAX_RESOURCES) {
    throw new AppError('VALIDATION_ERROR', `resources must list 1 to ${ACTIVITY_MAX_RESOURCES} resources`, {
      field: 'resources',
    });
  }
  const anyType = new Set<string>();
  const typed = new Map<string, Set<string>>();
  resources.forEach((resource, index) => {
    if (typeof resource?.resourceId !== 'string') {
      throw new AppError('VALIDATION_ERROR', 'resourceId is required', { field: `resources[${index}].resourceId` });
    }
    const resourceId = parseText(resource.resourceId, `resources[${index}].resourceId`, { min: 1, max: 512 });
    if (resource.resourceType == null || resource.resourceType === '') {
      anyType.add(resourceId);
    } else {
      const type = parseMnemonic(resource.resourceType, `resources[${index}].resourceType`);
      typed.set(resourceId, (typed.get(resourceId) ?? new Set()).add(type));
    }
  });
  const match: ActivityMatch = { resourceIds: [], resourceTypes: [], range: parseDateRange({ startDate, endDate }) };
  for (const resourceId of [...anyType].sort()) {
    match.resourceIds.push(resourceId);
    match.resourceTypes.push(null);
  }
  for (const [resourceId, types] of [...typed].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (anyType.has(resourceId)) continue;
    for (const type of [...types].sort()) {
      match.resourceIds.push(resourceId);
      match.resourceTypes.push(type);
    }
  }
  return match;
}

/**
 * SQL of the interactions an activity search matches, as `FROM … WHERE …` over alias `i` (and `r`, the requested
 * resources), with parameters numbered from `$first`. The resources arrive as two arrays; an unknown type mnemonic
 * matches nothing (as in the interaction list filter). Each pair becomes a lookup on interactions_activity_idx.
 * `also` adds conditions on `i` (already parameterised by the caller).
 */
function matchSql(match: ActivityMatch, first: number, also: string[] = []): { from: string; params: unknown[] } {
  const params: unknown[] = [match.resourceIds, match.resourceTypes];
  const p = (value: unknown) => {
    params.push(value);
    return `$${first + params.length - 1}`;
  };
  const conditions = [...also];
  if (match.range.start !== null) conditions.push(`i.created_date >= ${p(new Date(match.range.start))}`);
  if (match.range.end !== null) conditions.push(`i.created_date < ${p(new Date(match.range.end))}`);
  const from = `(SELECT u.resource_id, rt.id AS type_id
       FROM unnest($${first}::text[], $${first + 1}::text[]) AS u(resource_id, type)
       LEFT JOIN ${RESOURCE_TYPE.table} rt ON rt.mnemonic = u.type
       WHERE u.type IS NULL OR rt.id IS NOT NULL) r
     JOIN interactions i ON i.resource_id = r.resource_id AND (r.type_id IS NULL OR i.${RESOURCE_TYPE.column} = r.type_id)
     ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}`;
  return { from, params };
}

export interface FindActivityOptions {
  query: ActivityQuery;
  /** 1-based page, default 1. */
  page?: number | null;
  /** Groups per page, default 50, values above 100 are taken as 100. */
  limit?: number | null;
}

interface ActivityGroupRow extends Omit<ActivityGroupRecord, 'match'> {
  total: number;
}

/**
 * Activity across resources: the interactions touching any of the requested resources, grouped by (userId, uowId)
 * — interactions without a user form their own group per unit of work — newest group first (by its last
 * recorded interaction, then uowId). One clock per answer (ADR 085): the range, the order and first/last are all
 * the recorded time (created_date), as in the interaction list; the caller's time of the last one rides along. One statement: match, group, page, then resources and actions of the page's groups.
 */
export async function findActivity(
  db: Database,
  { query, page: pageInput, limit: limitInput }: FindActivityOptions,
): Promise<Page<ActivityGroupRecord>> {
  const match = parseActivityQuery(query);
  const { page, limit, offset } = parsePaging(
    { page: pageInput, limit: limitInput },
    { defaultLimit: ACTIVITY_DEFAULT_LIMIT, maxLimit: ACTIVITY_MAX_LIMIT },
  );
  const { from, params } = matchSql(match, 1);
  const sameGroup = (a: string, b: string) =>
    `${a}.uow_id = ${b}.uow_id AND ${a}.user_id IS NOT DISTINCT FROM ${b}.user_id`;
  const groupOrder = (a: string) => `${a}.last DESC, ${a}.uow_id, ${a}.user_id COLLATE "C" NULLS FIRST`;
  const rows = await db.sql.query<ActivityGroupRow>(
    `WITH m AS MATERIALIZED (
       SELECT i.user_id, i.uow_id, i.created_date AS ts, i.interaction_timestamp AS its, i.interaction_number AS num,
         i.resource_id, i.resource_type_id, i.action_id
       FROM ${from}
     ),
     g AS (
       SELECT user_id, uow_id, count(*) AS n, min(ts) AS first, max(ts) AS last,
         (array_agg(its ORDER BY ts DESC, num DESC))[1] AS last_its
       FROM m GROUP BY user_id, uow_id
     ),
     p AS (SELECT g.*, count(*) OVER () AS total FROM g ORDER BY ${groupOrder('g')} LIMIT ${limit} OFFSET ${offset}),
     res AS (
       SELECT x.user_id, x.uow_id,
         json_agg(json_build_object('resourceId', x.resource_id, 'resourceType', rt.mnemonic)
                  ORDER BY x.resource_id COLLATE "C", rt.mnemonic COLLATE "C") AS resources
       FROM (SELECT DISTINCT m.user_id, m.uow_id, m.resource_id, m.resource_type_id FROM m JOIN p ON ${sameGroup('m', 'p')}) x
       JOIN ${RESOURCE_TYPE.table} rt ON rt.id = x.resource_type_id
       GROUP BY x.user_id, x.uow_id
     ),
     act AS (
       SELECT x.user_id, x.uow_id, array_agg(a.mnemonic ORDER BY a.mnemonic COLLATE "C") AS actions
       FROM (SELECT DISTINCT m.user_id, m.uow_id, m.action_id FROM m JOIN p ON ${sameGroup('m', 'p')}) x
       JOIN ${ACTION.table} a ON a.id = x.action_id
       GROUP BY x.user_id, x.uow_id
     )
     SELECT p.user_id AS "userId", p.uow_id AS "uowId", p.n::int AS "interactionCount", p.first AS "firstInteractionAt",
       p.last AS "lastInteractionAt",
       p.last_its AS "lastInteractionTimestamp", res.resources, act.actions, p.total::int AS total
     FROM p LEFT JOIN res ON ${sameGroup('res', 'p')} LEFT JOIN act ON ${sameGroup('act', 'p')}
     ORDER BY ${groupOrder('p')}`,
    params,
  );
  let total = rows[0]?.total;
  if (total === undefined) {
    // A page past the end has no row to carry the total.
    const [{ count }] = await db.sql.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM (SELECT DISTINCT i.user_id, i.uow_id FROM ${from}) g`,
      params,
    );
    total = count;
  }
  const items = rows.map(({ total: _total, ...group }) => ({ ...group, match }));
  return { items, pagination: paginationOf(page, limit, total) };
}

/** Which interactions to show for one activity group. */
export interface ActivityGroupInteractionsKey {
  userId: string | null;
  uowId: string;
  match: ActivityMatch;
  /** Default 10, at most 100. */
  limit?: number | null;
}

/**
 * The matching interactions of several activity groups, in chronological order, at most `limit` per group; results
 * in key order. Keys sharing a search and a limit are answered by one statement (a lateral index walk per group).
 */
export async function findActivityGroupInteractions(
  db: Database,
  keys: readonly ActivityGroupInteractionsKey[],
): Promise<InteractionRecord[][]> {
  const batches = new Map<string, number[]>();
  keys.forEach((key, index) => {
    const signature = JSON.stringify([key.match, key.limit ?? null]);
    batches.set(signature, [...(batches.get(signature) ?? []), index]);
  });
  const results: InteractionRecord[][] = keys.map(() => []);
  await Promise.all(
    [...batches.values()].map(async (indexes) => {
      const { match, limit: limitInput } = keys[indexes[0]];
      const { limit } = parsePaging(
        { limit: limitInput },
        { defaultLimit: ACTIVITY_INTERACTIONS_DEFAULT_LIMIT, maxLimit: ACTIVITY_INTERACTIONS_MAX_LIMIT },
      );
      const { from, params } = matchSql(match, 3, ['i.uow_id = k.uow_id', 'i.user_id IS NOT DISTINCT FROM k.user_id']);
      // The lateral walk returns whole rows of `i`; the column list is applied outside it.
      const rows = await db.sql.query<InteractionRecord & { ord: number }>(
        `SELECT x.ord::int AS ord, ${INTERACTION_COLUMNS}
         FROM (SELECT k.ord, y.*
               FROM unnest($1::text[], $2::uuid[]) WITH ORDINALITY AS k(user_id, uow_id, ord)
               CROSS JOIN LATERAL (SELECT i.* FROM ${from} ORDER BY ${TRACE_ORDER} LIMIT ${limit}) y) x
         ORDER BY x.ord, ${TRACE_ORDER}`,
        [indexes.map((i) => keys[i].userId), indexes.map((i) => keys[i].uowId), ...params],
      );
      for (const { ord, ...row } of rows) results[indexes[ord - 1]].push(row);
    }),
  );
  return results;
}
