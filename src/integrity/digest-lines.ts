// One line of an export or an archive, reduced to what verification compares: which row, where it is in the feed
// (exports in feed order), its leaf hash and field hints. Plain data, so that a worker thread can make it
// (verify-files.ts, digest.worker.ts).
import { FEED_CURSOR_PATTERN } from '../feed/feed.position';
import { rowDigest, type CanonicalRow } from './canonical';
import { asBuffer, HASH_BYTES, HINTS_PER_LEAF } from './leaf-blocks';

const STRING_FIELDS = ['resourceId', 'resourceTypeId', 'actionId', 'originId', 'uowId', 'createdDate'] as const;

/** The stored fields of an export line (a list item) or an archive line, as the canonical form reads them. */
export function canonicalRowOf(value: Record<string, unknown>): CanonicalRow | string {
  const id = value.interactionId ?? value.id;
  if (typeof id !== 'string' || STRING_FIELDS.some((name) => typeof value[name] !== 'string')) {
    return 'not an interaction of an export or an archive';
  }
  if (!Number.isSafeInteger(value.interactionNumber)) return 'interactionNumber is not an integer';
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

/** Parses a line as a JSON object (the error's text when it is not one). */
export function parseObjectLine(text: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : 'not a JSON object';
}

/**
 * Many lines digested at once, in columns rather than one object a row, so that a worker thread hands them back in a
 * few transferable buffers and arrays instead of a million small objects.
 */
export interface DigestBatch {
  /** Line breaks in the batch: every line, empty or not (the next batch's first line follows). */
  lines: number;
  ids: string[];
  interactionNumbers: number[];
  /**
   * Each row's feedCursor: its transaction id as a decimal without leading zeros (null: no cursor; '': not a cursor),
   * and its number.
   */
  cursorXids: (string | null)[];
  cursorNumbers: number[];
  /** Line of each row, from 1 at the batch's first line. */
  lineOffsets: number[];
  /** HASH_BYTES per row, then HINTS_PER_LEAF per row (as a leaf block holds them). */
  leaves: Uint8Array;
  hints: Uint8Array;
  /** The first line that could not be read (the rows before it are digested; none after it). */
  error: { lineOffset: number; message: string } | null;
}

/** Digests every line of `bytes` (UTF-8, whole lines). */
export function digestBatch(bytes: Uint8Array): DigestBatch {
  const text = asBuffer(bytes).toString('utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const batch: DigestBatch = {
    lines: lines.length,
    ids: [],
    interactionNumbers: [],
    cursorXids: [],
    cursorNumbers: [],
    lineOffsets: [],
    leaves: new Uint8Array(0),
    hints: new Uint8Array(0),
    error: null,
  };
  const leaves = Buffer.allocUnsafe(lines.length * HASH_BYTES);
  const hints = Buffer.allocUnsafe(lines.length * HINTS_PER_LEAF);
  let rows = 0;
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i].charCodeAt(lines[i].length - 1) === 13 ? lines[i].slice(0, -1) : lines[i];
    if (line.length === 0) continue;
    const value = parseObjectLine(line);
    const row = typeof value === 'string' ? value : canonicalRowOf(value);
    if (typeof row === 'string') {
      batch.error = { lineOffset: i + 1, message: row };
      break;
    }
    let digest: { leaf: Buffer; hints: Buffer };
    try {
      digest = rowDigest(row);
    } catch (error) {
      batch.error = { lineOffset: i + 1, message: (error as Error).message };
      break;
    }
    const cursor = (value as Record<string, unknown>).feedCursor;
    const match =
      typeof cursor === 'string' ? (cursor === '0' ? ['0', '0', '0'] : FEED_CURSOR_PATTERN.exec(cursor)) : null;
    batch.ids.push(row.id);
    batch.interactionNumbers.push(row.interactionNumber);
    batch.cursorXids.push(typeof cursor !== 'string' ? null : match ? BigInt(match[1]).toString() : '');
    batch.cursorNumbers.push(match ? Number(match[2]) : 0);
    batch.lineOffsets.push(i + 1);
    digest.leaf.copy(leaves, rows * HASH_BYTES);
    digest.hints.copy(hints, rows * HINTS_PER_LEAF);
    rows += 1;
  }
  batch.leaves = leaves.subarray(0, rows * HASH_BYTES);
  batch.hints = hints.subarray(0, rows * HINTS_PER_LEAF);
  return batch;
}
