import { AppError } from '../errors/app-error';

/**
 * A position in the interaction list (newest first): the sort key of the last row a client has seen, and the page
 * number of the walk that row ended. Clients see it only as an opaque base64url string; they send the filters again
 * with it. It is not signed: it names nothing but a position, and any position is a legal question over the
 * caller's own filters, so a forged one reveals nothing the list would not.
 */
export interface InteractionCursor {
  /** created_date of the last row seen (ISO-8601, milliseconds, UTC: the column is timestamptz(3), so exact). */
  createdDate: string;
  /** interaction_number of that row: splits rows that share a created_date (a batch insert gives all one). */
  interactionNumber: number;
  /** Page of the walk that row ended; the page after the cursor is `page + 1`. */
  page: number;
}

/** Longest cursor accepted; real ones are about 70 characters. */
export const MAX_CURSOR_LENGTH = 200;
/** GraphQL `Int` is 32-bit and the next page is `page + 1`. */
const MAX_PAGE = 2_147_483_646;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The opaque string of a position. */
export function encodeCursor({ createdDate, interactionNumber, page }: InteractionCursor): string {
  return Buffer.from(JSON.stringify({ d: createdDate, n: interactionNumber, p: page })).toString('base64url');
}

/** The cursor after `row`, which ended page `page` of a walk. */
export function cursorAfter(row: { createdDate: Date; interactionNumber: number }, page: number): string {
  return encodeCursor({ createdDate: row.createdDate.toISOString(), interactionNumber: row.interactionNumber, page });
}

/** Parses a cursor; anything that is not one this service made (garbage, wrong JSON, wrong types) → VALIDATION_ERROR. */
export function decodeCursor(value: string, field = 'cursor'): InteractionCursor {
  const invalid = (): never => {
    throw new AppError('VALIDATION_ERROR', `${field} is not a cursor returned by this API`, { field });
  };
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_CURSOR_LENGTH || !BASE64URL.test(value))
    invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    return invalid();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return invalid();
  const { d, n, p, ...rest } = parsed as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return invalid();
  if (typeof d !== 'string' || !ISO_MS.test(d)) return invalid();
  const date = new Date(d);
  if (Number.isNaN(date.getTime()) || date.toISOString() !== d) return invalid();
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) return invalid();
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 1 || p > MAX_PAGE) return invalid();
  return { createdDate: d, interactionNumber: n, page: p };
}
