import type { Request, RequestHandler, Response } from 'express';
import { validate, type GraphQLError, type GraphQLSchema } from 'graphql';
import { requireScope } from '../auth/scopes';
import type { Config } from '../config';
import { asAppError } from '../db/errors';
import { AppError, errorBody, httpStatusFor, retryAfterSeconds } from '../errors/app-error';
import type { GraphQLContext } from '../graphql/context';
import type { Executor } from '../graphql/executor';
import { toAppError } from '../graphql/errors';
import { authorizeOperation, chargeOperation, planOperation } from '../graphql/operation-plan';
import { weakEtagOf } from '../crypto/hash';
import { bodyDepthLimit, readJsonBody, type BodyBudget } from './body';
import { routeTable, type TableRoute } from './dispatch';
import type { RestRoute } from './route';
import { compileRouteValidator, validationError, type ValidationIssue } from './validate';

/** Sends an AppError as the documented REST error body with its status. */
export function sendError(res: Response, error: AppError): void {
  const retryAfter = retryAfterSeconds(error);
  if (retryAfter !== null) res.setHeader('retry-after', String(retryAfter));
  res.status(httpStatusFor(error.code)).json(errorBody(error));
}

/**
 * The AppError of a GraphQL error met by a REST route. The request was validated against the route's schema first,
 * so GraphQL's own errors about variables should not happen; if one does, its text (which names GraphQL variables
 * and types) never reaches the client: only the field it concerns.
 */
function restErrorOf(error: GraphQLError): AppError {
  const appError = toAppError(error);
  if (error.originalError instanceof AppError || appError.code !== 'VALIDATION_ERROR') return appError;
  const at = /at "[^".]+\.([^"]+)"/.exec(error.message)?.[1] ?? /\$([A-Za-z0-9_]+)/.exec(error.message)?.[1];
  // Every 400 names a field; when GraphQL's text does not say which, the request as a whole is the honest answer.
  return new AppError(
    'VALIDATION_ERROR',
    at ? `${at} has the wrong type` : 'A value of the request has the wrong type',
    {
      field: at ?? 'request',
    },
  );
}

export interface RestRouterOptions {
  schema: GraphQLSchema;
  /** Runs the routes' operations, as it runs /graphql's. */
  executor: Executor;
  routes: readonly RestRoute[];
  config: Pick<Config, 'maxBodyBytes' | 'maxBatchBodyBytes' | 'maxJsonDepth' | 'graphqlMaxCost'>;
  contextFor: (req: Request) => GraphQLContext;
  onInternalError: (error: unknown, req: Request) => void;
  /** The process's budget of request-body bytes held at once (shared with POST /graphql). */
  bodyBudget: BodyBudget;
}

/**
 * The REST table as one middleware to mount at /api (src/rest/dispatch.ts). Every route, in this order: the key's
 * scope (the key itself was authenticated for /api/* before), its parameters against their documented schemas, then —
 * only now — the body is read and checked against the route's body schema, and the route's operation runs in-process
 * against the same schema as /graphql (or its stream handler writes the answer). REST and GraphQL share resolvers,
 * validation and authorisation.
 */
export function createRestRouter({
  schema,
  executor,
  routes,
  config,
  contextFor,
  onInternalError,
  bodyBudget,
}: RestRouterOptions): RequestHandler {
  const table: TableRoute[] = [];
  for (const route of routes) {
    const name = `${route.method.toUpperCase()} ${route.path}`;
    if (route.kind === 'operation') {
      const problems = validate(schema, route.operation);
      if (problems.length > 0) throw new Error(`REST route ${name}: ${problems.map((p) => p.message).join('; ')}`);
    }
    const validator = compileRouteValidator(route);
    const limit = route.bodyLimit === 'batch' ? config.maxBatchBodyBytes : config.maxBodyBytes;
    const maxDepth = bodyDepthLimit(config.maxJsonDepth);

    if (!route.path.startsWith('/api/')) throw new Error(`REST route ${name}: its path must start with /api/`);
    // The table is mounted at /api (app.ts).
    const handle = async (req: Request, res: Response) => {
      try {
        requireScope(req.principal ?? null, route.scope);
        const params = validator.params({
          path: req.params as Record<string, string>,
          query: req.query,
          headers: req.headers,
        });
        let body: unknown;
        if (route.body) {
          body = await readJsonBody(req, res, { limit, maxDepth, budget: bodyBudget });
          if (typeof body !== 'object' || body === null || Array.isArray(body)) {
            throw new AppError(
              'VALIDATION_ERROR',
              'The request body must be a JSON object (Content-Type: application/json)',
              { field: 'body' },
            );
          }
        }
        const context = contextFor(req);
        const issues = validator.body(body);
        if (issues.length > 0) throw await bodyError(route, issues, body, context);
        const request = { ...params, body };
        if (route.kind === 'stream') {
          await route.handle(request, context, res);
          return;
        }
        const variableValues = withoutUndefined(route.variables(request)) as Record<string, unknown>;
        // The same plan as /graphql: every scope the operation needs, its cost, its rate-limit units.
        const plan = planOperation(schema, route.operation, undefined, variableValues);
        await chargeOperation(authorizeOperation(plan, context.principal, config.graphqlMaxCost), context);
        const result = await executor({ document: route.operation, variableValues, contextValue: context });
        if (result.errors?.length) {
          const error = restErrorOf(result.errors[0]);
          if (error.code === 'INTERNAL') onInternalError(result.errors[0].originalError ?? result.errors[0], req);
          sendError(res, error);
          return;
        }
        sendAnswer(req, res, route.status ?? 200, route.present(result.data));
      } catch (error) {
        const appError = asAppError(error);
        if (appError.code === 'INTERNAL') onInternalError(error, req);
        if (res.headersSent) res.destroy();
        else sendError(res, appError);
      }
    };
    table.push({ method: route.method, path: route.path.slice('/api'.length), label: route.path, handle });
  }
  return routeTable(table);
}

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * A route's answer as JSON, with the headers `res.json` sends, in one write: `Content-Type`, `Content-Length` and,
 * for a read, Express's weak ETag, answered 304 with no body when the client's `If-None-Match` holds it (Express's
 * own freshness check). A write's answer is never revalidated, so it gets no ETag. `res.json` would find the
 * content type by name twice, parse and format it to add the charset, and copy the body into a buffer to hash it.
 */
export function sendAnswer(req: Request, res: Response, status: number, answer: unknown): void {
  const body = JSON.stringify(answer);
  const length = Buffer.byteLength(body, 'utf8');
  res.statusCode = status;
  res.setHeader('content-type', JSON_CONTENT_TYPE);
  const read = req.method === 'GET' || req.method === 'HEAD';
  if (read) {
    res.setHeader('etag', weakEtagOf(body, length));
    const { 'if-none-match': ifNoneMatch, 'if-modified-since': ifModifiedSince } = req.headers;
    if ((ifNoneMatch !== undefined || ifModifiedSince !== undefined) && req.fresh) {
      res.statusCode = 304;
      res.removeHeader('content-type');
      res.end();
      return;
    }
  }
  res.setHeader('content-length', length);
  if (req.method === 'HEAD') res.end();
  else res.end(body);
}

/**
 * `value` as JSON would carry it: object keys whose value is undefined removed, in place (the routes' variables are
 * made per request). graphql-js takes an undefined variable or field as not given and graphql-jit as null; a request
 * must mean the same whichever runs it (an idempotent retry hashes what it was given).
 */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) {
    for (const item of value) withoutUndefined(item);
  } else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (record[key] === undefined) delete record[key];
      else withoutUndefined(record[key]);
    }
  }
  return value;
}

/** The error of a body that failed its schema: the route's own account of it when it has one, else the issues. */
async function bodyError(
  route: RestRoute,
  issues: ValidationIssue[],
  body: unknown,
  context: GraphQLContext,
): Promise<AppError> {
  if (route.kind === 'operation' && route.explainBodyIssues) {
    const explained = await route.explainBodyIssues(issues, body, context);
    if (explained) return explained;
  }
  return validationError(issues);
}
