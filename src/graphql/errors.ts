import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppError, graphqlCodeFor } from '../errors/app-error';
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
  return new AppError('INTERNAL', 'Internal server error');
}

/** Apollo's `formatError`: coded AppErrors with their details; internal errors without message or stack. */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? error.originalError : undefined;
  if (original instanceof AppError) {
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
  if (original || code === 'INTERNAL_SERVER_ERROR') {
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
export const authStatusPlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const { data, errors } = response.body.singleResult;
        if (data != null || !errors?.length) return;
        const codes = new Set(errors.map((error) => error.extensions?.code));
        if (codes.size !== 1) return;
        if (codes.has('FORBIDDEN')) response.http.status = 403;
        if (codes.has('UNAUTHENTICATED')) response.http.status = 401;
      },
    };
  },
};
