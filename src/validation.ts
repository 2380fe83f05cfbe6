import { AppError } from './errors/app-error';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a canonical UUID string of any version. */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/** Throws VALIDATION_ERROR naming `field` unless `value` is a UUID; returns it lower-cased. */
export function assertUuid(value: string, field: string): string {
  if (!isUuid(value)) throw new AppError('VALIDATION_ERROR', `${field} must be a UUID`, { field });
  return value.toLowerCase();
}

/** Throws VALIDATION_ERROR unless `value` has `min`..`max` characters. */
export function assertLength(value: string, field: string, min: number, max: number): string {
  if (value.length < min || value.length > max) {
    throw new AppError('VALIDATION_ERROR', `${field} must be ${min} to ${max} characters`, { field });
  }
  return value;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Parses an ISO-8601 date (`2024-01-31`, taken as UTC) or date-time with a zone. A date-only value used as an
 * end bound means the end of that UTC day, so the result is the exclusive start of the next day.
 */
export function parseDateBound(value: string, field: string, bound: 'start' | 'end'): { date: Date; exclusive: boolean } {
  const trimmed = value.trim();
  if (ISO_DATE.test(trimmed)) {
    const date = new Date(`${trimmed}T00:00:00.000Z`);
    if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== trimmed) invalidDate(field);
    if (bound === 'end') return { date: new Date(date.getTime() + 86_400_000), exclusive: true };
    return { date, exclusive: false };
  }
  if (ISO_DATE_TIME.test(trimmed)) {
    const date = new Date(trimmed);
    if (!Number.isNaN(date.getTime())) return { date, exclusive: false };
  }
  return invalidDate(field);
}

function invalidDate(field: string): never {
  throw new AppError('VALIDATION_ERROR', `${field} must be an ISO-8601 date (2024-01-31) or date-time (2024-01-31T10:00:00Z)`, {
    field,
  });
}

/** Parses a timestamp given as ISO-8601 date-time or as epoch milliseconds (digits only). */
export function parseTimestamp(value: string, field: string): Date {
  const trimmed = value.trim();
  if (/^\d{1,15}$/.test(trimmed)) return new Date(Number(trimmed));
  if (ISO_DATE_TIME.test(trimmed)) {
    const date = new Date(trimmed);
    if (!Number.isNaN(date.getTime()) && date.getUTCFullYear() >= 1 && date.getUTCFullYear() <= 9999) return date;
  }
  throw new AppError('VALIDATION_ERROR', `${field} must be an ISO-8601 date-time with a zone or epoch milliseconds`, {
    field,
  });
}
