import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { asAppError } from '../db/errors';
import { AppError, graphqlCodeFor, httpStatusFor, retryAfterSeconds } from '../errors/app-error';
import type { GraphQLContext } from './context';

/**
 * The AppError behind a GraphQL error: the resolver's own, VALIDATION_ERROR for errors the GraphQL layer raised
 * about the request itself (syntax, unknown fields, variable types), INTERNAL for anything else.
 */
export function toAppError(error: GraphQLError): AppError {
  const original = error.originalError;
  if (original instanceof AppError) return original;
  if (!original || original instanceof GraphQLError) {
    return new AppError('VALIDATION_ERROR', error.message, error.path ? { path: error.path } : undefined);
  }
  return asAppError(original);
}

/** Apollo's `formatError`: coded AppErrors with their details; internal errors without message or stack. */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const raw = error instanceof GraphQLError ? error.originalError : undefined;
  const original = raw && !(raw instanceof GraphQLError) ? asAppError(raw) : raw;
  if (original instanceof AppError && original.code !== 'INTERNAL') {
    return {
      message: original.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: {
        code: graphqlCodeFor(original.code),
        ...(original.details === undefined ? {} : { details: original.details }),
      },
    };
  }
  const code = formatted.extensions?.code;
  if (original instanceof AppError || code === 'INTERNAL_SERVER_ERROR') {
    return { message: 'Internal server error', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
  // Errors of the request itself (syntax, validation, variable coercion): safe and useful as they are.
  return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code } };
}

/**
 * Apollo plugin: an operation refused as a whole (no data at all, every error FORBIDDEN or UNAUTHENTICATED) gets
 * HTTP 403/401 like the REST routes, so proxies and clients see the refusal without parsing the body. A partial
 * result (some fields allowed) stays 200 with its errors.
 */
/**
 * GraphQL answers carry errors in the body; this also sets the HTTP status where a client or proxy acts on it:
 * 429/503 with `Retry-After` when any error is RATE_LIMITED or UNAVAILABLE, and 401/403 like REST when the
 * operation was refused as a whole (no data, every error UNAUTHENTICATED or FORBIDDEN). Partial results stay 200.
 * Every answer is `Cache-Control: no-store`.
 */
export const httpStatusPlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, errors }) {
        // Answers depend on the caller's key: no cache keeps them (what Apollo's cache-control plugin, turned off in
        // app.ts because it wraps every field's resolver, said for an operation without cache hints).
        response.http.headers.set('cache-control', 'no-store');
        for (const error of errors ?? []) {
          const original = error instanceof GraphQLError ? error.originalError : undefined;
          if (!original) continue;
          const appError = asAppError(original);
          if (appError.code !== 'RATE_LIMITED' && appError.code !== 'UNAVAILABLE') continue;
          response.http.status = httpStatusFor(appError.code);
          response.http.headers.set('retry-after', String(retryAfterSeconds(appError)));
          return;
        }
        if (response.body.kind !== 'single') return;
        const { data, errors: sent } = response.body.singleResult;
        if (data != null || !sent?.length) return;
        const codes = new Set(sent.map((error) => error.extensions?.code));
        if (codes.size !== 1) return;
        if (codes.has('FORBIDDEN')) response.http.status = 403;
        if (codes.has('UNAUTHENTICATED')) response.http.status = 401;
      },
    };
  },
};
