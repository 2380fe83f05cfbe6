import { AppError } from '../errors/app-error';

/** Defaults and ceiling of one list's page size. */
export interface PagingRules {
  defaultLimit: number;
  /** A larger `limit` is taken as this (not refused), as the REST contract documents. */
  maxLimit: number;
}

/** The interaction list's rules (`GET /api/interactions`, GraphQL `interactions`, exports and feeds of the list). */
export const LIST_PAGING: PagingRules = { defaultLimit: 50, maxLimit: 100 };

/** Where a page sits in the whole list. */
export interface Pagination {
  page: number;
  limit: number;
  total: number;
  totalPages: number;
  hasNext: boolean;
  hasPrev: boolean;
}

/** One page of a list with its position in the whole. */
export interface Page<T> {
  items: T[];
  pagination: Pagination;
}

/** A checked page request. */
export interface PageRequest {
  page: number;
  limit: number;
  /** Rows before the page: `(page - 1) * limit`. */
  offset: number;
}

/** `value` as an integer ≥ 1, or VALIDATION_ERROR naming `field`. */
function positiveInt(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new AppError('VALIDATION_ERROR', `${field} must be an integer ≥ 1`, { field });
  }
  return value;
}

/** Checks page (default 1) and limit (default `defaultLimit`, above `maxLimit` taken as `maxLimit`, below 1 refused). */
export function parsePaging(
  { page, limit }: { page?: number | null; limit?: number | null },
  { defaultLimit, maxLimit }: PagingRules,
): PageRequest {
  const p = positiveInt(page ?? 1, 'page');
  const l = Math.min(positiveInt(limit ?? defaultLimit, 'limit'), maxLimit);
  return { page: p, limit: l, offset: (p - 1) * l };
}

/**
 * parsePaging for a list that also walks with cursors: `cursor` (decoded by `decode`, which owns its format) and
 * `page` exclude each other; after a cursor the page is the cursor's page + 1 and the offset 0 (keyset).
 */
export function parseCursorPaging<C extends { page: number }>(
  { page, limit, cursor }: { page?: number | null; limit?: number | null; cursor?: string | null },
  rules: PagingRules,
  decode: (cursor: string, field: string) => C,
): PageRequest & { after: C | null } {
  if (cursor != null && page != null) {
    throw new AppError('VALIDATION_ERROR', 'cursor and page cannot be combined: a cursor carries its own page', {
      field: 'cursor',
    });
  }
  const after = cursor == null ? null : decode(cursor, 'cursor');
  const request = parsePaging({ page: after ? after.page + 1 : page, limit }, rules);
  return { ...request, offset: after ? 0 : request.offset, after };
}

/** The pagination of a page of `total` matches. */
export function paginationOf(page: number, limit: number, total: number): Pagination {
  const totalPages = Math.ceil(total / limit);
  return { page, limit, total, totalPages, hasNext: page < totalPages, hasPrev: page > 1 };
}
