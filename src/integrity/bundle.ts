import type { SqlExecutor } from '../db/database';
import { readCheckpoints, type Checkpoint } from './checkpoint';
import { leafRows, readLeafBlock } from './leaf-blocks';

/**
 * The checkpoints with their leaves, as the offline verifier reads them beside an export or an archive
 * (docs/integrity.md, "Verifying files"): `GET /api/integrity/checkpoints/export`, one checkpoint a line.
 */

/** One sealed leaf: which row, and what it hashed to when it was sealed. */
export interface BundleLeaf {
  interactionId: string;
  interactionNumber: number;
  /** UTC, milliseconds: which partition (and so which archive) the row lives in. */
  createdDate: string;
  /** SHA-256 leaf hash, hex. */
  leafHash: string;
  /** Field hints, hex (docs/integrity.md, "Field hints"). */
  fieldHints: string;
}

/** One line of a bundle: a checkpoint as the API answers it, with its leaves in tree order. */
export type BundleLine = Omit<Checkpoint, 'format'> & { leaves: BundleLeaf[] };

/** Checkpoints read per statement of a bundle. */
const BUNDLE_PAGE = 20;

/**
 * The checkpoints with seq in [from, to] (default all), oldest first, each with its leaves, read a page of
 * checkpoints at a time and each checkpoint's leaves in one statement: memory holds one page whatever the log's size,
 * and the next page is read only when the consumer has taken the previous one.
 */
export async function* sealBundle(
  sql: SqlExecutor,
  { from = 1, to = Number.MAX_SAFE_INTEGER }: { from?: number; to?: number } = {},
): AsyncGenerator<BundleLine> {
  let next = from;
  while (next <= to) {
    const page = await readCheckpoints(sql, { from: next, to, limit: BUNDLE_PAGE });
    for (const { format: _format, ...checkpoint } of page) {
      const block = await readLeafBlock(sql, checkpoint.seq);
      yield {
        ...checkpoint,
        leaves: (block ? leafRows(block) : []).map((leaf) => ({
          interactionId: leaf.interactionId,
          interactionNumber: Number(leaf.interactionNumber),
          createdDate: leaf.createdDate.toISOString(),
          leafHash: leaf.leafHash.toString('hex'),
          fieldHints: leaf.fieldHints.toString('hex'),
        })),
      };
    }
    if (page.length < BUNDLE_PAGE) return;
    next = page[page.length - 1].seq + 1;
  }
}

/** A bundle as NDJSON text, one checkpoint a line (pull-driven: wrap it in `Readable.from` for backpressure). */
export async function* sealBundleText(sql: SqlExecutor, range: { from?: number; to?: number }): AsyncGenerator<string> {
  for await (const line of sealBundle(sql, range)) yield `${JSON.stringify(line)}\n`;
}
