import { createReadStream } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { compareFeedPositions, parseFeedCursor, type FeedPosition } from '../feed/feed.position';
import type { ArchiveManifest } from '../retention/archive';
import type { BundleLeaf, BundleLine } from './bundle';
import type { CanonicalRow } from './canonical';
import { CHECKPOINT_FORMAT, positionOfCursor, type Checkpoint } from './checkpoint';
import { merkleRoot } from './merkle';
import type { VerifyingKey } from './signing-key';
import { checkCheckpointRecord, checkLink, compareRow, problemList, type Report, type VerifyReport } from './verify';

/**
 * Verification from files alone (docs/integrity.md, "Verifying files"): the checkpoints with their leaves (a saved
 * `GET /api/integrity/checkpoints/export`) beside the rows, either an export in feed order or a retention archive.
 * The same checks as the database's, found under the same kinds, with no database at all.
 */

/** A file line that is not what its format says: the verifier cannot go on (exit 3, naming file and line). */
export class UnreadableFileError extends Error {
  constructor(file: string, line: number, reason: string) {
    super(`${file}, line ${line}: ${reason}`);
    this.name = 'UnreadableFileError';
  }
}

/** The non-empty lines of a text file (gunzipped when it ends in .gz), with their line numbers. */
async function* fileLines(file: string): AsyncGenerator<{ text: string; line: number }> {
  const input = file.endsWith('.gz') ? createReadStream(file).pipe(createGunzip()) : createReadStream(file);
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (text.length > 0) yield { text, line };
  }
}

function parseLine(file: string, { text, line }: { text: string; line: number }): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UnreadableFileError(file, line, 'not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UnreadableFileError(file, line, 'not a JSON object');
  }
  return value as Record<string, unknown>;
}

const HEX = /^[0-9a-f]*$/;

/** The lines of a bundle, each checked for the members verification reads. */
export async function* readBundle(file: string): AsyncGenerator<BundleLine> {
  for await (const raw of fileLines(file)) {
    const line = parseLine(file, raw) as Partial<BundleLine>;
    if (!Number.isSafeInteger(line.seq) || typeof line.through !== 'string' || typeof line.after !== 'string') {
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
      const ok =
        typeof leaf?.interactionId === 'string' &&
        Number.isSafeInteger(leaf.interactionNumber) &&
        typeof leaf.createdDate === 'string' &&
        typeof leaf.leafHash === 'string' &&
        leaf.leafHash.length === 64 &&
        HEX.test(leaf.leafHash) &&
        typeof leaf.fieldHints === 'string' &&
        HEX.test(leaf.fieldHints);
      if (!ok) throw new UnreadableFileError(file, raw.line, `checkpoint #${line.seq} holds a malformed leaf`);
    }
    yield line as BundleLine;
  }
}

/** The stored fields of an export line (a list item) or an archive line, as the canonical form reads them. */
function canonicalRowOf(file: string, line: number, value: Record<string, unknown>): CanonicalRow {
  const id = value.interactionId ?? value.id;
  const strings = ['resourceId', 'resourceTypeId', 'actionId', 'originId', 'uowId', 'createdDate'] as const;
  if (typeof id !== 'string' || strings.some((name) => typeof value[name] !== 'string')) {
    throw new UnreadableFileError(file, line, 'not an interaction of an export or an archive');
  }
  return {
    id,
    interactionNumber: value.interactionNumber as number,
    resourceId: value.resourceId as string,
    resourceTypeId: value.resourceTypeId as string,
    actionId: value.actionId as string,
    originId: value.originId as string,
    interaction: (value.interaction ?? null) as CanonicalRow['interaction'],
    externalReference: (value.externalReference ?? null) as string | null,
    externalResponse: (value.externalResponse ?? null) as CanonicalRow['externalResponse'],
    uowId: value.uowId as string,
    userId: (value.userId ?? null) as string | null,
    createdDate: value.createdDate as string,
    interactionTimestamp: (value.interactionTimestamp ?? null) as string | null,
  };
}

interface ExportRow {
  row: CanonicalRow;
  position: FeedPosition;
  line: number;
}

/** The rows of an export made with `order=feed`, each with its position; refuses one in the list's order. */
async function* readFeedExport(file: string): AsyncGenerator<ExportRow> {
  let previous: FeedPosition | null = null;
  for await (const raw of fileLines(file)) {
    const value = parseLine(file, raw);
    if (typeof value.feedCursor !== 'string') {
      throw new UnreadableFileError(
        file,
        raw.line,
        'no feedCursor: export with GET /api/interactions/export?order=feed',
      );
    }
    let position: FeedPosition;
    try {
      position = parseFeedCursor(value.feedCursor, 'feedCursor');
    } catch {
      throw new UnreadableFileError(file, raw.line, `feedCursor ${JSON.stringify(value.feedCursor)} is not a cursor`);
    }
    if (previous && compareFeedPositions(position, previous) < 0) {
      throw new UnreadableFileError(file, raw.line, 'the export is not in feed order (made with order=feed?)');
    }
    previous = position;
    yield { row: canonicalRowOf(file, raw.line, value), position, line: raw.line };
  }
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
  visit: (checkpoint: Checkpoint, leaves: BundleLeaf[]) => Promise<void>,
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
      await visit(checkpoint, line.leaves);
      checked.push(checkpoint);
      expectedSeq = checkpoint.seq + 1;
    }
    previous = checkpoint;
  }
  return { checked };
}

function leafRow(leaf: BundleLeaf) {
  return {
    interactionId: leaf.interactionId,
    interactionNumber: String(leaf.interactionNumber),
    fieldHints: Buffer.from(leaf.fieldHints, 'hex'),
  };
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

  has(number: number): boolean {
    if (!this.sorted) {
      this.numbers = this.numbers.subarray(0, this.size).sort();
      this.sorted = true;
    }
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

/** Rows between two yields to the event loop (the verifier is a CLI, but the tests run it in-process too). */
const SLICE = 2_000;

/**
 * An export in feed order against the bundle: both are in feed order, so one pass over each, holding one checkpoint's
 * leaves at a time. Rows after the last checkpoint are not sealed yet: only checked for reusing a sealed number.
 */
export async function verifyExportFile(options: VerifyFilesOptions & { exportFile: string }): Promise<VerifyReport> {
  const { problems, report } = problemList();
  const rows = readFeedExport(options.exportFile);
  const archives = await ArchiveDirectory.open(options.archiveDir ?? null);
  let pending = await rows.next();
  let rowsChecked = 0;
  let archivedRows = 0;
  let seen = 0;
  const sealedNumbers = new SealedNumbers();
  const advance = async () => {
    seen += 1;
    if (seen % SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    pending = await rows.next();
  };

  const { checked } = await walkBundle(options, report, async (checkpoint, leaves) => {
    const seq = checkpoint.seq;
    const after = positionOfCursor(checkpoint.after);
    const through = positionOfCursor(checkpoint.through);
    const indexById = new Map<string, number>();
    leaves.forEach((leaf, index) => {
      indexById.set(leaf.interactionId, index);
      sealedNumbers.add(leaf.interactionNumber);
    });
    const matched = new Uint8Array(leaves.length);
    let lastIndex = -1;
    let reordered: CanonicalRow | null = null;
    // Rows before the range: a gap left by a missing checkpoint (reported as such) or before `from`.
    while (!pending.done && compareFeedPositions(pending.value.position, after) <= 0) await advance();
    while (!pending.done && compareFeedPositions(pending.value.position, through) <= 0) {
      const { row } = pending.value;
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
        compareRow(row, leafRow(leaves[index]), Buffer.from(leaves[index].leafHash, 'hex'), seq, report);
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
      const row = archive?.rows.get(leaf.interactionId);
      if (row) {
        archivedRows += 1;
        compareRow(row, leafRow(leaf), Buffer.from(leaf.leafHash, 'hex'), seq, report);
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
    for (; !pending.done; await advance()) {
      const { row } = pending.value;
      if (!sealedNumbers.has(Number(row.interactionNumber))) continue;
      report({
        kind: 'row-inserted',
        checkpoint: last.seq,
        interactionId: row.id,
        interactionNumber: Number(row.interactionNumber),
        message: `interaction ${row.id} reuses number ${row.interactionNumber}, which a checkpoint sealed for another row: a forged row`,
      });
    }
  }
  await rows.return(undefined);
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

/** A whole archive's rows by id, read once. */
async function readArchive(file: string): Promise<Map<string, CanonicalRow>> {
  const rows = new Map<string, CanonicalRow>();
  for await (const raw of fileLines(file)) {
    const row = canonicalRowOf(file, raw.line, parseLine(file, raw));
    rows.set(row.id, row);
  }
  return rows;
}

/** The archives of a directory by their manifests' ranges; each read on first need and kept. */
class ArchiveDirectory {
  private readonly loaded = new Map<string, Promise<Map<string, CanonicalRow>>>();

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
  async rowsFor(createdDate: string): Promise<{ file: string; rows: Map<string, CanonicalRow> } | null> {
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
  const { checked } = await walkBundle(options, report, async (checkpoint, leaves) => {
    for (const leaf of leaves) {
      sealedNumbers.add(leaf.interactionNumber);
      const created = Date.parse(leaf.createdDate);
      if (created < start || created >= end) continue;
      const row = archived.get(leaf.interactionId);
      if (!row) {
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
      compareRow(row, leafRow(leaf), Buffer.from(leaf.leafHash, 'hex'), checkpoint.seq, report);
      if (matched.size % SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  });
  for (const row of archived.values()) {
    if (matched.has(row.id) || !sealedNumbers.has(Number(row.interactionNumber))) continue;
    report({
      kind: 'row-inserted',
      checkpoint: checked.at(-1)?.seq ?? 0,
      interactionId: row.id,
      interactionNumber: Number(row.interactionNumber),
      message: `interaction ${row.id} reuses number ${row.interactionNumber}, which a checkpoint sealed for another row: a forged row`,
    });
  }
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
