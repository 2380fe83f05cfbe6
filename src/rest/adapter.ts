import { Router, type Request, type Response } from 'express';
import { execute, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { AppError, errorBody, httpStatusFor } from '../errors/app-error';
import type { GraphQLContext } from '../graphql/context';
import { asAppError, toAppError } from '../graphql/errors';
import type { RestRoute } from './route';

/** Sends an AppError as the documented REST error body with its status. */
export function sendError(res: Response, error: AppError): void {
  const retryAfter = retryAfterSeconds(error);
  if (retryAfter !== null) res.setHeader('retry-after', String(retryAfter));
  res.status(httpStatusFor(error.code)).json(errorBody(error));
}

/** Seconds a client should wait before retrying: from RATE_LIMITED details, 1 for UNAVAILABLE, else null. */
export function retryAfterSeconds(error: AppError): number | null {
  if (error.code === 'UNAVAILABLE') return 1;
  if (error.code !== 'RATE_LIMITED') return null;
  const seconds = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return typeof seconds === 'number' ? seconds : 60;
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
        const variableValues = route.variables ? route.variables(req) : {};
        const result = await execute({ schema, document, variableValues, contextValue: contextFor(req) });
        if (result.errors?.length) {
          const error = toAppError(result.errors[0]);
          if (error.code === 'INTERNAL') onInternalError(result.errors[0].originalError ?? result.errors[0], req);
          sendError(res, error);
          return;
        }
        res.status(route.status ?? 200).json(route.present(result.data, req));
      } catch (error) {
        const appError = asAppError(error);
        if (appError.code === 'INTERNAL') onInternalError(error, req);
        sendError(res, appError);
      }
    });
  }
  return router;
}
