import type { Request } from 'express';
import type { Scope } from '../auth/scopes';
import type { ErrorCode } from '../errors/app-error';

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it). */
export type JsonSchema = Record<string, unknown>;

/** A documented path, query or header parameter of a route. */
export interface RestParam {
  name: string;
  in: 'path' | 'query' | 'header';
  description: string;
  schema: JsonSchema;
  /** Path parameters are always required. */
  required?: boolean;
}

/** What the OpenAPI document says about a route, written once next to it (src/rest/openapi.ts reads it). */
export interface RestRouteDoc {
  /** Scope the API key needs (admin grants all). */
  scope: Scope;
  description?: string;
  params?: RestParam[];
  /** JSON Schema of the request body; the body is required when given. */
  body?: JsonSchema;
  /** JSON Schema of the success response body. */
  response: JsonSchema;
  /** Error codes this route answers besides the ones every route may (401, 403, 429, 500, 503). */
  errors?: ErrorCode[];
}


/**
 * One row of the REST table: a documented route, the GraphQL operation it runs, how the request becomes the
 * operation's variables and how the operation's data becomes the documented JSON.
 */
export interface RestRoute {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** Express path, e.g. `/api/interactions/:id`. Literal routes must come before parameterised siblings. */
  path: string;
  /** One line for people (and the OpenAPI summary). */
  summary: string;
  /** The GraphQL operation, parsed and validated against the schema once at start-up. */
  operation: string;
  /** Request → operation variables; may throw AppError for input GraphQL types cannot check. */
  variables?: (req: Request) => Record<string, unknown>;
  /** Operation data → response body, built field by field. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  present: (data: any, req: Request) => unknown;
  /** Success status, default 200. */
  status?: number;
  /** OpenAPI metadata; test/rest/openapi.test.ts fails for a route without it. */
  doc?: RestRouteDoc;
}
