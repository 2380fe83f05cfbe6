import type { Database } from '../db/database';
import { readFeedHead, readMatchingEvents } from '../feed/feed.read';
import { FEED_START } from '../feed/feed.position';
import { findLookupsByIds } from '../lookups/lookup.service';
import type { LookupRecord } from '../lookups/lookup.kinds';
import { interactionWhere, parseInteractionFilter, type InteractionFilter } from './interaction.filter';
import { INTERACTION_COLUMNS, LIST_ORDER, type InteractionRecord } from './interaction.model';
import { presentInteractionListItem } from './interaction.presenter';

/** Rows read per statement of an export. */
export const EXPORT_CHUNK_ROWS = 1_000;

/** Formats of an export: NDJSON (one JSON object a line) or CSV (RFC 4180). */
export type ExportFormat = 'ndjson' | 'csv';

/**
 * Orders of an export: the list's (newest first), or the live feed's (oldest first, each row with its `feedCursor`),
 * which is the order checkpoints seal rows in: what the offline verifier reads (docs/integrity.md).
 */
export const EXPORT_ORDERS = ['list', 'feed'] as const;
export type ExportOrder = (typeof EXPORT_ORDERS)[number];

export interface ExportInteractionsOptions {
  /** The list's filters; every match is exported, in the list's order (newest first). */
  filter?: InteractionFilter;
  /** Rows per statement, default EXPORT_CHUNK_ROWS. */
  chunkSize?: number;
}

/** A chunk of exported rows; in feed order, each row's feed cursor at the same index. */
interface ExportChunk {
  rows: InteractionRecord[];
  cursors: string[] | null;
}

/**
 * Every interaction matching `filter`, newest first (the list's order), as chunks of rows. Keyset reads: each chunk is
 * the rows after the previous chunk's last (created_date, interaction_number), an index range like a cursor page, so
 * a chunk costs the same at row 10 million as at row 1. The next chunk is read only when the consumer asks for it, so
 * memory holds one chunk whatever the size, and a slow reader slows the reads (backpressure). Rows recorded during
 * the export sort before its position and are not included (as with a cursor walk).
 */
export async function* exportInteractions(
  db: Database,
  { filter = {}, chunkSize = EXPORT_CHUNK_ROWS }: ExportInteractionsOptions,
): AsyncGenerator<InteractionRecord[]> {
  const { where, params } = interactionWhere(parseInteractionFilter(filter));
  const n = params.length;
  const first = `SELECT ${INTERACTION_COLUMNS} FROM interactions ${where}
    ORDER BY ${LIST_ORDER} LIMIT ${chunkSize}`;
  const next = `SELECT ${INTERACTION_COLUMNS} FROM interactions ${where ? `${where} AND` : 'WHERE'}
    (created_date, interaction_number) < ($${n + 1}::timestamptz, $${n + 2}::bigint)
    ORDER BY ${LIST_ORDER} LIMIT ${chunkSize}`;
  let last: InteractionRecord | null = null;
  for (;;) {
    const rows: InteractionRecord[] = await db.sql.query<InteractionRecord>(
      last ? next : first,
      last ? [...params, last.createdDate, last.interactionNumber] : params,
      { prepare: true },
    );
    if (rows.length > 0) yield rows;
    if (rows.length < chunkSize) return;
    last = rows[rows.length - 1];
  }
}

/**
 * Every interaction matching `filter` in feed order (oldest first), as chunks of events: the final rows up to the
 * feed's head when the export starts, read in keyset chunks after the previous chunk's last position (the feed index
 * of each partition, walked in order), with the same backpressure as exportInteractions. Rows committed during the
 * export are after its head and not included.
 */
export async function* exportInteractionsInFeedOrder(
  db: Database,
  { filter = {}, chunkSize = EXPORT_CHUNK_ROWS }: ExportInteractionsOptions,
): AsyncGenerator<ExportChunk> {
  const parsed = parseInteractionFilter(filter);
  const upTo = await readFeedHead(db);
  let after = FEED_START;
  for (;;) {
    const events = await readMatchingEvents(db, parsed, after, upTo, chunkSize);
    if (events.length > 0) {
      yield { rows: events.map((event) => event.record), cursors: events.map((event) => event.cursor) };
    }
    if (events.length < chunkSize) return;
    after = events[events.length - 1].position;
  }
}

async function* exportChunks(
  db: Database,
  order: ExportOrder,
  options: ExportInteractionsOptions,
): AsyncGenerator<ExportChunk> {
  if (order === 'feed') {
    yield* exportInteractionsInFeedOrder(db, options);
    return;
  }
  for await (const rows of exportInteractions(db, options)) yield { rows, cursors: null };
}

type Badge = Pick<LookupRecord, 'mnemonic' | 'icon' | 'fontColorHex' | 'bgColorHex'>;
const MISSING: Badge = { mnemonic: '', icon: null, fontColorHex: null, bgColorHex: null };

/** Rows in the documented list-item shape (the same presenter as `GET /api/interactions`): exports and the live feed. */
export async function presentListItems(db: Database, rows: InteractionRecord[]) {
  const ids = (key: 'resourceTypeId' | 'actionId' | 'originId') => [...new Set(rows.map((row) => row[key]))];
  const [types, actions, origins] = await Promise.all([
    findLookupsByIds(db, 'resourceType', ids('resourceTypeId')),
    findLookupsByIds(db, 'action', ids('actionId')),
    findLookupsByIds(db, 'origin', ids('originId')),
  ]);
  const byId = (found: (LookupRecord | null)[]) => new Map(found.flatMap((l) => (l ? [[l.id, l] as const] : [])));
  const [t, a, o] = [byId(types), byId(actions), byId(origins)];
  return rows.map((row) =>
    presentInteractionListItem({
      ...row,
      resourceType: t.get(row.resourceTypeId) ?? MISSING,
      action: a.get(row.actionId) ?? MISSING,
      origin: o.get(row.originId) ?? MISSING,
      createdDate: new Date(row.createdDate).toISOString(),
      interactionTimestamp: row.interactionTimestamp ? new Date(row.interactionTimestamp).toISOString() : null,
    }),
  );
}

type ListItem = Awaited<ReturnType<typeof presentListItems>>[number];

/** The CSV columns: every field of the list item, in its order. */
export const EXPORT_CSV_COLUMNS: readonly (keyof ListItem)[] = Object.keys(
  presentInteractionListItem({
    resourceType: MISSING,
    action: MISSING,
    origin: MISSING,
  } as Parameters<typeof presentInteractionListItem>[0]),
) as (keyof ListItem)[];

/** JSON columns: written as JSON text in a CSV cell. */
const JSON_COLUMNS = new Set<string>(['interaction', 'externalResponse']);

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or LF, quotes doubled; null is empty. */
export function csvField(value: unknown, json = false): string {
  if (value === null || value === undefined) return '';
  const text = json ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A list item, with its feed cursor in a feed-ordered export. */
type ExportItem = ListItem & { feedCursor?: string };

function csvLine(item: ExportItem, columns: readonly (keyof ExportItem)[]): string {
  return `${columns.map((column) => csvField(item[column], JSON_COLUMNS.has(column))).join(',')}\r\n`;
}

/**
 * An export as text, one string per chunk of rows: NDJSON lines, or CSV with a header line and CRLF line ends.
 * Pull-driven like exportInteractions: wrap it in `Readable.from` and pipe it to the response for backpressure.
 */
export async function* exportText(
  db: Database,
  { format, order = 'list', ...options }: ExportInteractionsOptions & { format: ExportFormat; order?: ExportOrder },
): AsyncGenerator<string> {
  const columns: readonly (keyof ExportItem)[] =
    order === 'feed' ? [...EXPORT_CSV_COLUMNS, 'feedCursor'] : EXPORT_CSV_COLUMNS;
  if (format === 'csv') yield `${columns.join(',')}\r\n`;
  for await (const { rows, cursors } of exportChunks(db, order, options)) {
    const listItems = await presentListItems(db, rows);
    const items: ExportItem[] = cursors ? listItems.map((item, i) => ({ ...item, feedCursor: cursors[i] })) : listItems;
    yield format === 'csv'
      ? items.map((item) => csvLine(item, columns)).join('')
      : items.map((item) => `${JSON.stringify(item)}\n`).join('');
  }
}
