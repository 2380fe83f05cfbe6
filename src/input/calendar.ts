import { AppError } from '../errors/app-error';

/**
 * Strict ISO-8601 calendar parsing, shared by the date range and the timestamp parsers. `new Date()` alone rolls
 * 30 February over to 2 March and accepts hour 24; here every component is checked against the calendar first.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|([+-])(\d{2}):?(\d{2}))$/i;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function validDay(year: number, month: number, day: number): boolean {
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Midnight UTC of an ISO calendar date (`2024-01-31`), or null when the text is not one (or no such day). */
export function parseIsoDate(text: string): Date | null {
  const match = DATE.exec(text);
  if (!match) return null;
  const [year, month, day] = match.slice(1, 4).map(Number);
  if (!validDay(year, month, day)) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  date.setUTCFullYear(year);
  return date;
}

/**
 * The instant of an ISO-8601 date-time with a zone (`Z` or `±hh:mm`), or null when the text is not one or names a
 * time that does not exist (30 February, 24:00, minute 60, an offset beyond ±23:59). Fractions beyond
 * milliseconds are truncated (timestamps are stored with millisecond precision).
 */
export function parseIsoDateTime(text: string): Date | null {
  const match = DATE_TIME.exec(text);
  if (!match) return null;
  const [year, month, day, hour, minute] = match.slice(1, 6).map(Number);
  const second = match[6] === undefined ? 0 : Number(match[6]);
  const millis = match[7] === undefined ? 0 : Math.floor(Number(`0${match[7]}`) * 1000);
  if (!validDay(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (match[8].toUpperCase() !== 'Z') {
    const offsetHours = Number(match[10]);
    const offsetMins = Number(match[11]);
    if (offsetHours > 23 || offsetMins > 59) return null;
    offsetMinutes = (match[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute - offsetMinutes, second, millis);
  return utc;
}

/** The VALIDATION_ERROR of a date parameter that is not an ISO date or date-time, naming the field. */
export function invalidDate(field: string): AppError {
  return new AppError(
    'VALIDATION_ERROR',
    `${field} must be an existing ISO-8601 date (2024-01-31) or date-time with a zone (2024-01-31T10:00:00Z)`,
    { field },
  );
}
