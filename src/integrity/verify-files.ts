import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { FEED_CURSOR_PATTERN } from '../feed/feed.position';
import type { ArchiveManifest } from '../retention/archive';
import type { BundleLeaf, BundleLine } from './bundle';
import { changedFields } from './canonical';
import { HASH_BYTES, HINTS_PER_LEAF } from './leaf-blocks';
import { CHECKPOINT_FORMAT, type Checkpoint } from './checkpoint';
import {
  UnreadableFileError,
  comparePositions,
  digestedRows,
  fileLines,
  filePosition,
  parseLine,
  type FilePosition,
  type FileRow,
} from './file-rows';
import { merkleRoot } from './merkle';
import type { VerifyingKey } from './signing-key';
import {
  checkCheckpointRecord,
  checkLink,
  problemList,
  reportAltered,
  type IntegrityProblem,
  type Report,
  type VerifyReport,
} from './verify';

/**
 * Verification from files alone (docs/integrity.md, "Verifying files"): the checkpoints with their leaves (a saved
 * `GET /api/integrity/checkpoints/export`) beside the rows, either an export in feed order or a retention archive.
 * The same checks as the database's, found under the same kinds, with no database at all.
 */

/** A feed cursor as a checkpoint's `after` and `through` hold it. */
function isCursor(value: unknown): value is string {
  return typeof value === 'string' && (value === '0' || FEED_CURSOR_PATTERN.test(value));
}

/** The lines of a bundle, each checked for the members verification reads. */
export async function* readBundle(file: string): AsyncGenerator<BundleLine> {
  for await (const raw of fileLines(file)) {
    const line = parseLine(file, raw) as Partial<BundleLine>;
    if (!Number.isSafeInteger(line.seq) || !isCursor(line.through) || !isCursor(line.after)) {
      throw new UnreadableFileError(file, raw.line, 'not a checkpoint of GET /api/integrity/checkpoints/export');
    }
    if (!Array.isArray(line.leaves)) {
      throw new UnreadableFileError(
        file,
        raw.line,
        'a checkpoint without its leaves: save GET /api/integrity/checkpoints/export, not the checkpoints page',
      );
    }
    for (const leaf of line.leaves as Partial<BundleLeaf>[]) {
      // Hex is checked where it is decoded: a leaf hash that is not 64 hex digits decodes short (verify the root).
      const ok =
        typeof leaf?.interactionId === 'string' &&
        Number.isSafeInteger(leaf.interactionNumber) &&
        typeof leaf.createdDate === 'string' &&
        typeof leaf.leafHash === 'string' &&
        leaf.leafHash.length === 64 &&
        typeof leaf.fieldHints === 'string';
      if (!ok) throw new UnreadableFileError(file, raw.line, `checkpoint #${line.seq} holds a malformed leaf`);
    }
    yield line as BundleLine;
  }
}

/**
 * The rows of an export made with `order=feed`, a batch at a time, each row checked to have a position in feed
 * order; refuses an export in the list's order.
 */
async function* readFeedExport(file: string): AsyncGenerator<FileRow[]> {
  let previous: FilePosition | null = null;
  for await (const rows of digestedRows(file)) {
    for (const row of rows) {
      const position = row.position;
      if (position === null) {
        throw new UnreadableFileError(
          file,
          row.line,
          'no feedCursor: export with GET /api/interactions/export?order=feed',
        );
      }
      if (position.xid === '') throw new UnreadableFileError(file, row.line, 'its feedCursor is not a cursor');
      if (previous && comparePositions(position, previous) < 0) {
        throw new UnreadableFileError(file, row.line, 'the export is not in feed order (made with order=feed?)');
      }
      previous = position;
    }
    yield rows;
  }
}

/** Walks rows a batch at a time: `row` is the current one (null at the end), `advance` moves past it. */
class RowCursor {
  row: FileRow | null = null;
  private batch: FileRow[] = [];
  private at = 0;

  constructor(private readonly batches: AsyncGenerator<FileRow[]>) {}

  async advance(): Promise<void> {
    this.at += 1;
    while (this.at >= this.batch.length) {
      const next = await this.batches.next();
      if (next.done) {
        this.row = null;
        return;
      }
      this.batch = next.value;
      this.at = 0;
    }
    this.row = this.batch[this.at];
  }

  /** Moves past the current row without a turn of the event loop while the batch lasts. */
  step(): boolean {
    if (this.at + 1 >= this.batch.length) return false;
    this.at += 1;
    this.row = this.batch[this.at];
    return true;
  }

  async close(): Promise<void> {
    await this.batches.return(undefined);
  }
}

/** A row against its sealed leaf: nothing when it hashes the same, else row-altered with the fields. */
function compareDigest(row: FileRow, leaf: BundleLeaf, sealed: Buffer, seq: number, report: Report) {
  const at = row.index * HASH_BYTES;
  if (row.leaves.compare(sealed, 0, sealed.length, at, at + HASH_BYTES) === 0) return;
  const hints = row.hints.subarray(row.index * HINTS_PER_LEAF, (row.index + 1) * HINTS_PER_LEAF);
  reportAltered(leaf, changedFields(Buffer.from(leaf.fieldHints, 'hex'), hints), seq, report);
}

export interface VerifyFilesOptions {
  key: VerifyingKey;
  /**
   * With an export: where retention's archives are. A sealed row missing from the export whose created date falls in
   * an archive's range (its manifest) is checked from that archive instead.
   */
  archiveDir?: string | null;
  /** The checkpoints with their leaves (GET /api/integrity/checkpoints/export). */
  bundle: string;
  /** First and last checkpoint to check (default: every one in the bundle). */
  from?: number;
  to?: number;
}

/** The checkpoint part of a bundle line, as verify.ts checks it. */
function checkpointOf({ leaves: _leaves, ...line }: BundleLine): Checkpoint {
  return { ...line, format: CHECKPOINT_FORMAT };
}

/**
 * Walks the bundle's checkpoints: numbering, chain, signature, and the leaves against the signed root, calling
 * `visit` for each checkpoint inside [from, to] (in order) with its leaves.
 */
async function walkBundle(
  options: VerifyFilesOptions,
  report: Report,
  visit: (checkpoint: Checkpoint, leaves: BundleLeaf[], hashes: Buffer[]) => Promise<void>,
): Promise<{ checked: Checkpoint[] }> {
  const from = options.from ?? 1;
  const to = options.to ?? Number.MAX_SAFE_INTEGER;
  const checked: Checkpoint[] = [];
  let previous: Checkpoint | undefined;
  let expectedSeq: number | null = null;
  for await (const line of readBundle(options.bundle)) {
    const checkpoint = checkpointOf(line);
    if (checkpoint.seq > to) break;
    if (checkpoint.seq >= from) {
      // The first one checked links to the one before only if the bundle holds it (a bundle may start at `from`).
      checkLink(checkpoint, previous, expectedSeq ?? (previous ? previous.seq + 1 : from), report);
      checkCheckpointRecord(checkpoint, options.key, report);
      const hashes = line.leaves.map((leaf) => Buffer.from(leaf.leafHash, 'hex'));
      if (hashes.length !== checkpoint.rowCount || merkleRoot(hashes).toString('hex') !== checkpoint.merkleRoot) {
        report({
          kind: 'leaves-altered',
          checkpoint: checkpoint.seq,
          message: `the leaves of checkpoint #${checkpoint.seq} do not hash to its signed root`,
        });
      }
      await visit(checkpoint, line.leaves, hashes);
      checked.push(checkpoint);
      expectedSeq = checkpoint.seq + 1;
    }
    previous = checkpoint;
  }
  return { checked };
}

/** Numbers of sealed rows, for finding a row that reuses one (8 bytes a row). */
class SealedNumbers {
  private numbers = new Float64Array(1024);
  private size = 0;
  private sorted = true;

  add(number: number) {
    if (this.size === this.numbers.length) {
      const grown = new Float64Array(this.numbers.length * 2);
      grown.set(this.numbers);
      this.numbers = grown;
    }
    if (this.size > 0 && number < this.numbers[this.size - 1]) this.sorted = false;
    this.numbers[this.size] = number;
    this.size += 1;
  }

  private sort() {
    if (!this.sorted) {
      this.numbers = this.numbers.subarray(0, this.size).sort();
      this.sorted = true;
    }
  }

  /** Numbers sealed more than once: all but one of their rows were forged (numbers are drawn once). */
  duplicates(): Set<number> {
    this.sort();
    const found = new Set<number>();
    for (let i = 1; i < this.size; i += 1) if (this.numbers[i] === this.numbers[i - 1]) found.add(this.numbers[i]);
    return found;
  }

  has(number: number): boolean {
    this.sort();
    let low = 0;
    let high = this.size - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const value = this.numbers[middle];
      if (value === number) return true;
      if (value < number) low = middle + 1;
      else high = middle - 1;
    }
    return false;
  }
}

/**
 * Rows that reuse a number another row was sealed with, both sealed: a forged row that a later checkpoint sealed. A
 * second pass over the bundle names them (there are none in an untouched log); each but the one sealed first is
 * reported, as the database verifier does.
 */
async function reportSealedDuplicates(options: VerifyFilesOptions, numbers: Set<number>, report: Report) {
  if (numbers.size === 0) return;
  const from = options.from ?? 1;
  const to = options.to ?? Number.MAX_SAFE_INTEGER;
  const sealed = new Map<number, { id: string; seq: number }[]>();
  for await (const line of readBundle(options.bundle)) {
    if (line.seq < from || line.seq > to) continue;
    for (const leaf of line.leaves) {
      if (!numbers.has(leaf.interactionNumber)) continue;
      sealed.set(leaf.interactionNumber, [
        ...(sealed.get(leaf.interactionNumber) ?? []),
        { id: leaf.interactionId, seq: line.seq },
      ]);
    }
  }
  for (const [number, [first, ...forged]] of sealed) {
    for (const { id, seq } of forged) {
      report({
        kind: 'row-inserted',
        checkpoint: seq,
        interactionId: id,
        interactionNumber: number,
        message: `interaction ${id} reuses number ${number}, sealed in checkpoint #${first.seq} for interaction ${first.id}: a forged row`,
      });
    }
  }
}

/** A row no checkpoint sealed that carries the number of one that was: a forged row. */
function reportReusedNumber(row: FileRow, checkpoint: number, report: Report) {
  report({
    kind: 'row-inserted',
    checkpoint,
    interactionId: row.id,
    interactionNumber: row.interactionNumber,
    message: `interaction ${row.id} reuses number ${row.interactionNumber}, which a checkpoint sealed for another row: a forged row`,
  });
}

/** Rows between two yields to the event loop (the verifier is a CLI, but the tests run it in-process too). */
const SLICE = 2_000;

/**
 * An export in feed order against the bundle: both are in feed order, so one pass over each, holding one checkpoint's
 * leaves at a time. Rows after the last checkpoint are not sealed yet: only checked for reusing a sealed number.
 */
export async function verifyExportFile(options: VerifyFilesOptions & { exportFile: string }): Promise<VerifyReport> {
  const { problems, report } = problemList();
  const archives = await ArchiveDirectory.open(options.archiveDir ?? null);
  const rows = new RowCursor(readFeedExport(options.exportFile));
  const sealedNumbers = new SealedNumbers();

  try {
    return await checkExport(options, rows, archives, sealedNumbers, problems, report);
  } finally {
    await rows.close();
  }
}

async function checkExport(
  options: VerifyFilesOptions,
  rows: RowCursor,
  archives: ArchiveDirectory,
  sealedNumbers: SealedNumbers,
  problems: IntegrityProblem[],
  report: Report,
): Promise<VerifyReport> {
  await rows.advance();
  let rowsChecked = 0;
  let archivedRows = 0;
  // The next row: within a batch at once; a new batch is a turn of the event loop anyway.
  const advance = async () => {
    if (!rows.step()) await rows.advance();
  };

  const { checked } = await walkBundle(options, report, async (checkpoint, leaves, hashes) => {
    const seq = checkpoint.seq;
    const after = filePosition(checkpoint.after);
    const through = filePosition(checkpoint.through);
    const indexById = new Map<string, number>();
    leaves.forEach((leaf, index) => {
      indexById.set(leaf.interactionId, index);
      sealedNumbers.add(leaf.interactionNumber);
    });
    const matched = new Uint8Array(leaves.length);
    let lastIndex = -1;
    let reordered: FileRow | null = null;
    // Rows before the range: a gap left by a missing checkpoint (reported as such) or before `from`.
    while (rows.row && comparePositions(rows.row.position!, after) <= 0) await advance();
    while (rows.row && comparePositions(rows.row.position!, through) <= 0) {
      const row = rows.row;
      const index = indexById.get(row.id);
      if (index === undefined || matched[index] === 1) {
        report({
          kind: 'row-inserted',
          checkpoint: seq,
          interactionId: row.id,
          interactionNumber: Number(row.interactionNumber),
          message: `interaction ${row.id} (number ${row.interactionNumber}) is inside checkpoint #${seq}'s range but was not sealed in it`,
        });
      } else {
        matched[index] = 1;
        compareDigest(row, leaves[index], hashes[index], seq, report);
        if (index < lastIndex && !reordered) reordered = row;
        lastIndex = Math.max(lastIndex, index);
      }
      rowsChecked += 1;
      await advance();
    }
    if (reordered) {
      report({
        kind: 'rows-reordered',
        checkpoint: seq,
        interactionId: reordered.id,
        interactionNumber: Number(reordered.interactionNumber),
        message: `the rows of checkpoint #${seq} are no longer in their sealed order (first out of place: ${reordered.id})`,
      });
    }
    for (const [index, leaf] of leaves.entries()) {
      if (matched[index] === 1) continue;
      const archive = await archives.rowsFor(leaf.createdDate);
      const copies = archive?.rows.get(leaf.interactionId);
      if (copies) {
        archivedRows += 1;
        compareArchived(copies, leaf, hashes[index], seq, archive!.file, report);
        continue;
      }
      report({
        kind: 'row-missing',
        checkpoint: seq,
        interactionId: leaf.interactionId,
        interactionNumber: leaf.interactionNumber,
        message: `interaction ${leaf.interactionId} (number ${leaf.interactionNumber}) was sealed in checkpoint #${seq} and is not in the export${
          archive ? ` nor in the archive of its dropped partition, ${archive.file}` : ''
        }`,
      });
    }
  });

  // Rows after the last checkpoint checked: not sealed yet, unless they reuse a sealed number.
  const last = checked.at(-1);
  if (last && (options.to === undefined || last.seq === options.to)) {
    for (; rows.row; await advance()) {
      const row = rows.row;
      if (sealedNumbers.has(row.interactionNumber)) reportReusedNumber(row, last.seq, report);
    }
  }
  await reportSealedDuplicates(options, sealedNumbers.duplicates(), report);
  return {
    ok: problems.length === 0,
    checkpoints: checked.length,
    rows: rowsChecked,
    archivedRows,
    fromCheckpoint: checked[0]?.seq ?? null,
    throughCheckpoint: last?.seq ?? null,
    problems,
  };
}

/** A whole archive's rows by id, digested, read once. */
async function readArchive(file: string): Promise<Map<string, FileRow[]>> {
  // Every copy of an id: a second copy is itself a finding, and must not hide an edited first one.
  const rows = new Map<string, FileRow[]>();
  for await (const batch of digestedRows(file)) {
    for (const row of batch) {
      const copies = rows.get(row.id);
      if (copies) copies.push(row);
      else rows.set(row.id, [row]);
    }
  }
  return rows;
}

/** Each copy of a sealed row against its leaf; copies past the first are rows inserted into the archive. */
function compareArchived(
  copies: FileRow[],
  leaf: BundleLeaf,
  sealed: Buffer,
  seq: number,
  file: string,
  report: Report,
) {
  for (const copy of copies) compareDigest(copy, leaf, sealed, seq, report);
  for (const copy of copies.slice(1)) {
    report({
      kind: 'row-inserted',
      checkpoint: seq,
      interactionId: copy.id,
      interactionNumber: copy.interactionNumber,
      message: `interaction ${copy.id} is in ${file} ${copies.length} times (again at line ${copy.line})`,
    });
  }
}

/** The archives of a directory by their manifests' ranges; each read on first need and kept. */
class ArchiveDirectory {
  private readonly loaded = new Map<string, Promise<Map<string, FileRow[]>>>();

  private constructor(private readonly archives: { start: number; end: number; file: string }[]) {}

  static async open(dir: string | null): Promise<ArchiveDirectory> {
    if (!dir) return new ArchiveDirectory([]);
    const names = (await readdir(dir)).filter((name) => name.endsWith('.manifest.json'));
    const archives = await Promise.all(
      names.map(async (name) => {
        const manifest = JSON.parse(await readFile(path.join(dir, name), 'utf8')) as ArchiveManifest;
        const file = path.join(dir, path.basename(manifest.file));
        return { start: Date.parse(manifest.rangeStart), end: Date.parse(manifest.rangeEnd), file };
      }),
    );
    return new ArchiveDirectory(archives);
  }

  /** The archive whose range holds `createdDate`, with its rows; null when none does. */
  async rowsFor(createdDate: string): Promise<{ file: string; rows: Map<string, FileRow[]> } | null> {
    const created = Date.parse(createdDate);
    const archive = this.archives.find(({ start, end }) => start <= created && created < end);
    if (!archive) return null;
    let rows = this.loaded.get(archive.file);
    if (!rows) {
      rows = readArchive(archive.file);
      this.loaded.set(archive.file, rows);
    }
    return { file: path.basename(archive.file), rows: await rows };
  }
}

/** The manifest beside an archive's data file (`X.ndjson.gz` → `X.manifest.json`). */
export async function readManifestOf(archiveFile: string): Promise<ArchiveManifest> {
  const manifestFile = archiveFile.replace(/\.ndjson\.gz$/, '.manifest.json');
  if (manifestFile === archiveFile) throw new Error(`${archiveFile}: an archive's data file ends in .ndjson.gz`);
  return JSON.parse(await readFile(manifestFile, 'utf8')) as ArchiveManifest;
}

/**
 * A retention archive (one dropped partition) against the bundle: every leaf whose created date falls in the
 * archive's range must be in it, as sealed; a row in it that no checkpoint sealed is reported only when it reuses a
 * sealed number (sealing may have been off when it was written). An archive holds rows in number order, not feed
 * order, so the order is not checked. Memory: the archive's digests by id (~200 bytes a row).
 */
export async function verifyArchiveFile(options: VerifyFilesOptions & { archiveFile: string }): Promise<VerifyReport> {
  const { problems, report } = problemList();
  const manifest = await readManifestOf(options.archiveFile);
  const start = Date.parse(manifest.rangeStart);
  const end = Date.parse(manifest.rangeEnd);
  const archived = await readArchive(options.archiveFile);
  const matched = new Set<string>();
  const sealedNumbers = new SealedNumbers();
  const { checked } = await walkBundle(options, report, async (checkpoint, leaves, hashes) => {
    for (const [index, leaf] of leaves.entries()) {
      sealedNumbers.add(leaf.interactionNumber);
      const created = Date.parse(leaf.createdDate);
      if (created < start || created >= end) continue;
      const copies = archived.get(leaf.interactionId);
      if (!copies) {
        report({
          kind: 'row-missing',
          checkpoint: checkpoint.seq,
          interactionId: leaf.interactionId,
          interactionNumber: leaf.interactionNumber,
          message: `interaction ${leaf.interactionId} (number ${leaf.interactionNumber}) was sealed in checkpoint #${checkpoint.seq} and is not in the archive of its partition`,
        });
        continue;
      }
      matched.add(leaf.interactionId);
      compareArchived(copies, leaf, hashes[index], checkpoint.seq, path.basename(options.archiveFile), report);
      if (matched.size % SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  });
  for (const [row] of archived.values()) {
    if (!matched.has(row.id) && sealedNumbers.has(row.interactionNumber)) {
      reportReusedNumber(row, checked.at(-1)?.seq ?? 0, report);
    }
  }
  await reportSealedDuplicates(options, sealedNumbers.duplicates(), report);
  return {
    ok: problems.length === 0,
    checkpoints: checked.length,
    rows: 0,
    archivedRows: matched.size,
    fromCheckpoint: checked[0]?.seq ?? null,
    throughCheckpoint: checked.at(-1)?.seq ?? null,
    problems,
  };
}
