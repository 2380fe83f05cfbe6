import type { Database } from '../db/database';
import { createReadCoalescer, createStatementCoalescer } from '../db/read-coalescer';
import { baseOf } from '../db/request-database';
import { AppError } from '../errors/app-error';
import { LIST_PAGING, paginationOf, parseCursorPaging, type Page, type Pagination } from '../input/pagination';
import { parseUuid } from '../input/uuid';
import { countParsedInteractions } from './interaction.count';
import { cursorAfter, decodeCursor, type InteractionCursor } from './interaction.cursor';
import {
  filterConditions,
  parseInteractionFilter,
  type InteractionFilter,
  type ParsedInteractionFilter,
} from './interaction.filter';
import { INTERACTION_COLUMNS, LIST_ORDER, type InteractionRecord } from './interaction.model';

export interface FindInteractionsOptions {
  filter?: InteractionFilter;
  /** 1-based page, default 1. */
  page?: number | null;
  /** Page size, default 50, values above 100 are taken as 100. */
  limit?: number | null;
  /** Continue a walk after this cursor (a `nextCursor`) instead of giving `page`; the filter must be sent again. */
  cursor?: string | null;
}

/** A page of the interaction list: its pagination also carries the cursor that continues after it. */
export interface InteractionListPage extends Page<InteractionRecord> {
  pagination: Pagination & { nextCursor: string | null };
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
  const { page, limit, offset, after } = parseCursorPaging(
    { page: pageInput, limit: limitInput, cursor },
    LIST_PAGING,
    decodeCursor,
  );
  const parsed = parseInteractionFilter(filter);
  let slice: { items: InteractionRecord[]; hasMore: boolean };
  let total: number;
  if (!after && offset === 0) {
    // A first page that holds every match (a resource's or a user's few interactions) is its own exact total: the
    // count is run only when more rows follow.
    slice = await selectInteractionPage(db, parsed, { after, limit, offset });
    total = slice.hasMore ? await countParsedInteractions(db, parsed) : slice.items.length;
  } else {
    [slice, total] = await Promise.all([
      selectInteractionPage(db, parsed, { after, limit, offset }),
      countParsedInteractions(db, parsed),
    ]);
  }
  const { items, hasMore } = slice;
  // On a cursor page the offset is unknown (rows may have arrived since the walk began), so `hasNext` comes from
  // the extra row rather than the count; `page` counts the pages of the walk.
  const pagination = after
    ? { ...paginationOf(page, limit, total), hasNext: hasMore, hasPrev: true }
    : paginationOf(page, limit, total);
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
  const size = first ?? LIST_PAGING.defaultLimit;
  if (!Number.isInteger(size) || size < 1) {
    throw new AppError('VALIDATION_ERROR', 'first must be an integer ≥ 1', { field: 'first' });
  }
  const after = afterInput == null ? null : decodeCursor(afterInput, 'after');
  const limit = Math.min(size, LIST_PAGING.maxLimit);
  const { items, hasMore } = await selectInteractionPage(db, parseInteractionFilter(filter), {
    after,
    limit,
    offset: 0,
  });
  return { items, page: after ? after.page + 1 : 1, hasNext: hasMore, hasPrev: after !== null };
}

/** Filters on a key that an index of `interactions` starts with, followed by the list order. */
const KEYED_FILTERS = new Set(['resourceId', 'interactionId', 'uowId', 'externalReference', 'userId']);

/** The page statements of concurrent requests, coalesced per database (ADR 110). */
const pageStatements = new WeakMap<Database, ReturnType<typeof createStatementCoalescer>>();

function statementsOf(db: Database): ReturnType<typeof createStatementCoalescer> {
  const base = baseOf(db);
  let run = pageStatements.get(base);
  if (!run) pageStatements.set(base, (run = createStatementCoalescer(base.sql)));
  return run;
}

/**
 * `limit` rows of the filter after `after` (keyset) or after skipping `offset` rows, newest first, and whether more
 * follow (one extra row is fetched to know). The keyset predicate is a row comparison on the order's two columns,
 * which every list index ends with, so it is an index bound rather than a filter.
 */
export async function selectInteractionPage(
  db: Database,
  filter: ParsedInteractionFilter,
  { after, limit, offset }: { after: InteractionCursor | null; limit: number; offset: number },
): Promise<{ items: InteractionRecord[]; hasMore: boolean }> {
  // The first page of one resource's, unit of work's, user's… rows (that key alone, a date range at most) reads at
  // most limit + 1 keys of the index that starts with the key: concurrent ones are one statement (ADR 110).
  const keys = Object.keys(filter.values);
  if (!after && offset === 0 && keys.length === 1 && KEYED_FILTERS.has(keys[0])) {
    const params: unknown[] = [];
    const rows = await statementsOf(db)<InteractionRecord>(deferredPageText(filter, params, limit, offset), params);
    return pageOf(rows, limit);
  }
  // Other pages cost what their filters and offset make them, and keep a statement of their own, so that a costly
  // one delays no other request. One text per combination of filters (values are parameters): prepared once per
  // connection.
  const params: unknown[] = [];
  const text =
    offset === 0 ? plainPageText(filter, params, limit, after) : deferredPageText(filter, params, limit, offset);
  return pageOf(await db.sql.query<InteractionRecord>(text, params, { prepare: true }), limit);
}

const pageOf = (rows: InteractionRecord[], limit: number) => ({
  items: rows.slice(0, limit),
  hasMore: rows.length > limit,
});

/**
 * A page without an offset (a first page, or the page after a cursor) reads its rows in the order of the filter's
 * index and stops after `limit + 1`. Its date bounds prune partitions when the plan runs, and its LIMIT is in the
 * text (at most 100 texts per combination of filters), so the plan PostgreSQL makes once is as good as one made for
 * each request's values and it keeps it: planning a statement over every partition cost several times running it
 * (ADR 112). A cursor's position stays a parameter, and such a page is planned for it.
 */
function plainPageText(
  filter: ParsedInteractionFilter,
  params: unknown[],
  limit: number,
  after: InteractionCursor | null,
): string {
  // The LIMIT is written into the text: only ever an integer the caller has validated (1–100).
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`a page limit must be a positive integer, not ${limit}`);
  const conditions = filterConditions(filter, params, { pruneWhenRun: !after });
  if (after) conditions.push(keysetCondition(after, params));
  const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  return `SELECT ${INTERACTION_COLUMNS} FROM interactions ${where} ORDER BY ${LIST_ORDER} LIMIT ${limit + 1}`;
}

const keysetCondition = (after: InteractionCursor, params: unknown[]) =>
  `(created_date, interaction_number) < ($${params.push(after.createdDate)}::timestamptz, $${params.push(after.interactionNumber)}::bigint)`;

/**
 * Deferred join: the page's keys come from the filter's index alone (an index-only scan skipping `offset`
 * entries), and only the page's own rows are read from the table; reading every skipped row made deep pages cost as
 * much as the rows they skip. The keys carry created_date, the partition key, so each row is read from its own
 * partition only (run-time pruning; ADR 030).
 */
function deferredPageText(filter: ParsedInteractionFilter, params: unknown[], limit: number, offset: number): string {
  const conditions = filterConditions(filter, params);
  const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  return `SELECT ${INTERACTION_COLUMNS} FROM interactions
     WHERE (created_date, interaction_number) IN (
       SELECT created_date, interaction_number FROM interactions ${where}
       ORDER BY ${LIST_ORDER}
       LIMIT $${params.push(limit + 1)} OFFSET $${params.push(offset)})
     ORDER BY ${LIST_ORDER}`;
}

export interface GetInteractionOptions {
  id: string;
}

/**
 * The statement reading `size` interactions by id: a lateral lookup per id, each an index probe of the partitions
 * until one holds it, as a statement of its own would be. The ids are a VALUES list of `size` parameters, so the
 * generic plan PostgreSQL caches knows how many rows it reads: with an array parameter (`unnest($1)`, or
 * `id = ANY($1)`) the generic plan's guess of ten rows made it plan each execution anew, and `id = ANY($1)` reads by
 * bitmap scans of every partition.
 */
function readByIdsStatement(size: number): string {
  const ids = Array.from({ length: size }, (_, i) => `($${i + 1}::uuid)`).join(', ');
  return `SELECT found.* FROM (VALUES ${ids}) AS asked(id)
    CROSS JOIN LATERAL (SELECT ${INTERACTION_COLUMNS} FROM interactions WHERE id = asked.id LIMIT 1) found`;
}

/** The most ids one statement reads; sizes are powers of two up to it (few statements to prepare). */
const READ_BY_ID_MAX = 256;
const readByIdsStatements = new Map<number, string>();

/** The interactions asked for by id, by every request of one event-loop turn: one statement (ADR 110). */
const pointReads = new WeakMap<Database, (id: string) => Promise<InteractionRecord | undefined>>();

function readById(db: Database): (id: string) => Promise<InteractionRecord | undefined> {
  const base = baseOf(db);
  let read = pointReads.get(base);
  if (!read) {
    read = createReadCoalescer(
      async (ids: string[]) => {
        // Padded to a power of two with the last id again (its row comes twice; the map keeps one).
        let size = 1;
        while (size < ids.length) size *= 2;
        let text = readByIdsStatements.get(size);
        if (!text) readByIdsStatements.set(size, (text = readByIdsStatement(size)));
        const params = ids.concat(Array<string>(size - ids.length).fill(ids[ids.length - 1]));
        const rows = await base.sql.query<InteractionRecord>(text, params, { prepare: true });
        return new Map(rows.map((row) => [row.id, row]));
      },
      { maxKeys: READ_BY_ID_MAX },
    );
    pointReads.set(base, read);
  }
  return read;
}

/** One interaction by id; NOT_FOUND when absent. The reads of concurrent requests are one statement (ADR 110). */
export async function getInteraction(db: Database, { id }: GetInteractionOptions): Promise<InteractionRecord> {
  const row = await readById(db)(parseUuid(id, 'id'));
  if (!row) throw new AppError('NOT_FOUND', `No interaction with id ${id}`);
  return row;
}
