import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import type { SqlExecutor } from '../db/database';
import { AppError } from '../errors/app-error';
import { nextPeriod, type TimeRange } from '../partitions/partition.period';

/** Format name written into every manifest; an import refuses any other. */
export const ARCHIVE_FORMAT = 'interactions-archive/1';

/** What an archive's manifest says about its data file. */
export interface ArchiveManifest {
  format: typeof ARCHIVE_FORMAT;
  /** The data file's name, beside the manifest. */
  file: string;
  /** The partition archived and its range (ISO). */
  partition: string;
  rangeStart: string;
  rangeEnd: string;
  rowCount: number;
  /** Lowest and highest interaction number in the file (null when empty). */
  firstNumber: number | null;
  lastNumber: number | null;
  /** SHA-256 (hex) of the gzip file's bytes. */
  sha256: string;
  createdAt: string;
}

/** One line of an archive: a stored row, column for column. */
export interface ArchiveRow {
  id: string;
  interactionNumber: number;
  resourceId: string;
  resourceTypeId: string;
  actionId: string;
  originId: string;
  interaction: unknown;
  externalReference: string | null;
  externalResponse: unknown;
  uowId: string;
  userId: string | null;
  createdDate: string;
  interactionTimestamp: string | null;
}

const ARCHIVE_CHUNK = 5_000;

/** `interactions-YYYY-MM` for a calendar month's partition, `interactions-YYYY-MM-DD` (its start) for any other. */
export function archiveBaseName(range: TimeRange): string {
  const day = new Date(range.start).toISOString().slice(0, 10);
  const monthly = day.endsWith('-01') && range.end === nextPeriod('month', range.start);
  return `interactions-${monthly ? day.slice(0, 7) : day}`;
}

/** Paths of an archive's data file and manifest. */
export function archivePaths(dir: string, base: string) {
  return { data: path.join(dir, `${base}.ndjson.gz`), manifest: path.join(dir, `${base}.manifest.json`) };
}

/** The rows of one partition table in number order, read in keyset chunks (constant memory). */
async function* partitionRows(sql: SqlExecutor, partition: string): AsyncGenerator<ArchiveRow> {
  let after = -1;
  for (;;) {
    const rows = await sql.query<ArchiveRow & { createdDate: Date; interactionTimestamp: Date | null }>(
      `SELECT id, interaction_number AS "interactionNumber", resource_id AS "resourceId",
         resource_type_id AS "resourceTypeId", action_id AS "actionId", origin_id AS "originId", interaction,
         external_reference AS "externalReference", external_response AS "externalResponse", uow_id AS "uowId",
         user_id AS "userId", created_date AS "createdDate", interaction_timestamp AS "interactionTimestamp"
       FROM ${partition} WHERE interaction_number > $1 ORDER BY interaction_number LIMIT ${ARCHIVE_CHUNK}`,
      [after],
    );
    for (const row of rows) {
      yield {
        ...row,
        createdDate: new Date(row.createdDate).toISOString(),
        interactionTimestamp: row.interactionTimestamp ? new Date(row.interactionTimestamp).toISOString() : null,
      };
    }
    if (rows.length < ARCHIVE_CHUNK) return;
    after = rows[rows.length - 1].interactionNumber;
  }
}

async function fsyncPath(file: string): Promise<void> {
  const handle = await open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Writes `file` through a temporary name: written, fsynced, renamed, directory fsynced. */
async function writeDurably(file: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    await write(tmp);
    await fsyncPath(tmp);
    await rename(tmp, file);
    await fsyncPath(path.dirname(file));
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

export interface WriteArchiveOptions {
  dir: string;
  partition: string;
  range: TimeRange;
}

/**
 * Writes a partition to `dir/interactions-…ndjson.gz` and its manifest (row count, number range, SHA-256), each
 * fsynced and renamed into place, then re-reads the file and checks it against the manifest. Returns the manifest;
 * throws if anything does not match, so the caller never drops a partition whose archive is not whole.
 */
export async function writeArchive(
  sql: SqlExecutor,
  { dir, partition, range }: WriteArchiveOptions,
): Promise<ArchiveManifest> {
  await mkdir(dir, { recursive: true });
  const base = archiveBaseName(range);
  const paths = archivePaths(dir, base);
  let rowCount = 0;
  let firstNumber: number | null = null;
  let lastNumber: number | null = null;
  const hash = createHash('sha256');
  async function* lines() {
    for await (const row of partitionRows(sql, partition)) {
      rowCount += 1;
      firstNumber ??= row.interactionNumber;
      lastNumber = row.interactionNumber;
      yield `${JSON.stringify(row)}\n`;
    }
  }
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
  await writeDurably(paths.data, (tmp) =>
    pipeline(Readable.from(lines()), createGzip(), hashing, createWriteStream(tmp)),
  );
  const manifest: ArchiveManifest = {
    format: ARCHIVE_FORMAT,
    file: path.basename(paths.data),
    partition,
    rangeStart: new Date(range.start).toISOString(),
    rangeEnd: new Date(range.end).toISOString(),
    rowCount,
    firstNumber,
    lastNumber,
    sha256: hash.digest('hex'),
    createdAt: new Date().toISOString(),
  };
  await writeDurably(paths.manifest, async (tmp) => {
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(`${JSON.stringify(manifest, null, 2)}\n`);
    } finally {
      await handle.close();
    }
  });
  await verifyArchive(paths.data, manifest);
  return manifest;
}

/** Reads a manifest; VALIDATION_ERROR when it is not one. */
export async function readManifest(file: string): Promise<ArchiveManifest> {
  const manifest = JSON.parse(await readFile(file, 'utf8')) as ArchiveManifest;
  if (manifest?.format !== ARCHIVE_FORMAT) {
    throw new AppError('VALIDATION_ERROR', `${file} is not an ${ARCHIVE_FORMAT} manifest`);
  }
  return manifest;
}

/** The lines of a gzip NDJSON archive, parsed. */
export async function* readArchiveRows(file: string): AsyncGenerator<ArchiveRow> {
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.length > 0) yield JSON.parse(line) as ArchiveRow;
  }
}

/** SHA-256 (hex) of a file's bytes. */
export async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Re-reads an archive: its bytes must hash to the manifest's SHA-256, and its rows must be the manifest's count and
 * number range. Throws VALIDATION_ERROR naming the first difference.
 */
export async function verifyArchive(file: string, manifest: ArchiveManifest): Promise<void> {
  const sha256 = await fileSha256(file);
  if (sha256 !== manifest.sha256) {
    throw new AppError('VALIDATION_ERROR', `${file}: SHA-256 ${sha256} differs from the manifest's ${manifest.sha256}`);
  }
  let rows = 0;
  let first: number | null = null;
  let last: number | null = null;
  for await (const row of readArchiveRows(file)) {
    rows += 1;
    first ??= row.interactionNumber;
    last = row.interactionNumber;
  }
  if (rows !== manifest.rowCount || first !== manifest.firstNumber || last !== manifest.lastNumber) {
    throw new AppError(
      'VALIDATION_ERROR',
      `${file}: ${rows} rows numbered ${first}–${last}, the manifest says ${manifest.rowCount} numbered ` +
        `${manifest.firstNumber}–${manifest.lastNumber}`,
    );
  }
}
