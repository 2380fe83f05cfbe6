import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { isDatabaseUnavailable } from '../db/errors';
import { AppError, graphqlCodeFor } from '../errors/app-error';

/** The error callers see when the database cannot be reached. */
export const UNAVAILABLE = () => new AppError('UNAVAILABLE', 'The database is unavailable; retry shortly');

/** AppError for anything thrown outside GraphQL: itself, UNAVAILABLE for connection failures, else INTERNAL. */
export function asAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (isDatabaseUnavailable(error)) return UNAVAILABLE();
  return new AppError('INTERNAL', 'Internal server error');
}

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
