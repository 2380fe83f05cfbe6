import type { Request } from 'express';

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
}
