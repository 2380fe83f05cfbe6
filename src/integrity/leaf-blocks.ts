import type { SqlExecutor } from '../db/database';
import { CANONICAL_FIELDS, FIELD_HINT_BYTES } from './canonical';

/**
 * A checkpoint's leaves as stored (ADR 109): one row of `integrity_leaf_blocks` per checkpoint, five byte strings that
 * hold, leaf after leaf in tree order, the row's id, its number, its created date, its leaf hash and its field hints.
 * The signed root authenticates the hashes; the ids, numbers and dates say which row each leaf stands for, and a
 * block altered in any of them shows as a leaf that matches no row (verify.ts).
 */
export interface LeafBlock {
  /** 16 bytes a leaf: the UUID. */
  ids: Buffer;
  /** 8 bytes a leaf: the interaction number, a big-endian signed 64-bit integer. */
  numbers: Buffer;
  /** 8 bytes a leaf: the created date in milliseconds since 1970 (UTC), big-endian signed 64-bit. */
  createdDates: Buffer;
  /** 32 bytes a leaf: SHA-256 leaf hash. */
  leafHashes: Buffer;
  /** HINTS_PER_LEAF bytes a leaf (docs/integrity.md, "Field hints"). */
  fieldHints: Buffer;
}

export const ID_BYTES = 16;
export const INT64_BYTES = 8;
export const HASH_BYTES = 32;
export const HINTS_PER_LEAF = CANONICAL_FIELDS.length * FIELD_HINT_BYTES;

/** One leaf, decoded: which row (id, number, created date) and what it hashed to when it was sealed. */
export interface LeafRow {
  leafIndex: number;
  interactionId: string;
  interactionNumber: string;
  createdDate: Date;
  leafHash: Buffer;
  fieldHints: Buffer;
}

const TWO_32 = 2 ** 32;

/** Writes an integer within ±(2^53 − 1) as a big-endian signed 64-bit integer. */
export function writeInt64(target: Buffer, offset: number, value: number): void {
  const high = Math.floor(value / TWO_32);
  target.writeInt32BE(high, offset);
  target.writeUInt32BE(value - high * TWO_32, offset + 4);
}

/** The big-endian signed 64-bit integer at `offset`, as a number (exact within ±(2^53 − 1)). */
export function int64At(source: Buffer, offset: number): number {
  return source.readInt32BE(offset) * TWO_32 + source.readUInt32BE(offset + 4);
}

const HEX = '0123456789abcdef';
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i += 1) {
  HEX_VALUE[HEX.charCodeAt(i)] = i;
  HEX_VALUE[HEX.toUpperCase().charCodeAt(i)] = i;
}

/** Writes a UUID's text (`8-4-4-4-12` hex digits, either case) as its 16 bytes. */
export function writeUuid(target: Buffer, offset: number, text: string): void {
  let at = offset;
  for (let i = 0; i < text.length; i += 1) {
    if (i === 8 || i === 13 || i === 18 || i === 23) continue;
    const high = HEX_VALUE[text.charCodeAt(i)];
    const low = HEX_VALUE[text.charCodeAt(i + 1)];
    if (high < 0 || low < 0 || text.length !== 36) throw new TypeError(`not a UUID: ${text}`);
    target[at] = (high << 4) | low;
    at += 1;
    i += 1;
  }
}

/** The UUID at leaf `index` of `ids`, as PostgreSQL writes it (lower case, with hyphens). */
export function uuidAt(ids: Buffer, index: number): string {
  const hex = ids.toString('hex', index * ID_BYTES, index * ID_BYTES + ID_BYTES);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Bytes as a Buffer over the same memory, no copy (a bytea as PGlite answers it, bytes a worker sent back). */
export function asBuffer(value: Buffer | Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/**
 * How many whole leaves the block holds: the fewest any of its five strings has room for. A block whose strings
 * disagree was altered; its leaves then do not hash to the signed root, which verification reports.
 */
export function leafCount(block: LeafBlock): number {
  return Math.min(
    Math.floor(block.ids.length / ID_BYTES),
    Math.floor(block.numbers.length / INT64_BYTES),
    Math.floor(block.createdDates.length / INT64_BYTES),
    Math.floor(block.leafHashes.length / HASH_BYTES),
    Math.floor(block.fieldHints.length / HINTS_PER_LEAF),
  );
}

/** The leaf hashes of a block, one Buffer each (views over the block's bytes). */
export function leafHashesOf(block: Pick<LeafBlock, 'leafHashes'>): Buffer[] {
  const hashes: Buffer[] = [];
  for (let at = 0; at + HASH_BYTES <= block.leafHashes.length; at += HASH_BYTES) {
    hashes.push(block.leafHashes.subarray(at, at + HASH_BYTES));
  }
  return hashes;
}

/** Every leaf of a block, decoded, in tree order. */
export function leafRows(block: LeafBlock): LeafRow[] {
  const rows: LeafRow[] = [];
  const count = leafCount(block);
  for (let i = 0; i < count; i += 1) {
    rows.push({
      leafIndex: i,
      interactionId: uuidAt(block.ids, i),
      interactionNumber: String(int64At(block.numbers, i * INT64_BYTES)),
      createdDate: new Date(int64At(block.createdDates, i * INT64_BYTES)),
      leafHash: block.leafHashes.subarray(i * HASH_BYTES, i * HASH_BYTES + HASH_BYTES),
      fieldHints: block.fieldHints.subarray(i * HINTS_PER_LEAF, i * HINTS_PER_LEAF + HINTS_PER_LEAF),
    });
  }
  return rows;
}

/** Where leaf `id` is in `ids` (a whole 16-byte slot), or -1. */
export function leafIndexOf(ids: Buffer, id: Buffer): number {
  for (let at = ids.indexOf(id); at !== -1; at = ids.indexOf(id, at + 1)) {
    if (at % ID_BYTES === 0) return at / ID_BYTES;
  }
  return -1;
}

/** Writes checkpoint `seq`'s leaves: one row, the five strings as binary parameters. */
export async function insertLeafBlock(sql: SqlExecutor, seq: number, block: LeafBlock): Promise<void> {
  await sql.query(
    `INSERT INTO integrity_leaf_blocks (checkpoint_seq, ids, numbers, created_dates, leaf_hashes, field_hints)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [seq, block.ids, block.numbers, block.createdDates, block.leafHashes, block.fieldHints],
  );
}

interface BlockRow {
  ids: Buffer | Uint8Array;
  numbers: Buffer | Uint8Array;
  createdDates: Buffer | Uint8Array;
  leafHashes: Buffer | Uint8Array;
  fieldHints: Buffer | Uint8Array;
}

/** Checkpoint `seq`'s leaves as stored, or null when its block is gone. */
export async function readLeafBlock(sql: SqlExecutor, seq: number): Promise<LeafBlock | null> {
  const [row] = await sql.query<BlockRow>(
    `SELECT ids, numbers, created_dates AS "createdDates", leaf_hashes AS "leafHashes", field_hints AS "fieldHints"
     FROM integrity_leaf_blocks WHERE checkpoint_seq = $1`,
    [seq],
  );
  if (!row) return null;
  return {
    ids: asBuffer(row.ids),
    numbers: asBuffer(row.numbers),
    createdDates: asBuffer(row.createdDates),
    leafHashes: asBuffer(row.leafHashes),
    fieldHints: asBuffer(row.fieldHints),
  };
}

/** The leaf ids and hashes of checkpoints `seqs`, by seq (a proof's trees: the other strings are not read). */
export async function readLeafIdsAndHashes(
  sql: SqlExecutor,
  seqs: readonly number[],
): Promise<Map<number, Pick<LeafBlock, 'ids' | 'leafHashes'>>> {
  if (seqs.length === 0) return new Map();
  const rows = await sql.query<{ seq: string; ids: Buffer | Uint8Array; hashes: Buffer | Uint8Array }>(
    `SELECT checkpoint_seq::text AS seq, ids, leaf_hashes AS hashes FROM integrity_leaf_blocks
     WHERE checkpoint_seq = ANY($1::bigint[])`,
    [seqs],
  );
  return new Map(rows.map((row) => [Number(row.seq), { ids: asBuffer(row.ids), leafHashes: asBuffer(row.hashes) }]));
}

/** A row and the checkpoint whose range ends first at or after its feed position. */
export interface RowCheckpoint {
  id: string;
  seq: string;
  /** Whether that checkpoint's range starts before the row: false means the row's own checkpoint is gone. */
  inRange: boolean;
}

/**
 * For each of the interactions `ids` still in the database, the first checkpoint whose range ends at or after its feed
 * position (rows past the latest checkpoint are left out); `columns` of the row instead of its id alone, if given
 * (they must name `id`).
 */
export function readRowCheckpoints<T extends RowCheckpoint>(
  sql: SqlExecutor,
  ids: readonly string[],
  columns = '',
): Promise<T[]> {
  return sql.query<T>(
    `SELECT ${columns || 'i.id::text AS id'}, c.seq::text AS seq,
       (c.after_xid, c.after_number) < (i.feed_xid, i.interaction_number) AS "inRange"
     FROM interactions i
     CROSS JOIN LATERAL (
       SELECT seq, after_xid, after_number FROM integrity_checkpoints
       WHERE (through_xid, through_number) >= (i.feed_xid, i.interaction_number)
       ORDER BY through_xid, through_number LIMIT 1) c
     WHERE i.id = ANY($1::uuid[])`,
    [ids],
  );
}

/** Where interactions were sealed: their leaf, and those whose checkpoint is gone. */
export interface SealedLeaves {
  /** By id: the checkpoint that sealed the row and its leaf's index there. */
  leaves: Map<string, { seq: number; index: number }>;
  /** Ids whose feed position falls in a range no checkpoint covers any more, below the latest checkpoint's end. */
  orphaned: Set<string>;
}

/**
 * Which checkpoint sealed each row of readRowCheckpoints: the row is sealed there when the checkpoint's range starts
 * before it and its block holds the id. A position inside a gap between two checkpoints (one was deleted) is orphaned;
 * a row past the latest checkpoint, or not in the database, is neither (unsealed).
 */
export function sealedLeavesOf(
  rows: readonly RowCheckpoint[],
  blocks: ReadonlyMap<number, Pick<LeafBlock, 'ids'>>,
): SealedLeaves {
  const found: SealedLeaves = { leaves: new Map(), orphaned: new Set() };
  const id = Buffer.alloc(ID_BYTES);
  for (const row of rows) {
    if (!row.inRange) {
      found.orphaned.add(row.id);
      continue;
    }
    const block = blocks.get(Number(row.seq));
    writeUuid(id, 0, row.id);
    const index = block ? leafIndexOf(block.ids, id) : -1;
    if (index >= 0) found.leaves.set(row.id, { seq: Number(row.seq), index });
  }
  return found;
}

/** The checkpoints of rows `ids` in range, each once. */
export function seqsOf(rows: readonly RowCheckpoint[]): number[] {
  return [...new Set(rows.filter((row) => row.inRange).map((row) => Number(row.seq)))];
}

/** Where each of the interactions `ids` (lower-case UUIDs) was sealed (sealedLeavesOf): two reads. */
export async function locateSealedLeaves(sql: SqlExecutor, ids: readonly string[]): Promise<SealedLeaves> {
  if (ids.length === 0) return { leaves: new Map(), orphaned: new Set() };
  const rows = await readRowCheckpoints(sql, ids);
  return sealedLeavesOf(rows, await readLeafIdsAndHashes(sql, seqsOf(rows)));
}
