import type { Database, SqlExecutor } from '../db/database';
import { readFinalColumns, readFinalColumnsWith, type FeedEvent } from '../feed/feed.read';
import { formatFeedCursor, type FeedPosition } from '../feed/feed.position';
import { canonicalJson, CANONICAL_FIELDS, rowDigests, writeDigestOfParts } from './canonical';
import {
  HASH_BYTES,
  HINTS_PER_LEAF,
  ID_BYTES,
  insertLeafBlock,
  INT64_BYTES,
  writeInt64,
  writeUuid,
  type LeafBlock,
} from './leaf-blocks';

/**
 * The rows of one range to seal, digested: what a checkpoint's root and its leaves are made of (ADR 107). The sealer
 * reads each row as one text that PostgreSQL writes: the JCS text of every field in CANONICAL_FIELDS order (ids,
 * number, strings through `to_json`, timestamps as JSON writes them, completed to milliseconds here), except the two JSON fields, which come as `jsonb`
 * text and are parsed and written by canonicalJson here, exactly as the reference path (canonical.ts over the
 * driver's rows) does. A range holding a row the SQL cannot write as the reference path would (a number beyond 2^53,
 * a year outside 1000–9999, an infinite time) is read again the reference way, whole.
 */
export interface SealRange {
  rowCount: number;
  /** Position and cursor of the range's last row. */
  through: FeedPosition;
  cursor: string;
  /** The leaves in feed order, as integrity_leaf_blocks keeps them (leaf-blocks.ts). */
  block: LeafBlock;
}

/** An empty block for `count` leaves, filled by the digest. */
function blockFor(count: number): LeafBlock {
  return {
    ids: Buffer.allocUnsafe(count * ID_BYTES),
    numbers: Buffer.allocUnsafe(count * INT64_BYTES),
    createdDates: Buffer.allocUnsafe(count * INT64_BYTES),
    leafHashes: Buffer.allocUnsafe(count * HASH_BYTES),
    fieldHints: Buffer.allocUnsafe(count * HINTS_PER_LEAF),
  };
}

/** Between the fields of a row's text: a control character, which no JCS text and no `jsonb` text holds unescaped. */
const SEPARATOR = '\u0001';

const uuid = (column: string) => `'"' || ${column}::text || '"'`;
const stringOrNull = (column: string) => `coalesce(to_json(${column})::text, 'null')`;
// timestamptz(3): milliseconds exact. The UTC wall time as JSON writes a timestamp (ISO 8601 whatever DateStyle is,
// `"2026-12-06T10:11:12.3"`: trailing zeros of the fraction dropped), completed by timePart; a third of to_char's cost.
const time = (column: string) => `to_json(${column} AT TIME ZONE 'UTC')::text`;
const inRange = (column: string) =>
  `${column} >= '1000-01-01T00:00:00Z'::timestamptz AND ${column} < '10000-01-01T00:00:00Z'::timestamptz`;

/** Each field's text in CANONICAL_FIELDS order (the JSON fields as `jsonb` text), then the row's feed_xid. */
const FIELD_TEXTS = [
  uuid('id'),
  'interaction_number::text',
  stringOrNull('resource_id'),
  uuid('resource_type_id'),
  uuid('action_id'),
  uuid('origin_id'),
  `coalesce(interaction::text, 'null')`,
  stringOrNull('external_reference'),
  `coalesce(external_response::text, 'null')`,
  uuid('uow_id'),
  stringOrNull('user_id'),
  time('created_date'),
  `CASE WHEN interaction_timestamp IS NULL THEN 'null' ELSE ${time('interaction_timestamp')} END`,
  'feed_xid::text',
];

/** Where the SQL writes a field as the reference path does: otherwise NULL, and the range is read the reference way. */
const SAFE = [
  'interaction_number BETWEEN -9007199254740991 AND 9007199254740991',
  inRange('created_date'),
  `(interaction_timestamp IS NULL OR (${inRange('interaction_timestamp')}))`,
].join(' AND ');

/** The one column the sealer reads per row. Every part is non-null, so a NULL is an unsafe row, never a lost field. */
export const SEAL_ROW_COLUMN = `CASE WHEN ${SAFE} THEN ${FIELD_TEXTS.join(` || E'\\x01' || `)} END AS t`;

const INTERACTION_AT = CANONICAL_FIELDS.indexOf('interaction');
const EXTERNAL_RESPONSE_AT = CANONICAL_FIELDS.indexOf('externalResponse');
const CREATED_AT = CANONICAL_FIELDS.indexOf('createdDate');
const TIMESTAMP_AT = CANONICAL_FIELDS.indexOf('interactionTimestamp');

/**
 * A timestamp's JSON text (`"YYYY-MM-DDTHH:MM:SS"`, then a fraction of 1–3 digits when not zero) as Date.toISOString
 * writes it: three digits of milliseconds and `Z`. The SQL lets only years 1000–9999 through, so the length tells.
 */
function timePart(text: string): string {
  switch (text.length) {
    case 25:
      return `${text.slice(0, 24)}Z"`;
    case 24:
      return `${text.slice(0, 23)}0Z"`;
    case 23:
      return `${text.slice(0, 22)}00Z"`;
    case 21:
      return `${text.slice(0, 20)}.000Z"`;
    default:
      throw new Error(`not a timestamp of the sealer's read: ${text}`);
  }
}

/** A `jsonb` field's text as JCS writes it: parsed as the driver parses `jsonb` (JSON.parse), then canonicalJson. */
function jsonPart(text: string): string {
  return text === 'null' ? 'null' : canonicalJson(JSON.parse(text));
}

/** Rows digested between two yields to the event loop (as rowDigests: sealing on the request thread with PGlite). */
const DIGEST_SLICE = 500;

/** The digested range from the rows SEAL_ROW_COLUMN wrote; null when one of them was not safe (NULL), or none. */
export async function digestRowTexts(rows: readonly { t: string | null }[]): Promise<SealRange | null> {
  const count = rows.length;
  if (count === 0) return null;
  const block = blockFor(count);
  let xid = '';
  let number = 0;
  for (let i = 0; i < count; i += 1) {
    if (i > 0 && i % DIGEST_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    const text = rows[i].t;
    if (text === null) return null;
    const parts = text.split(SEPARATOR);
    xid = parts.pop()!;
    parts[INTERACTION_AT] = jsonPart(parts[INTERACTION_AT]);
    parts[EXTERNAL_RESPONSE_AT] = jsonPart(parts[EXTERNAL_RESPONSE_AT]);
    parts[CREATED_AT] = timePart(parts[CREATED_AT]);
    if (parts[TIMESTAMP_AT] !== 'null') parts[TIMESTAMP_AT] = timePart(parts[TIMESTAMP_AT]);
    writeDigestOfParts(parts, block.leafHashes, block.fieldHints, i);
    writeUuid(block.ids, i * ID_BYTES, parts[0].slice(1, -1));
    number = Number(parts[1]);
    writeInt64(block.numbers, i * INT64_BYTES, number);
    writeInt64(block.createdDates, i * INT64_BYTES, Date.parse(parts[CREATED_AT].slice(1, -1)));
  }
  const through = { xid: BigInt(xid), number };
  return { rowCount: count, through, cursor: formatFeedCursor(through), block };
}

/** The digested range from rows read the reference way (readFinalEventsWith): rowDigest of each. */
export async function digestEvents(events: readonly FeedEvent[]): Promise<SealRange> {
  const count = events.length;
  const block = blockFor(count);
  const digests = await rowDigests(events.map((event) => event.record));
  digests.forEach((digest, i) => {
    digest.leaf.copy(block.leafHashes, i * HASH_BYTES);
    digest.hints.copy(block.fieldHints, i * HINTS_PER_LEAF);
    const { record } = events[i];
    writeUuid(block.ids, i * ID_BYTES, record.id);
    writeInt64(block.numbers, i * INT64_BYTES, Number(record.interactionNumber));
    writeInt64(block.createdDates, i * INT64_BYTES, record.createdDate.getTime());
  });
  const last = events[count - 1];
  return { rowCount: count, through: last.position, cursor: last.cursor, block };
}

/** The feed position of a row SEAL_ROW_COLUMN wrote (null for an unsafe row): where the next range starts. */
export function positionOfRowText(row: { t: string | null }): FeedPosition | null {
  if (row.t === null) return null;
  const parts = row.t.split(SEPARATOR);
  return { xid: BigInt(parts[parts.length - 1]), number: Number(parts[1]) };
}

/** The rows' texts after `after` (SEAL_ROW_COLUMN), on a transaction that ran FEED_ORDER_SETTING. */
export function readSealRowsWith(sql: SqlExecutor, after: FeedPosition, limit: number) {
  return readFinalColumnsWith<{ t: string | null }>(sql, SEAL_ROW_COLUMN, after, limit);
}

/** readSealRowsWith in a transaction of its own: the read ahead of the next range, on another connection. */
export function readSealRows(db: Database, after: FeedPosition, limit: number) {
  return readFinalColumns<{ t: string | null }>(db, SEAL_ROW_COLUMN, after, limit);
}

/** Inserts a range's leaves for checkpoint `seq`: one row of integrity_leaf_blocks. */
export function insertLeaves(sql: SqlExecutor, seq: number, range: SealRange): Promise<void> {
  return insertLeafBlock(sql, seq, range.block);
}
