import { Router, type Request, type Response } from 'express';
import { execute, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { errorBody, httpStatusFor, retryAfterSeconds, type AppError } from '../errors/app-error';
import type { GraphQLContext } from '../graphql/context';
import { asAppError, toAppError } from '../graphql/errors';
import { requireScope } from '../auth/scopes';
import type { RestRoute } from './route';

/** Sends an AppError as the documented REST error body with its status. */
export function sendError(res: Response, error: AppError): void {
  const retryAfter = retryAfterSeconds(error);
  if (retryAfter !== null) res.setHeader('retry-after', String(retryAfter));
  res.status(httpStatusFor(error.code)).json(errorBody(error));
}

/**
 * Mounts the REST table: each route runs its pre-parsed GraphQL operation in-process against the same schema,
 * so REST and GraphQL share resolvers, validation and authorisation and cannot drift apart.
 */
export function createRestRouter(
  schema: GraphQLSchema,
  routes: readonly RestRoute[],
  contextFor: (req: Request) => GraphQLContext,
  onInternalError: (error: unknown, req: Request) => void,
): Router {
  const router = Router();
  for (const route of routes) {
    const document: DocumentNode = parse(route.operation);
    const problems = validate(schema, document);
    if (problems.length > 0) {
      throw new Error(`REST route ${route.method.toUpperCase()} ${route.path}: ${problems.map((p) => p.message).join('; ')}`);
    }
    router[route.method](route.path, async (req: Request, res: Response) => {
      try {
        // The key's scope first, before the request is read: a key that may not call the route learns that (403),
        // not what is wrong with its parameters. The operation's resolvers check it again and charge the rate limit.
        if (route.doc) requireScope(req.principal ?? null, route.doc.scope);
        const variableValues = route.variables ? route.variables(req) : {};
        const result = await execute({ schema, document, variableValues, contextValue: contextFor(req) });
        if (result.errors?.length) {
          const error = toAppError(result.errors[0]);
          if (error.code === 'INTERNAL') onInternalError(result.errors[0].originalError ?? result.errors[0], req);
          sendError(res, error);
          return;
        }
        const body = route.present(result.data, req);
        res.status(route.status ?? 200);
        // Reads keep Express's ETag (a client may revalidate with If-None-Match). A write's answer is never
        // revalidated: hashing it is waste (about 1 % of a 1,000-item batch's CPU), so it is sent as is.
        if (req.method === 'GET' || req.method === 'HEAD') res.json(body);
        else res.type('json').end(JSON.stringify(body));
      } catch (error) {
        const appError = asAppError(error);
        if (appError.code === 'INTERNAL') onInternalError(error, req);
        sendError(res, appError);
      }
    });
  }
  return router;
}
