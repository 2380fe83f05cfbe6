import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { formatFeedCursor } from '../feed/feed.position';
import { asBuffer, type LeafBlock } from './leaf-blocks';
import { digestRowTexts, type SealRange } from './sealed-rows';

/** A slice of a range digested on a worker: its leaf block and its last row's feed position. */
export interface DigestedSlice {
  rowCount: number;
  xid: bigint;
  number: number;
  block: Record<keyof LeafBlock, Uint8Array>;
}

/** Digests a range's row texts: null when one of them was not safe (sealed-rows.ts), as digestRowTexts. */
export interface SealDigester {
  digest(rows: readonly { t: string | null }[]): Promise<SealRange | null>;
  close(): Promise<void>;
}

/** The compiled worker beside this file (dist/); absent when running from the TypeScript sources. */
const WORKER_FILE = path.join(__dirname, 'seal-digest.worker.js');

/** Rows below which a range is digested here: starting a message costs more than it saves. */
const MIN_ROWS_TO_SPLIT = 1_000;

/** digestRowTexts on this thread. */
export const inThreadDigester: SealDigester = { digest: digestRowTexts, close: async () => undefined };

/**
 * A backlog seal's digester (sealAll): each range split into as many slices as there are workers, digested at once on
 * worker threads, the slices' blocks joined in order. Workers exist only when running compiled (dist/) and asked for
 * more than one; otherwise the range is digested on this thread. A worker that fails or stops fails the digests it
 * owed (a range read ahead is then read again the reference way by the seal that uses it, as after any failed
 * digest), and every later range is digested on this thread.
 */
export function sealDigester(
  threads = defaultDigestThreads(),
  /** The worker's script (tests give one that fails). */
  workerFile = WORKER_FILE,
): SealDigester {
  if (threads < 2 || !__filename.endsWith('.js') || !existsSync(workerFile)) return inThreadDigester;
  const workers = Array.from({ length: threads }, () => new Worker(workerFile));
  const waiting = new Map<number, { resolve: (slice: DigestedSlice | null) => void; reject: (error: Error) => void }>();
  let jobs = 0;
  let closing = false;
  // A worker that failed or stopped fails what it owed; every digest after it runs on this thread.
  let broken = false;
  const fail = (error: Error) => {
    broken = true;
    for (const pending of waiting.values()) pending.reject(error);
    waiting.clear();
  };
  for (const worker of workers) {
    worker.unref();
    worker.on('message', (message: { job: number; slice?: DigestedSlice | null; error?: string }) => {
      const pending = waiting.get(message.job);
      waiting.delete(message.job);
      if (message.error !== undefined) pending?.reject(new Error(message.error));
      else pending?.resolve(message.slice ?? null);
    });
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (!closing) fail(new Error(`a seal digest worker stopped (exit code ${code})`));
    });
  }
  const send = (worker: Worker, texts: (string | null)[]) => {
    const job = jobs;
    jobs += 1;
    return new Promise<DigestedSlice | null>((resolve, reject) => {
      waiting.set(job, { resolve, reject });
      worker.postMessage({ job, texts });
    });
  };
  return {
    async digest(rows) {
      if (broken || rows.length < MIN_ROWS_TO_SPLIT) return digestRowTexts(rows);
      const size = Math.ceil(rows.length / workers.length);
      const slices = await Promise.all(
        workers.map((worker, i) =>
          send(
            worker,
            rows.slice(i * size, (i + 1) * size).map((row) => row.t),
          ),
        ),
      );
      if (slices.some((slice) => slice === null)) return null;
      const parts = slices as DigestedSlice[];
      const last = parts[parts.length - 1];
      const join = (name: keyof LeafBlock) => Buffer.concat(parts.map(({ block }) => asBuffer(block[name])));
      const through = { xid: last.xid, number: last.number };
      return {
        rowCount: parts.reduce((sum, part) => sum + part.rowCount, 0),
        through,
        cursor: formatFeedCursor(through),
        block: {
          ids: join('ids'),
          numbers: join('numbers'),
          createdDates: join('createdDates'),
          leafHashes: join('leafHashes'),
          fieldHints: join('fieldHints'),
        },
      };
    },
    async close() {
      closing = true;
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

/** One digest thread per core, at most 4 (the offline verifier's rule); none on one core. */
function defaultDigestThreads(): number {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return cores > 1 ? Math.min(cores, 4) : 0;
}
