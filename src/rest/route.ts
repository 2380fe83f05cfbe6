import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { Response } from 'express';
import type { Scope } from '../auth/scopes';
import type { AppError, ErrorCode } from '../errors/app-error';
import type { GraphQLContext } from '../graphql/context';

/** One problem with a request: the field (a JSON path such as `interactions[3].resourceId`) and what is wrong. */
export interface ValidationIssue {
  field: string;
  message: string;
}

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it). */
export type JsonSchema = Record<string, unknown>;

/** A documented path, query or header parameter of a route; its schema also validates it. */
export interface RestParam {
  name: string;
  in: 'path' | 'query' | 'header';
  description: string;
  schema: JsonSchema;
  /** Path parameters are always required. */
  required?: boolean;
  /** The input field the parameter feeds, named in error details (`x-uowid` → `uowId`); default its name. */
  field?: string;
}

/**
 * A request after authentication, the scope check, body reading and validation against the route's schema: what
 * a route turns into variables. Values have the types their schemas promise (query integers are numbers).
 */
export interface RouteRequest {
  path: Record<string, string>;
  query: Record<string, unknown>;
  /** The route's documented headers, by lower-case name; absent or empty → undefined. */
  headers: Record<string, string | undefined>;
  /** The JSON body (routes with a body schema only). */
  body: unknown;
}

/** What every row of the REST table declares: the route, its documentation, its scope and its input schema. */
interface RouteBase {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** Express path, e.g. `/api/interactions/:id`. Literal routes must come before parameterised siblings. */
  path: string;
  /** One line for people (and the OpenAPI summary). */
  summary: string;
  /** Scope the API key needs (admin grants all), checked before the request is read. */
  scope: Scope;
  description?: string;
  params?: RestParam[];
  /** JSON Schema of the request body, which is then required; it documents and validates the body. */
  body?: JsonSchema;
  /** The largest body accepted (default `config.maxBodyBytes`); `batch`: `config.maxBatchBodyBytes`. */
  bodyLimit?: 'default' | 'batch';
  /** Error codes this route answers besides the ones every route may (401, 403, 429, 500, 503). */
  errors?: ErrorCode[];
}

/**
 * A route answered by a GraphQL operation run in-process against the same schema as /graphql: the request becomes
 * the operation's variables, its data the documented JSON. Both functions are typed by the operation (codegen).
 */
export interface OperationRoute<TData, TVariables> extends RouteBase {
  kind: 'operation';
  /** The operation (src/<domain>/*.operations.graphql → src/generated/graphql.ts), validated once at start-up. */
  operation: TypedDocumentNode<TData, TVariables>;
  variables: (request: RouteRequest) => TVariables;
  /** Operation data → response body; where the operation's aliases already make the documented shape, a selector. */
  present: (data: TData) => unknown;
  /** Success status, default 200. */
  status?: number;
  /** JSON Schema of the success response body. */
  response: JsonSchema;
  /**
   * A body that failed its schema is a VALIDATION_ERROR listing the issues; a route may give a fuller account
   * instead (the batch names every bad item by index, including items that are well-formed but name unknown lookups).
   */
  explainBodyIssues?: (issues: ValidationIssue[], body: unknown, context: GraphQLContext) => Promise<AppError | null>;
}

/**
 * A route whose answer is a stream (an export, a live feed): the handler writes it to `res`, after the same
 * authentication, scope check and validation as any other route. It calls one service function, like an operation.
 */
export interface StreamRoute extends RouteBase {
  kind: 'stream';
  /** The media types it can answer, each with the schema of one record (OpenAPI documentation). */
  produces: Record<string, JsonSchema>;
  handle: (request: RouteRequest, context: GraphQLContext, res: Response) => Promise<void>;
}

/** One row of the REST table. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type RestRoute = OperationRoute<any, any> | StreamRoute;

/** A table row answered by a GraphQL operation; the generics tie `variables` and `present` to the operation. */
export function operationRoute<TData, TVariables>(
  route: Omit<OperationRoute<TData, TVariables>, 'kind'>,
): OperationRoute<TData, TVariables> {
  return { kind: 'operation', ...route };
}

/** A table row answered by a stream. */
export function streamRoute(route: Omit<StreamRoute, 'kind'>): StreamRoute {
  return { kind: 'stream', ...route };
}
