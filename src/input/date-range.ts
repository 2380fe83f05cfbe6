import { AppError } from '../errors/app-error';
import { invalidDate, parseIsoDate, parseIsoDateTime } from './calendar';

const DAY_MS = 86_400_000;

/** A date range as callers send it: each bound an ISO date or date-time, either optional. */
export interface DateRangeInput {
  /** On or after: an ISO date (that day's UTC midnight) or date-time with a zone. */
  startDate?: string | null;
  /** On or before: an ISO date-time, or an ISO date meaning that whole UTC day. */
  endDate?: string | null;
}

/**
 * A checked range as half-open instants `[start, end)` in epoch milliseconds, `null` for an open side. An inclusive
 * date-time end `e` becomes `e + 1 ms` (timestamps have millisecond precision), a date-only end the next UTC
 * midnight, so every consumer compares the same way: `created_date >= start AND created_date < end`.
 */
export interface DateRange {
  start: number | null;
  end: number | null;
  /** The end as the caller gave it was a date only (the whole UTC day): the timeline aligns its last bucket by it. */
  endIsDate: boolean;
}

/** One bound: a strict ISO date or date-time (VALIDATION_ERROR naming the field otherwise). */
function parseBound(value: string, field: string): { instant: number; isDate: boolean } {
  const text = value.trim();
  const date = parseIsoDate(text);
  if (date) return { instant: date.getTime(), isDate: true };
  const dateTime = parseIsoDateTime(text);
  if (dateTime) return { instant: dateTime.getTime(), isDate: false };
  throw invalidDate(field);
}

/**
 * Parses and checks `startDate`/`endDate`, the one rule every route, resolver and service applies to a date range:
 * strict calendar dates, a date-only end covering its whole UTC day, and a start not after the end (an empty range
 * is a VALIDATION_ERROR naming `startDate`, never an empty answer).
 */
export function parseDateRange({ startDate, endDate }: DateRangeInput): DateRange {
  const start = startDate == null || startDate === '' ? null : parseBound(startDate, 'startDate');
  const end = endDate == null || endDate === '' ? null : parseBound(endDate, 'endDate');
  const endExclusive = end === null ? null : end.isDate ? end.instant + DAY_MS : end.instant + 1;
  if (start !== null && endExclusive !== null && start.instant >= endExclusive) {
    throw new AppError('VALIDATION_ERROR', 'startDate must not be after endDate', { field: 'startDate' });
  }
  return { start: start?.instant ?? null, end: endExclusive, endIsDate: end?.isDate ?? false };
}
