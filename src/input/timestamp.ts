import { AppError } from '../errors/app-error';
import { parseIsoDateTime } from './calendar';

/**
 * Epoch milliseconds below this (1973-03-03T09:46:40Z) are taken for epoch seconds, which is what such a number
 * almost always is (seconds up to the year 5138): refused with a 400 that says so, rather than stored as a date in
 * 1970. Nobody records interactions that happened before 1973 in milliseconds.
 */
export const MIN_EPOCH_MS = 100_000_000_000;
/** 9999-12-31T23:59:59.999Z: the last instant an ISO-8601 date-time can name with four year digits. */
export const MAX_EPOCH_MS = 253_402_300_799_999;

/**
 * Parses a caller's timestamp: an ISO-8601 date-time with a zone (strict calendar: 30 February is refused) or epoch
 * milliseconds (digits only). A number that can only be epoch seconds is refused with a message saying so.
 */
export function parseTimestamp(value: string, field: string): Date {
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const ms = Number(text);
    if (ms < MIN_EPOCH_MS) {
      throw new AppError(
        'VALIDATION_ERROR',
        `${field} looks like epoch seconds; send epoch milliseconds (${text}000) or an ISO-8601 date-time`,
        { field, unit: 'seconds' },
      );
    }
    if (ms <= MAX_EPOCH_MS) return new Date(ms);
  } else {
    const date = parseIsoDateTime(text);
    if (date && date.getTime() <= MAX_EPOCH_MS) return date;
  }
  throw new AppError(
    'VALIDATION_ERROR',
    `${field} must be an existing ISO-8601 date-time with a zone (2024-01-31T10:00:00Z) or epoch milliseconds`,
    { field },
  );
}
