import path from 'node:path';
import type { SqlExecutor } from '../db/database';
import { INTERACTION_COLUMNS, type InteractionRecord } from '../interactions/interaction.model';
import { readArchiveRows } from '../retention/archive';
import { changedFields, rowLeaf, type CanonicalRow } from './canonical';
import {
  CHECKPOINT_FORMAT,
  GENESIS_HASH,
  checkpointHashOf,
  checkpointMessage,
  positionOfCursor,
  readCheckpoints,
  type Checkpoint,
} from './checkpoint';
import { merkleRoot } from './merkle';
import { leafRows, locateSealedLeaves, readLeafBlock, type LeafRow } from './leaf-blocks';
import { verifySignature, type VerifyingKey } from './signing-key';

/** What verification can find (docs/integrity.md, "What verify reports"). */
export type IntegrityProblemKind =
  | 'checkpoint-missing'
  | 'checkpoint-altered'
  | 'checkpoint-signature'
  | 'checkpoint-chain'
  | 'leaves-altered'
  | 'row-altered'
  | 'row-missing'
  | 'row-inserted'
  | 'rows-reordered'
  | 'archive-unreadable';

export interface IntegrityProblem {
  kind: IntegrityProblemKind;
  /** The checkpoint whose range or record it concerns. */
  checkpoint: number;
  interactionId: string | null;
  interactionNumber: number | null;
  /** For row-altered: the fields whose stored hints differ (docs/integrity.md, "Field hints"). */
  fields: string[];
  message: string;
}

export interface VerifyReport {
  ok: boolean;
  /** Checkpoints and rows checked. */
  checkpoints: number;
  rows: number;
  /** Rows checked from archive files (their partitions were dropped by retention). */
  archivedRows: number;
  /** Seq of the first and last checkpoint checked (null when none). */
  fromCheckpoint: number | null;
  throughCheckpoint: number | null;
  /** Every problem found, first first (at most MAX_PROBLEMS). */
  problems: IntegrityProblem[];
}

/** Problems listed at most; verification stops collecting (not checking) past them. */
export const MAX_PROBLEMS = 100;

export interface VerifyOptions {
  /** The public key checkpoints must be signed with: the verifier's own copy, never one read from the database. */
  key: VerifyingKey;
  /** First and last checkpoint to check (default: all). */
  from?: number;
  to?: number;
  /** Where retention's archives are (ARCHIVE_DIR): rows of dropped partitions are checked from them. */
  archiveDir?: string | null;
  /**
   * Checkpoints published earlier (a saved GET /api/integrity/checkpoints): each must still be in the database,
   * unchanged. This is what finds the newest checkpoints deleted, which the chain alone cannot show.
   */
  published?: Checkpoint[];
}

type RangeRow = InteractionRecord;

/** A list of findings and the function that adds one (at most MAX_PROBLEMS; the same row's kind once). */
export function problemList(): { problems: IntegrityProblem[]; report: Report } {
  const problems: IntegrityProblem[] = [];
  const report: Report = (problem) => {
    // A forged row inside a sealed range that also reuses a number is one finding, not two.
    const again = problems.some(
      (known) =>
        known.kind === problem.kind && !!problem.interactionId && known.interactionId === problem.interactionId,
    );
    if (!again && problems.length < MAX_PROBLEMS) {
      problems.push({ interactionId: null, interactionNumber: null, fields: [], ...problem });
    }
  };
  return { problems, report };
}

/**
 * The link from the checkpoint before (or the start) to `checkpoint`: numbered without a gap, chained by hash and by
 * range. `previous` is the last checkpoint seen, `expectedSeq` the number that should follow it.
 */
export function checkLink(
  checkpoint: Pick<Checkpoint, 'seq' | 'previousHash' | 'after'>,
  previous: Pick<Checkpoint, 'checkpointHash' | 'through'> | undefined,
  expectedSeq: number,
  report: Report,
): void {
  if (checkpoint.seq !== expectedSeq) {
    const missing = expectedSeq === checkpoint.seq - 1 ? `#${expectedSeq}` : `#${expectedSeq}–#${checkpoint.seq - 1}`;
    report({
      kind: 'checkpoint-missing',
      checkpoint: expectedSeq,
      message: `checkpoint ${missing} is missing: #${checkpoint.seq} follows #${expectedSeq - 1}`,
    });
  } else if (previous || checkpoint.seq === 1) {
    const previousHash = previous?.checkpointHash ?? GENESIS_HASH;
    const previousThrough = previous?.through ?? '0';
    if (checkpoint.previousHash !== previousHash || checkpoint.after !== previousThrough) {
      report({
        kind: 'checkpoint-chain',
        checkpoint: checkpoint.seq,
        message: `checkpoint #${checkpoint.seq} does not chain to #${checkpoint.seq - 1}`,
      });
    }
  }
}

/** Re-hashes the sealed log in the database and reports what does not match its signed checkpoints. */
export async function verifyLog(sql: SqlExecutor, options: VerifyOptions): Promise<VerifyReport> {
  const { problems, report } = problemList();
  const from = options.from ?? 1;
  const checkpoints = await readCheckpoints(sql, { from, to: options.to });
  // The checkpoint before the first checked one, for the chain (absent when checking from the start).
  const [before] = from > 1 ? await readCheckpoints(sql, { from: from - 1, to: from - 1 }) : [];
  const archives = new ArchiveIndex(sql, options.archiveDir ?? null);
  let rows = 0;

  checkPublished(options.published ?? [], checkpoints, options, report);
  // The database works while this process hashes: the numbers' pass runs from the start (on a second connection
  // when the pool has one), and each range is read while the one before it is checked.
  const duplicates = checkpoints.length > 0 ? handled(readDuplicateNumbers(sql)) : null;
  let nextRead = checkpoints.length > 0 ? handled(readRange(sql, checkpoints[0])) : null;
  let previous: Checkpoint | undefined = before;
  let expectedSeq = from;
  for (const [i, checkpoint] of checkpoints.entries()) {
    const read = nextRead!;
    nextRead = i + 1 < checkpoints.length ? handled(readRange(sql, checkpoints[i + 1])) : null;
    checkLink(checkpoint, previous, expectedSeq, report);
    expectedSeq = checkpoint.seq + 1;
    previous = checkpoint;
    checkCheckpointRecord(checkpoint, options.key, report);
    rows += await checkRange(await read, checkpoint, archives, report);
  }
  if (duplicates) {
    await checkNumbersUnique(
      sql,
      await duplicates,
      checkpoints[0].seq,
      checkpoints[checkpoints.length - 1].seq,
      report,
    );
  }
  return {
    ok: problems.length === 0,
    checkpoints: checkpoints.length,
    rows,
    archivedRows: archives.rowsChecked,
    fromCheckpoint: checkpoints[0]?.seq ?? null,
    throughCheckpoint: checkpoints.at(-1)?.seq ?? null,
    problems,
  };
}

export type Report = (
  problem: Omit<IntegrityProblem, 'interactionId' | 'interactionNumber' | 'fields'> & Partial<IntegrityProblem>,
) => void;

/** The record itself: its hash is its body's, and it is signed by the trusted key. */
export function checkCheckpointRecord(checkpoint: Checkpoint, key: VerifyingKey, report: Report) {
  if (checkpoint.format !== CHECKPOINT_FORMAT || checkpointHashOf(checkpoint) !== checkpoint.checkpointHash) {
    report({
      kind: 'checkpoint-altered',
      checkpoint: checkpoint.seq,
      message: `checkpoint #${checkpoint.seq} was altered: its hash is not its content's`,
    });
  }
  if (checkpoint.keyId !== key.keyId || !verifySignature(key, checkpointMessage(checkpoint), checkpoint.signature)) {
    report({
      kind: 'checkpoint-signature',
      checkpoint: checkpoint.seq,
      message:
        checkpoint.keyId === key.keyId
          ? `checkpoint #${checkpoint.seq} has an invalid signature`
          : `checkpoint #${checkpoint.seq} is signed by key ${checkpoint.keyId}, not the trusted key ${key.keyId}`,
    });
  }
}

/** Published checkpoints must all still be there, unchanged. */
function checkPublished(published: Checkpoint[], stored: Checkpoint[], options: VerifyOptions, report: Report) {
  const bySeq = new Map(stored.map((checkpoint) => [checkpoint.seq, checkpoint]));
  for (const copy of published) {
    if (copy.seq < (options.from ?? 1) || copy.seq > (options.to ?? Number.MAX_SAFE_INTEGER)) continue;
    const current = bySeq.get(copy.seq);
    if (!current) {
      report({
        kind: 'checkpoint-missing',
        checkpoint: copy.seq,
        message: `checkpoint #${copy.seq} was published but is not in the database`,
      });
    } else if (current.checkpointHash !== copy.checkpointHash) {
      report({
        kind: 'checkpoint-altered',
        checkpoint: copy.seq,
        message: `checkpoint #${copy.seq} differs from its published copy`,
      });
    }
  }
}

/**
 * The rows of one checkpoint's range against its leaves, and the leaves against its signed root. Returns the rows
 * checked.
 */
/** A promise whose rejection is handled now and still thrown where it is awaited (a read started ahead). */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

interface RangeRead {
  leaves: LeafRow[];
  rows: RangeRow[];
}

/** A checkpoint's stored leaves and the rows now in its range, in feed order. */
async function readRange(sql: SqlExecutor, checkpoint: Checkpoint): Promise<RangeRead> {
  const after = positionOfCursor(checkpoint.after);
  const through = positionOfCursor(checkpoint.through);
  const [block, rows] = await Promise.all([
    readLeafBlock(sql, checkpoint.seq),
    sql.query<RangeRow>(
      `SELECT ${INTERACTION_COLUMNS} FROM interactions
       WHERE (feed_xid, interaction_number) > ($1::xid8, $2::bigint) AND (feed_xid, interaction_number) <= ($3::xid8, $4::bigint)
       ORDER BY feed_xid, interaction_number`,
      [after.xid.toString(), after.number, through.xid.toString(), through.number],
    ),
  ]);
  // A block gone reads as no leaves: they cannot hash to the signed root, which checkRange reports.
  return { leaves: block ? leafRows(block) : [], rows };
}

async function checkRange({ leaves, rows }: RangeRead, checkpoint: Checkpoint, archives: ArchiveIndex, report: Report) {
  const seq = checkpoint.seq;
  const hashes = leaves.map((leaf) => Buffer.from(leaf.leafHash));
  if (leaves.length !== checkpoint.rowCount || merkleRoot(hashes).toString('hex') !== checkpoint.merkleRoot) {
    report({
      kind: 'leaves-altered',
      checkpoint: seq,
      message: `the stored leaves of checkpoint #${seq} do not hash to its signed root`,
    });
  }
  const leafById = new Map<string, number>();
  leaves.forEach((leaf, index) => leafById.set(leaf.interactionId, index));
  const matched = new Set<number>();
  let lastIndex = -1;
  let reordered: RangeRow | null = null;
  for (const [n, row] of rows.entries()) {
    // The verify route runs inside the service: requests get a turn between slices of hashing.
    if (n > 0 && n % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
    const index = leafById.get(row.id);
    if (index === undefined || matched.has(index)) {
      report({
        kind: 'row-inserted',
        checkpoint: seq,
        interactionId: row.id,
        interactionNumber: row.interactionNumber,
        message: `interaction ${row.id} (number ${row.interactionNumber}) is inside checkpoint #${seq}'s range but was not sealed in it`,
      });
      continue;
    }
    matched.add(index);
    compareRow(row, leaves[index], hashes[index], seq, report);
    if (index < lastIndex && !reordered) reordered = row;
    lastIndex = Math.max(lastIndex, index);
  }
  if (reordered) {
    report({
      kind: 'rows-reordered',
      checkpoint: seq,
      interactionId: reordered.id,
      interactionNumber: reordered.interactionNumber,
      message: `the rows of checkpoint #${seq} are no longer in their sealed order (first out of place: ${reordered.id})`,
    });
  }
  const absent = leaves.filter((_, index) => !matched.has(index));
  for (const leaf of absent) {
    const archived = await archives.find(leaf);
    if (archived === 'not-dropped' || archived === 'not-archived') {
      const where = archived === 'not-dropped' ? 'is gone' : 'is missing from the archive of its dropped partition';
      report({
        kind: 'row-missing',
        checkpoint: seq,
        interactionId: leaf.interactionId,
        interactionNumber: Number(leaf.interactionNumber),
        message: `interaction ${leaf.interactionId} (number ${leaf.interactionNumber}) was sealed in checkpoint #${seq} and ${where}`,
      });
    } else if (archived === 'no-archive') {
      // Dropped by retention without an archive: nothing left to compare; the leaves still prove the root.
    } else if (typeof archived === 'string') {
      report({ kind: 'archive-unreadable', checkpoint: seq, interactionId: leaf.interactionId, message: archived });
    } else {
      compareRow(archived, leaf, Buffer.from(leaf.leafHash), seq, report);
    }
  }
  return rows.length;
}

export function compareRow(
  row: CanonicalRow,
  leaf: Pick<LeafRow, 'interactionId' | 'interactionNumber' | 'fieldHints'>,
  sealed: Buffer,
  seq: number,
  report: Report,
) {
  const digest = rowLeaf(row);
  if (digest.leaf.equals(sealed)) return;
  reportAltered(leaf, changedFields(Buffer.from(leaf.fieldHints), digest.hints()), seq, report);
}

/** A sealed row that no longer hashes to its leaf, with the fields its hints say changed. */
export function reportAltered(
  leaf: { interactionId: string; interactionNumber: string | number },
  fields: string[],
  seq: number,
  report: Report,
) {
  report({
    kind: 'row-altered',
    checkpoint: seq,
    interactionId: leaf.interactionId,
    interactionNumber: Number(leaf.interactionNumber),
    fields,
    message: `interaction ${leaf.interactionId} (number ${leaf.interactionNumber}) was altered after checkpoint #${seq}${
      fields.length > 0 ? `: ${fields.join(', ')}` : ''
    }`,
  });
}

/**
 * Two rows carrying one number: all but the one sealed first were forged (numbers are drawn once). Found in one pass
 * over the numbers' index, whatever the number of checkpoints; a forged row may be anywhere, sealed later or not yet.
 * Numbers no checkpoint in [from, to] sealed are left alone.
 */
function readDuplicateNumbers(sql: SqlExecutor) {
  return sql.query<{ number: string; ids: string[] }>(
    `SELECT interaction_number::text AS number, array_agg(id::text ORDER BY id) AS ids FROM interactions
     GROUP BY interaction_number HAVING count(*) > 1 ORDER BY interaction_number`,
  );
}

/** Reports the forged rows among readDuplicateNumbers' groups: each id but the one sealed first. */
async function checkNumbersUnique(
  sql: SqlExecutor,
  groups: { number: string; ids: string[] }[],
  from: number,
  to: number,
  report: Report,
) {
  for (const group of groups) {
    const { leaves } = await locateSealedLeaves(sql, group.ids);
    const sealed = [...leaves].map(([id, leaf]) => ({ id, seq: leaf.seq })).sort((a, b) => a.seq - b.seq);
    const first = sealed[0];
    if (!first || Number(first.seq) < from || Number(first.seq) > to) continue;
    for (const id of group.ids.filter((candidate) => candidate !== first.id)) {
      report({
        kind: 'row-inserted',
        checkpoint: Number(first.seq),
        interactionId: id,
        interactionNumber: Number(group.number),
        message: `interaction ${id} reuses number ${group.number}, sealed in checkpoint #${first.seq} for interaction ${first.id}: a forged row`,
      });
    }
  }
}

/**
 * Rows of partitions that retention dropped, found in their archive files: each file is read once, on first need, and
 * its rows kept by id for the rest of the run (an archive holds one partition).
 */
class ArchiveIndex {
  rowsChecked = 0;
  private ranges: Promise<{ start: Date; end: Date; file: string | null }[]> | null = null;
  private readonly opened = new Map<string, Promise<Map<string, CanonicalRow> | string>>();

  constructor(
    private readonly sql: SqlExecutor,
    private readonly dir: string | null,
  ) {}

  /** The archived row of a leaf; 'not-dropped' when its time was never dropped; 'no-archive'; or an error message. */
  async find(leaf: LeafRow): Promise<CanonicalRow | 'not-dropped' | 'no-archive' | 'not-archived' | string> {
    this.ranges ??= this.sql.query<{ start: Date; end: Date; file: string | null }>(
      `SELECT range_start AS start, range_end AS "end", archive_file AS file FROM retention_dropped_ranges`,
    );
    const created = new Date(leaf.createdDate).getTime();
    const range = (await this.ranges).find((r) => r.start.getTime() <= created && created < r.end.getTime());
    if (!range) return 'not-dropped';
    if (!range.file) return 'no-archive';
    if (!this.dir)
      return `interaction ${leaf.interactionId} is in archive ${range.file}, but no archive directory was given`;
    const file = path.join(this.dir, path.basename(range.file));
    let rows = this.opened.get(file);
    if (!rows) {
      rows = loadArchive(file);
      this.opened.set(file, rows);
    }
    const loaded = await rows;
    if (typeof loaded === 'string') return loaded;
    const row = loaded.get(leaf.interactionId);
    if (!row) return 'not-archived';
    this.rowsChecked += 1;
    return row;
  }
}

async function loadArchive(file: string): Promise<Map<string, CanonicalRow> | string> {
  try {
    const rows = new Map<string, CanonicalRow>();
    for await (const row of readArchiveRows(file)) rows.set(row.id, row as CanonicalRow);
    return rows;
  } catch (error) {
    return `archive ${file} cannot be read: ${(error as Error).message}`;
  }
}
