import { createReadStream, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { createGunzip } from 'node:zlib';
import { positionOfCursor } from './checkpoint';
import { digestBatch, parseObjectLine, type DigestBatch } from './digest-lines';
import { asBuffer } from './leaf-blocks';

/**
 * Reading the files the offline verifier checks (verify-files.ts): a bundle's lines as text, and the rows of an
 * export or an archive digested on worker threads, a chunk of lines at a time, with the file and line of anything
 * that cannot be read.
 */

/** A file line that is not what its format says: the verifier cannot go on (exit 3, naming file and line). */
export class UnreadableFileError extends Error {
  constructor(file: string, line: number, reason: string) {
    super(line > 0 ? `${file}, line ${line}: ${reason}` : `${file}: ${reason}`);
    this.name = 'UnreadableFileError';
  }
}

/** The longest line read (a bundle line of 10,000 leaves is ~2.7 MB). */
const MAX_LINE_CHARS = 256 * 2 ** 20;

/**
 * A file's bytes, gunzipped when its name ends in .gz. Errors of the file (missing, unreadable) come out of the
 * returned stream either way, so that they end the run like any other (exit 3), not as an unhandled event.
 */
function openText(file: string, chunkBytes = 64 * 1024): NodeJS.ReadableStream & AsyncIterable<Buffer | string> {
  const source = createReadStream(file, { highWaterMark: chunkBytes });
  if (!file.endsWith('.gz')) return source;
  const gunzip = createGunzip({ chunkSize: chunkBytes });
  source.on('error', (error) => gunzip.destroy(error));
  return source.pipe(gunzip);
}

/**
 * The non-empty lines of a text file (gunzipped when it ends in .gz), with their line numbers. The file is read a
 * chunk at a time as lines are taken (backpressure), so memory holds a chunk and the longest line, whatever the size.
 */
export async function* fileLines(file: string): AsyncGenerator<{ text: string; line: number }> {
  const input = openText(file);
  input.setEncoding('utf8');
  // The pieces of a line that spans chunks: joined once its end comes (a bundle line can be megabytes long).
  let pieces: string[] = [];
  let pending = 0;
  let line = 0;
  const take = (last: string): string => {
    pieces.push(last);
    const text = pieces.length === 1 ? last : pieces.join('');
    pieces = [];
    pending = 0;
    line += 1;
    return text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text;
  };
  for await (const chunk of input as AsyncIterable<string>) {
    let start = 0;
    for (let end = chunk.indexOf('\n'); end !== -1; end = chunk.indexOf('\n', start)) {
      const text = take(chunk.slice(start, end));
      if (text.length > 0) yield { text, line };
      start = end + 1;
    }
    if (start < chunk.length) {
      pieces.push(chunk.slice(start));
      pending += chunk.length - start;
      if (pending > MAX_LINE_CHARS) throw new UnreadableFileError(file, line + 1, 'a line longer than 256 MB');
    }
  }
  if (pieces.length > 0) {
    const text = take('');
    if (text.length > 0) yield { text, line };
  }
}

export function parseLine(file: string, { text, line }: { text: string; line: number }): Record<string, unknown> {
  const value = parseObjectLine(text);
  if (typeof value === 'string') throw new UnreadableFileError(file, line, value);
  return value;
}

/** Bytes read at a time, and digested per message to a worker (cut at the chunk's last line break). */
const CHUNK_BYTES = 1 << 20;

/** The compiled worker beside this file (dist/); absent when running from the TypeScript sources (tests). */
const WORKER_FILE = path.join(__dirname, 'digest.worker.js');

/** Worker threads for digesting: one per core, at most 4; none from the sources, or on a single core. */
function workerCount(): number {
  if (!__filename.endsWith('.js') || !existsSync(WORKER_FILE)) return 0;
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return cores > 1 ? Math.min(cores, 4) : 0;
}

/** A row of a file as verification compares it (digest-lines.ts): its digests are at `index` in its batch's buffers. */
export interface FileRow {
  id: string;
  interactionNumber: number;
  /** Its feedCursor's position (transaction id as a decimal string); null without a cursor, xid '' if not one. */
  position: FilePosition | null;
  leaves: Buffer;
  hints: Buffer;
  index: number;
  line: number;
}

/** A feed position with the transaction id as a decimal string (no BigInt per row). */
export interface FilePosition {
  xid: string;
  number: number;
}

export function filePosition(cursor: string): FilePosition {
  const { xid, number } = positionOfCursor(cursor);
  return { xid: xid.toString(), number };
}

/** Feed order of two positions whose ids are decimals without leading zeros. */
export function comparePositions(a: FilePosition, b: FilePosition): number {
  if (a.xid.length !== b.xid.length) return a.xid.length - b.xid.length;
  if (a.xid !== b.xid) return a.xid < b.xid ? -1 : 1;
  return a.number - b.number;
}

/** Whole-line chunks of a file (gunzipped when it ends in .gz): each ends at a line break, except perhaps the last. */
/** A copy of `bytes` in memory of its own (never Buffer's shared pool): safe to transfer to a worker. */
function ownedCopy(bytes: Buffer): Uint8Array<ArrayBuffer> {
  const copy = new Uint8Array(new ArrayBuffer(bytes.length));
  copy.set(bytes);
  return copy;
}

async function* lineChunks(file: string): AsyncGenerator<Uint8Array<ArrayBuffer>> {
  // Bytes after the last line break so far, in pieces (joined once: a line may span many chunks).
  let rest: Buffer[] = [];
  let restBytes = 0;
  for await (const chunk of openText(file, CHUNK_BYTES) as AsyncIterable<Buffer>) {
    const end = chunk.lastIndexOf(10);
    if (end === -1) {
      rest.push(chunk);
      restBytes += chunk.length;
      if (restBytes > MAX_LINE_CHARS) throw new UnreadableFileError(file, 0, 'a line longer than 256 MB');
      continue;
    }
    yield ownedCopy(restBytes > 0 ? Buffer.concat([...rest, chunk.subarray(0, end + 1)]) : chunk.subarray(0, end + 1));
    rest = end + 1 < chunk.length ? [chunk.subarray(end + 1)] : [];
    restBytes = chunk.length - end - 1;
  }
  if (restBytes > 0) yield ownedCopy(Buffer.concat(rest));
}

/**
 * Each row of `file` digested, in file order. Parsing and hashing are the verifier's whole cost, so they run on worker
 * threads, a chunk of lines each (decoded, split and digested there), with at most two chunks per worker in flight:
 * memory stays bounded, and this thread only reads bytes and merges. Without workers, the same in this thread.
 */
export async function* digestedRows(file: string): AsyncGenerator<FileRow[]> {
  const count = workerCount();
  const workers = Array.from({ length: count }, () => new Worker(WORKER_FILE));
  const waiting = new Map<number, { resolve: (digested: DigestBatch) => void; reject: (error: Error) => void }>();
  for (const worker of workers) {
    worker.on('message', ({ batch, digested }: { batch: number; digested: DigestBatch }) => {
      waiting.get(batch)?.resolve(digested);
      waiting.delete(batch);
    });
    // A worker that fails, or stops, fails every batch it still owes and every batch sent after.
    const fail = (error: Error) => {
      failure ??= error;
      for (const pending of waiting.values()) pending.reject(error);
      waiting.clear();
    };
    worker.on('error', fail);
    worker.on('messageerror', fail);
    worker.on('exit', (code) => {
      if (!closing) fail(new Error(`a digest worker stopped (exit code ${code})`));
    });
  }
  const inFlight: Promise<DigestBatch>[] = [];
  let sent = 0;
  let failure: Error | null = null;
  let closing = false;
  const send = (bytes: Uint8Array<ArrayBuffer>) => {
    const batch = sent;
    sent += 1;
    if (count === 0) {
      inFlight.push(Promise.resolve(digestBatch(bytes)));
      return;
    }
    if (failure) throw failure;
    const digested = new Promise<DigestBatch>((resolve, reject) => waiting.set(batch, { resolve, reject }));
    digested.catch(() => undefined);
    workers[batch % count].postMessage({ batch, bytes }, [bytes.buffer]);
    inFlight.push(digested);
  };
  let lineBase = 0;
  const rowsOf = (digested: DigestBatch): { rows: FileRow[]; error: UnreadableFileError | null } => {
    const leaves = asBuffer(digested.leaves);
    const hints = asBuffer(digested.hints);
    const rows: FileRow[] = [];
    for (let i = 0; i < digested.ids.length; i += 1) {
      const xid = digested.cursorXids[i];
      rows.push({
        id: digested.ids[i],
        interactionNumber: digested.interactionNumbers[i],
        position: xid === null ? null : { xid, number: digested.cursorNumbers[i] },
        leaves,
        hints,
        index: i,
        line: lineBase + digested.lineOffsets[i],
      });
    }
    const { error } = digested;
    const unreadable = error && new UnreadableFileError(file, lineBase + error.lineOffset, error.message);
    lineBase += digested.lines;
    return { rows, error: unreadable };
  };
  // The rows before an unreadable line are checked first; asking for more then throws.
  async function* take(digested: Promise<DigestBatch>) {
    const { rows, error } = rowsOf(await digested);
    yield rows;
    if (error) throw error;
  }
  try {
    for await (const bytes of lineChunks(file)) {
      send(bytes);
      while (inFlight.length >= Math.max(1, count * 2)) yield* take(inFlight.shift()!);
    }
    while (inFlight.length > 0) yield* take(inFlight.shift()!);
  } finally {
    closing = true;
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
