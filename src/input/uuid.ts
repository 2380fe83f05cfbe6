import { AppError } from '../errors/app-error';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a canonical UUID string of any version. */
export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/** `value` as a lower-cased UUID; VALIDATION_ERROR naming `field` when it is not one. */
export function parseUuid(value: string, field: string): string {
  if (!isUuid(value)) throw new AppError('VALIDATION_ERROR', `${field} must be a UUID`, { field });
  return value.toLowerCase();
}
