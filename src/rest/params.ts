import type { Request } from 'express';
import { AppError } from '../errors/app-error';

/** A single query-string value, or `undefined`; a repeated or nested parameter is a VALIDATION_ERROR. */
export function queryString(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw new AppError('VALIDATION_ERROR', `${name} must be given once, as a plain value`, { field: name });
  }
  return value;
}

/** A query-string integer, or `undefined`; anything but an integer is a VALIDATION_ERROR. */
export function queryInt(req: Request, name: string): number | undefined {
  const value = queryString(req, name);
  if (value === undefined) return undefined;
  if (!/^-?\d{1,15}$/.test(value.trim())) {
    throw new AppError('VALIDATION_ERROR', `${name} must be an integer`, { field: name });
  }
  return Number(value);
}

/** A single header value, or `undefined` when absent or empty. */
export function header(req: Request, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  const text = Array.isArray(value) ? value.join(',') : value;
  return text === undefined || text === '' ? undefined : text;
}

/** The JSON body as an object; anything else (array, string, nothing) is a VALIDATION_ERROR. */
export function bodyObject(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AppError('VALIDATION_ERROR', 'The request body must be a JSON object (Content-Type: application/json)');
  }
  return body as Record<string, unknown>;
}

/** The value of route parameter `name`. */
export function pathParam(req: Request, name: string): string {
  const value = req.params[name];
  return Array.isArray(value) ? value.join('/') : String(value);
}
