import { AppError } from '../errors/app-error';

/** Bounds of a text field, in characters (UTF-16 code units, as JavaScript and JSON Schema's maxLength count). */
export interface TextBounds {
  min: number;
  max: number;
}

/**
 * `value` checked for length and for the NUL character, which PostgreSQL cannot store in text: a VALIDATION_ERROR
 * naming `field` either way, before it reaches the database.
 */
export function parseText(value: string, field: string, { min, max }: TextBounds): string {
  if (value.length < min || value.length > max) {
    throw new AppError('VALIDATION_ERROR', `${field} must be ${min} to ${max} characters`, { field });
  }
  return parseNulFree(value, field);
}

/** `value` unless it holds the NUL character, which PostgreSQL cannot store in text (VALIDATION_ERROR naming `field`). */
export function parseNulFree(value: string, field: string): string {
  if (value.includes('\u0000')) {
    throw new AppError('VALIDATION_ERROR', `${field} must not contain the NUL character`, { field });
  }
  return value;
}
