import { createHash } from 'node:crypto';
import type { Database, SqlExecutor } from '../db/database';
import { FEED_ORDER_SETTING, readFinalEventsWith } from '../feed/feed.read';
import { compareFeedPositions, FEED_START, type FeedPosition } from '../feed/feed.position';
import { canonicalJson } from './canonical';
import { merkleRootOfPacked } from './merkle';
import { inThreadDigester, sealDigester, type SealDigester } from './seal-digest-pool';
import {
  digestEvents,
  insertLeaves,
  positionOfRowText,
  readSealRows,
  readSealRowsWith,
  type SealRange,
} from './sealed-rows';
import { signMessage, type SigningKey } from './signing-key';

/** Key of the advisory lock that keeps sealing one at a time across every instance on one database. */
export const CHECKPOINT_LOCK = 7_250_261_208;

/** Format name inside every signed checkpoint body; a verifier refuses any other. */
export const CHECKPOINT_FORMAT = 'interactions-checkpoint/1';

/** Most checkpoints one page of GET /api/integrity/checkpoints holds. */
export const MAX_CHECKPOINT_PAGE = 1000;

/** `previousHash` of checkpoint 1: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

/** What a checkpoint signs (docs/integrity.md, "Checkpoints"): its canonical JSON is the signed message. */
export interface CheckpointBody {
  format: typeof CHECKPOINT_FORMAT;
  seq: number;
  /** Feed cursor of the position the range starts after ("0" for the start of the log). */
  after: string;
  /** Feed cursor of the range's last row. */
  through: string;
  rowCount: number;
  /** RFC 6962 tree hash of the range's rows in feed order, hex. */
  merkleRoot: string;
  /** `checkpointHash` of checkpoint seq - 1 (GENESIS_HASH for the first), hex. */
  previousHash: string;
  keyId: string;
  /** UTC, milliseconds. */
  sealedAt: string;
}

/** A stored checkpoint: its body, the body's hash and the Ed25519 signature of the body. */
export interface Checkpoint extends CheckpointBody {
  /** SHA-256 of the body's canonical JSON, hex: what the next checkpoint chains to. */
  checkpointHash: string;
  /** Ed25519 signature of the body's canonical JSON, base64. */
  signature: string;
}

/** The signed message of a body: UTF-8 of its RFC 8785 form. */
export function checkpointMessage(body: CheckpointBody): Buffer {
  const { format, seq, after, through, rowCount, merkleRoot: root, previousHash, keyId, sealedAt } = body;
  return Buffer.from(
    canonicalJson({ format, seq, after, through, rowCount, merkleRoot: root, previousHash, keyId, sealedAt }),
    'utf8',
  );
}

/** SHA-256 of the signed message, hex. */
export function checkpointHashOf(body: CheckpointBody): string {
  return createHash('sha256').update(checkpointMessage(body)).digest('hex');
}

type CheckpointRow = Omit<Checkpoint, 'format' | 'seq' | 'sealedAt'> & { seq: string; sealedAt: Date };

// `seq` is read as text (a bigint): every ORDER BY names the column through the table alias `c`, since a bare `seq`
// would sort by the text output column ("10" before "9").
const CHECKPOINT_COLUMNS = `seq::text AS seq, CASE WHEN after_xid = '0' AND after_number = 0 THEN '0'
    ELSE after_xid::text || '-' || after_number END AS after,
  through_xid::text || '-' || through_number AS through, row_count AS "rowCount", merkle_root AS "merkleRoot",
  previous_hash AS "previousHash", checkpoint_hash AS "checkpointHash", key_id AS "keyId", signature,
  sealed_at AS "sealedAt"`;

function toCheckpoint(row: CheckpointRow): Checkpoint {
  return { ...row, format: CHECKPOINT_FORMAT, seq: Number(row.seq), sealedAt: row.sealedAt.toISOString() };
}

/** Checkpoints with seq in [from, to], in seq order (every one when no bounds). */
export async function readCheckpoints(
  sql: SqlExecutor,
  { from = 1, to = Number.MAX_SAFE_INTEGER, limit = 1_000_000 }: { from?: number; to?: number; limit?: number } = {},
): Promise<Checkpoint[]> {
  const rows = await sql.query<CheckpointRow>(
    `SELECT ${CHECKPOINT_COLUMNS} FROM integrity_checkpoints c WHERE c.seq BETWEEN $1 AND $2 ORDER BY c.seq LIMIT ${limit}`,
    [from, to],
  );
  return rows.map(toCheckpoint);
}

/** Checkpoints newest first, `first` of them before seq `before` (a page of GET /api/integrity/checkpoints). */
export async function readCheckpointPage(db: Database, first: number, before: number | null): Promise<Checkpoint[]> {
  const rows = await db.sql.query<CheckpointRow>(
    `SELECT ${CHECKPOINT_COLUMNS} FROM integrity_checkpoints c WHERE c.seq < $1 ORDER BY c.seq DESC LIMIT $2`,
    [before ?? Number.MAX_SAFE_INTEGER, first],
  );
  return rows.map(toCheckpoint);
}

/** The latest checkpoint, or null before the first seal. */
export async function readLatestCheckpoint(sql: SqlExecutor): Promise<Checkpoint | null> {
  const [row] = await sql.query<CheckpointRow>(
    `SELECT ${CHECKPOINT_COLUMNS} FROM integrity_checkpoints c ORDER BY c.seq DESC LIMIT 1`,
  );
  return row ? toCheckpoint(row) : null;
}

/** The position a cursor stands for ("0" is the start). */
export function positionOfCursor(cursor: string): FeedPosition {
  if (cursor === '0') return FEED_START;
  const [xid, number] = cursor.split('-');
  return { xid: BigInt(xid), number: Number(number) };
}

/**
 * The chain was signed with another key than this instance's: instances must share INTEGRITY_KEY_FILE. Sealing stops
 * rather than mix keys in one chain (a verifier trusts one key).
 */
export class SigningKeyMismatchError extends Error {
  constructor(previous: Checkpoint, keyId: string) {
    super(
      `checkpoint #${previous.seq} was signed with key ${previous.keyId}, this instance holds key ${keyId}: ` +
        'give every instance the same INTEGRITY_KEY_FILE; nothing is sealed until then',
    );
    this.name = 'SigningKeyMismatchError';
  }
}

export interface SealOptions {
  /** Most rows one checkpoint covers (CHECKPOINT_ROWS). */
  maxRows: number;
  /** The time written into the body (tests pin it). */
  now?: () => Date;
}

/**
 * Seals the next closed range of the feed into one checkpoint: the final rows after the latest checkpoint (at most
 * `maxRows`), their leaves and Merkle root, chained and signed. Null when another instance holds the lock or no final
 * row waits. Reads take no row locks, and the transaction gets an id (holding the feed's horizon back) only at its
 * closing inserts, so writes never wait on it.
 */
export async function sealNextCheckpoint(
  db: Database,
  key: SigningKey,
  options: SealOptions,
): Promise<Checkpoint | null> {
  return sealWith(db, key, options, null, inThreadDigester);
}

/**
 * The next range's rows, read ahead while the current range is hashed and written: `after` is where it starts (the
 * last position of the range being sealed), `rows` its read on another connection (sealed-rows.ts), and `range` those
 * rows digested, on this thread while the current range's leaves are written. Final rows never change (short
 * of tampering, which verification finds either way), so a read made outside the sealing transaction is the same
 * read; it is used only if the next seal starts exactly at `after`.
 */
interface ReadAhead {
  after: FeedPosition;
  rows: Promise<{ t: string | null }[]>;
  range: Promise<SealRange | null>;
}

async function sealWith(
  db: Database,
  key: SigningKey,
  { maxRows, now = () => new Date() }: SealOptions,
  readAhead: ReadAhead | null,
  digester: SealDigester,
  /** Called once the range is known (before it is hashed), with its last position, when a full range was read. */
  onFullRange?: (through: FeedPosition) => void,
): Promise<Checkpoint | null> {
  return db.transaction(
    async (tx) => {
      const [{ locked }] = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [
        CHECKPOINT_LOCK,
      ]);
      if (!locked) return null;
      const previous = await readLatestCheckpoint(tx);
      if (previous && previous.keyId !== key.keyId) throw new SigningKeyMismatchError(previous, key.keyId);
      const after = previous ? positionOfCursor(previous.through) : FEED_START;
      // A read ahead that failed is read again here.
      const ahead = readAhead && compareFeedPositions(readAhead.after, after) === 0 ? readAhead : null;
      const readEarlier = ahead ? await ahead.rows.catch(() => null) : null;
      let orderSet = false;
      const inFeedOrder = async () => {
        if (!orderSet) await tx.exec(FEED_ORDER_SETTING);
        orderSet = true;
      };
      let rows = readEarlier;
      if (!rows) {
        await inFeedOrder();
        rows = await readSealRowsWith(tx, after, maxRows);
      }
      if (rows.length === 0) return null;
      // The next range is read ahead from the last row's position before this one is hashed.
      const last = positionOfRowText(rows[rows.length - 1]);
      if (rows.length === maxRows && last) onFullRange?.(last);
      // A range with a row the SQL could not write (null) is read again the reference way, whole (sealed-rows.ts).
      // A digest that failed read ahead (a number JCS refuses) fails again on the reference path, here.
      let range: SealRange | null = await (readEarlier && ahead
        ? ahead.range.catch(() => null)
        : digester.digest(rows));
      if (!range) {
        await inFeedOrder();
        range = await digestEvents(await readFinalEventsWith(tx, after, maxRows));
        if (range.rowCount === maxRows && !last) onFullRange?.(range.through);
      }
      const body: CheckpointBody = {
        format: CHECKPOINT_FORMAT,
        seq: (previous?.seq ?? 0) + 1,
        after: previous ? previous.through : '0',
        through: range.cursor,
        rowCount: range.rowCount,
        merkleRoot: merkleRootOfPacked(range.block.leafHashes).toString('hex'),
        previousHash: previous?.checkpointHash ?? GENESIS_HASH,
        keyId: key.keyId,
        sealedAt: now().toISOString(),
      };
      const checkpoint: Checkpoint = {
        ...body,
        checkpointHash: checkpointHashOf(body),
        signature: signMessage(key, checkpointMessage(body)),
      };
      const { through } = range;
      await tx.query(
        `INSERT INTO integrity_checkpoints (seq, after_xid, after_number, through_xid, through_number, row_count,
           merkle_root, previous_hash, checkpoint_hash, key_id, signature, sealed_at)
         VALUES ($1, $2::xid8, $3, $4::xid8, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          checkpoint.seq,
          after.xid.toString(),
          after.number,
          through.xid.toString(),
          through.number,
          checkpoint.rowCount,
          checkpoint.merkleRoot,
          checkpoint.previousHash,
          checkpoint.checkpointHash,
          checkpoint.keyId,
          checkpoint.signature,
          checkpoint.sealedAt,
        ],
      );
      await insertLeaves(tx, checkpoint.seq, range);
      return checkpoint;
    },
    { statementLimit: 'maintenance' },
  );
}

/**
 * Seals until no final row waits (or another instance has the lock, or `limit` checkpoints were made); the
 * checkpoints made, oldest first.
 */
export async function sealAll(
  db: Database,
  key: SigningKey,
  {
    limit = Number.POSITIVE_INFINITY,
    digestThreads,
    ...options
  }: SealOptions & {
    limit?: number;
    /**
     * Worker threads that digest each range of a backlog, a slice each (seal-digest-pool.ts; compiled only). Default:
     * none for a single checkpoint (the service's sealer), one per core (at most 4) for more.
     */
    digestThreads?: number;
  },
): Promise<Checkpoint[]> {
  const digester = limit > 1 ? sealDigester(digestThreads) : inThreadDigester;
  try {
    return await sealBacklog(db, key, { ...options, limit }, digester);
  } finally {
    await digester.close();
  }
}

async function sealBacklog(
  db: Database,
  key: SigningKey,
  { limit, ...options }: SealOptions & { limit: number },
  digester: SealDigester,
): Promise<Checkpoint[]> {
  const sealed: Checkpoint[] = [];
  // A backlog is sealed as a pipeline: while one range is hashed (here, or on the digester's threads), the database
  // reads the next one on another connection, so the cores work at once instead of taking turns.
  let readAhead: ReadAhead | null = null;
  const readNext = (through: FeedPosition) => {
    if (sealed.length + 1 >= limit) return;
    const rows = readSealRows(db, through, options.maxRows);
    const range = rows.then((read) => digester.digest(read));
    // Handled here so that a failure never goes unhandled (the seal that uses it reads again), or is left unused.
    rows.catch(() => undefined);
    range.catch(() => undefined);
    readAhead = { after: through, rows, range };
  };
  while (sealed.length < limit) {
    const current: ReadAhead | null = readAhead;
    readAhead = null;
    const checkpoint = await sealWith(db, key, options, current, digester, readNext);
    if (!checkpoint) return sealed;
    sealed.push(checkpoint);
    if (checkpoint.rowCount < options.maxRows) return sealed;
  }
  return sealed;
}
