import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppError, graphqlCodeFor } from '../errors/app-error';

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
