import type { Database, SqlExecutor } from '../db/database';
import { filterConditions, type ParsedInteractionFilter } from '../interactions/interaction.filter';
import { INTERACTION_COLUMNS, type InteractionRecord } from '../interactions/interaction.model';
import { formatFeedCursor, type FeedPosition } from './feed.position';

/** One interaction as the feed hands it out: the stored row with its position and that position's cursor. */
export interface FeedEvent {
  position: FeedPosition;
  cursor: string;
  record: InteractionRecord;
}

// Rows below this transaction id are final: every transaction with a lower id has committed or aborted, so no row can
// still appear below it. The same statement's snapshot decides what is visible, so "visible and final" is exact.
const HORIZON = 'pg_snapshot_xmin(pg_current_snapshot())';
const FEED_ORDER = 'feed_xid, interaction_number';
const FEED_COLUMNS = `${INTERACTION_COLUMNS}, feed_xid::text AS "feedXid"`;

type FeedRow = InteractionRecord & { feedXid: string };

function toEvent({ feedXid, ...record }: FeedRow): FeedEvent {
  const position = { xid: BigInt(feedXid), number: record.interactionNumber };
  return { position, cursor: formatFeedCursor(position), record };
}

/** The last final position of the log (the start when it is empty): where a subscriber without a cursor begins. */
export async function readFeedHead(db: Database): Promise<FeedPosition> {
  const [row] = await db.sql.query<{ xid: string; number: number }>(
    `SELECT feed_xid::text AS xid, interaction_number AS number FROM interactions WHERE feed_xid < ${HORIZON}
     ORDER BY feed_xid DESC, interaction_number DESC LIMIT 1`,
  );
  return row ? { xid: BigInt(row.xid), number: row.number } : { xid: 0n, number: 0 };
}

/** Up to `limit` final rows after `after`, in feed order: what the reader of an instance fans out. */
export async function readFinalEvents(db: Database, after: FeedPosition, limit: number): Promise<FeedEvent[]> {
  return inFeedOrder(db, (tx) => readFinalEventsWith(tx, after, limit));
}

/**
 * The planner may not sort for these reads, so it walks the feed index of each partition in order (a Merge Append)
 * and stops after `limit` rows. It misjudges `(feed_xid, interaction_number) > (…)` on xid8 as matching a row or two
 * per partition, and would otherwise read every row after the position, sort them all and keep `limit`: 3.3 s a read
 * instead of 4.5 ms at 10,000,000 rows sharing one feed_xid (a bulk load; or 0.1's rows after the upgrade), and every
 * page of a catch-up or of sealing paying it again. Callers in a transaction of their own run `SET LOCAL` first.
 */
export const FEED_ORDER_SETTING = 'SET LOCAL enable_sort = off';

async function inFeedOrder<T>(db: Database, read: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.exec(FEED_ORDER_SETTING);
    return read(tx);
  });
}

/** readFinalEvents on a given executor (a transaction: checkpoint sealing reads the range it seals this way). */
export async function readFinalEventsWith(sql: SqlExecutor, after: FeedPosition, limit: number): Promise<FeedEvent[]> {
  const rows = await sql.query<FeedRow>(
    `SELECT ${FEED_COLUMNS} FROM interactions
     WHERE feed_xid < ${HORIZON} AND (${FEED_ORDER}) > ($1::xid8, $2::bigint)
     ORDER BY ${FEED_ORDER} LIMIT ${limit}`,
    [after.xid.toString(), after.number],
    { prepare: true },
  );
  return rows.map(toEvent);
}

/**
 * Up to `limit` final rows after `after` in feed order, as readFinalEventsWith reads them, but with the caller's
 * `columns` (SQL over the interactions table's own columns): the sealer has PostgreSQL write each row's canonical
 * field texts (src/integrity/sealed-rows.ts). Run with FEED_ORDER_SETTING, as readFinalEventsWith is.
 */
export async function readFinalColumnsWith<T>(
  sql: SqlExecutor,
  columns: string,
  after: FeedPosition,
  limit: number,
): Promise<T[]> {
  return sql.query<T>(
    `SELECT ${columns} FROM interactions
     WHERE feed_xid < ${HORIZON} AND (${FEED_ORDER}) > ($1::xid8, $2::bigint)
     ORDER BY ${FEED_ORDER} LIMIT ${limit}`,
    [after.xid.toString(), after.number],
    { prepare: true },
  );
}

/** readFinalColumnsWith in a transaction of its own (FEED_ORDER_SETTING set): a read ahead on another connection. */
export async function readFinalColumns<T>(
  db: Database,
  columns: string,
  after: FeedPosition,
  limit: number,
): Promise<T[]> {
  return inFeedOrder(db, (tx) => readFinalColumnsWith<T>(tx, columns, after, limit));
}

/** How many final rows follow `after`, counted up to `limit` on the feed index (never more index entries). */
export async function countFinalEventsAfter(sql: SqlExecutor, after: FeedPosition, limit: number): Promise<number> {
  const [{ waiting }] = await sql.query<{ waiting: number }>(
    `SELECT count(*)::int AS waiting FROM (SELECT 1 FROM interactions
       WHERE feed_xid < ${HORIZON} AND (${FEED_ORDER}) > ($1::xid8, $2::bigint) LIMIT $3) w`,
    [after.xid.toString(), after.number, limit],
  );
  return waiting;
}

/**
 * True when committed rows wait above the horizon: a transaction that started earlier is still running. They become
 * final when it ends, which may send no NOTIFY (it need not write interactions), so the reader looks again soon.
 */
export async function hasHeldBackRows(db: Database): Promise<boolean> {
  const [row] = await db.sql.query<{ held: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM interactions WHERE feed_xid >= ${HORIZON}) AS held`,
    [],
    { prepare: true },
  );
  return row?.held === true;
}

/**
 * Up to `limit` rows matching `filter` after `after` and at or before `upTo` (a final position), in feed order: a
 * subscriber that resumes from an old cursor catches up with these reads before it joins the live fan-out.
 */
export async function readMatchingEvents(
  db: Database,
  filter: ParsedInteractionFilter,
  after: FeedPosition,
  upTo: FeedPosition,
  limit: number,
): Promise<FeedEvent[]> {
  const params: unknown[] = [after.xid.toString(), after.number, upTo.xid.toString(), upTo.number];
  const conditions = [
    `(${FEED_ORDER}) > ($1::xid8, $2::bigint)`,
    `(${FEED_ORDER}) <= ($3::xid8, $4::bigint)`,
    ...filterConditions(filter, params),
  ];
  const rows = await inFeedOrder(db, (tx) =>
    tx.query<FeedRow>(
      `SELECT ${FEED_COLUMNS} FROM interactions WHERE ${conditions.join(' AND ')} ORDER BY ${FEED_ORDER} LIMIT ${limit}`,
      params,
    ),
  );
  return rows.map(toEvent);
}
