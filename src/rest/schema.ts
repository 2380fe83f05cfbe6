import type { ErrorCode } from '../errors/app-error';
import type { JsonSchema, RestParam } from './route';

/**
 * The vocabulary of the OpenAPI document's schemas (JSON Schema 2020-12, as OpenAPI 3.1 uses it): each domain
 * declares its component schemas beside its routes (`<domain>.schemas.ts`) with these helpers; routes point at them
 * with `ref('Name')`, and src/rest/openapi.schemas.ts gathers them under `components.schemas`.
 */

/** `{ $ref }` to a component schema. */
export function ref(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

/** The largest GraphQL `Int` (32-bit): page numbers and sizes travel as one. */
export const MAX_INT = 2_147_483_647;

/** A type that may also be null. */
export const nullable = (type: string, extra: JsonSchema = {}): JsonSchema => ({ type: [type, 'null'], ...extra });
export const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
export const uuid: JsonSchema = { type: 'string', format: 'uuid' };
/** Any JSON value (the `interaction` and `externalResponse` payloads). */
export const anyJson: JsonSchema = { description: 'Any JSON value, stored as given.' };

/** An object with exactly these properties, all required (response shapes). */
export function object(properties: Record<string, JsonSchema>, description?: string): JsonSchema {
  return {
    type: 'object',
    ...(description ? { description } : {}),
    properties,
    required: Object.keys(properties),
    additionalProperties: false,
  };
}

export const paginationFields: Record<string, JsonSchema> = {
  page: { type: 'integer', minimum: 1 },
  limit: { type: 'integer', minimum: 1 },
  total: { type: 'integer', minimum: 0 },
  totalPages: { type: 'integer', minimum: 0 },
  hasNext: { type: 'boolean' },
  hasPrev: { type: 'boolean' },
};

/** Every error code, in the order of the Error schema's enum. */
export const ERROR_CODES: readonly ErrorCode[] = [
  'VALIDATION_ERROR',
  'UNKNOWN_LOOKUP',
  'LOOKUP_MISMATCH',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'REQUEST_TIMEOUT',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL',
];

/** Shared parameters. */
export const PARAMS = {
  id: (label: string): RestParam => ({
    name: 'id',
    in: 'path',
    required: true,
    description: `Id of the ${label}.`,
    schema: uuid,
  }),
  uowId: {
    name: 'uowId',
    in: 'path',
    required: true,
    description: 'Unit of work (trace) id.',
    schema: uuid,
  } as RestParam,
  page: {
    name: 'page',
    in: 'query',
    description: 'Page number, from 1 (default 1).',
    schema: { type: 'integer', minimum: 1, maximum: MAX_INT },
  } as RestParam,
  limit: (defaultLimit: number, max: number): RestParam => ({
    name: 'limit',
    in: 'query',
    description: `Page size (default ${defaultLimit}; above ${max} → ${max}).`,
    schema: { type: 'integer', minimum: 1, maximum: MAX_INT },
  }),
  query: (name: string, description: string, schema: JsonSchema = { type: 'string' }): RestParam => ({
    name,
    in: 'query',
    description,
    schema,
  }),
  header: (name: string, description: string, schema: JsonSchema = { type: 'string' }): RestParam => ({
    name,
    in: 'header',
    description,
    schema,
  }),
};
