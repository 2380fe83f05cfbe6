/** Every failure the service reports to a caller carries one of these codes. */
export type ErrorCode =
  | 'VALIDATION_ERROR'
  | 'UNKNOWN_LOOKUP'
  | 'LOOKUP_MISMATCH'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'REQUEST_TIMEOUT'
  | 'RATE_LIMITED'
  | 'UNAVAILABLE'
  | 'INTERNAL';

/** The one error type of the service: a machine-readable code, a message safe to show, optional details. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** HTTP status for a code; the switch must stay total, so a new code fails the type-check until mapped. */
export function httpStatusFor(code: ErrorCode): number {
  switch (code) {
    case 'VALIDATION_ERROR':
    case 'UNKNOWN_LOOKUP':
    case 'LOOKUP_MISMATCH':
      return 400;
    case 'UNAUTHENTICATED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'CONFLICT':
      return 409;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'REQUEST_TIMEOUT':
      return 408;
    case 'RATE_LIMITED':
      return 429;
    case 'UNAVAILABLE':
      return 503;
    case 'INTERNAL':
      return 500;
  }
}

/** GraphQL `extensions.code` for a code; Apollo's conventional names where one exists. */
export function graphqlCodeFor(code: ErrorCode): string {
  switch (code) {
    case 'VALIDATION_ERROR':
      return 'BAD_USER_INPUT';
    case 'UNKNOWN_LOOKUP':
    case 'LOOKUP_MISMATCH':
    case 'UNAUTHENTICATED':
    case 'FORBIDDEN':
    case 'NOT_FOUND':
    case 'CONFLICT':
    case 'PAYLOAD_TOO_LARGE':
    case 'REQUEST_TIMEOUT':
    case 'RATE_LIMITED':
    case 'UNAVAILABLE':
      return code;
    case 'INTERNAL':
      return 'INTERNAL_SERVER_ERROR';
  }
}

/** The REST error body: `{error:{code,message,details?}}`. */
export function errorBody(error: AppError): { error: { code: ErrorCode; message: string; details?: unknown } } {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    },
  };
}

/** Seconds a client should wait before retrying: from RATE_LIMITED details, 1 for UNAVAILABLE, else null. */
export function retryAfterSeconds(error: AppError): number | null {
  if (error.code === 'UNAVAILABLE') return 1;
  if (error.code !== 'RATE_LIMITED') return null;
  const seconds = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return typeof seconds === 'number' ? seconds : 60;
}
