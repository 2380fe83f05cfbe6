import { AppError } from '../errors/app-error';
import { CircuitOpenError } from './circuit-breaker';

/**
 * The one translator of database and driver errors (pg, PGlite, Prisma's driver adapters) into the service's
 * AppError. Services say what a constraint means in their domain (a foreign key on an interaction names a lookup
 * that vanished; on a lookup's delete it means "in use"); everything else is decided here.
 */

// Connection-level failures: the database is down, restarting, unreachable, or takes no more connections. They feed
// the circuit breaker (src/db/circuit-breaker.ts) and callers get 503 UNAVAILABLE.
const CONNECTION_FAILURE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EMFILE', // this process is out of file descriptors: no socket can be opened
  'ENFILE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000', // connection_exception
  '08001',
  '08003',
  '08004',
  '08006',
  '53300', // too_many_connections (the server's max_connections, or a database's or role's CONNECTION LIMIT)
  'P1001', // Prisma: can't reach database server
  'P1002',
  'P1017', // Prisma: server closed the connection
  'P2037', // Prisma: too many database connections opened
]);

const CONNECTION_FAILURE_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i, // pg's pool: no connection (or free slot) within the connect timeout
  /connection (?:refused|reset|closed)/i,
  /client has encountered a connection error/i,
  /cannot use a pool after calling end/i,
  /server closed the connection/i,
  /query read timeout/i, // pg's client-side query_timeout: no answer at all, the network is silent
  /too many (?:database )?connections/i,
];

// A statement PostgreSQL cancelled (SQLSTATE 57014), nearly always by statement_timeout: the database is alive but
// too slow for this request right now. A retry later may pass, so 503 with Retry-After, not a 500 (ADR 048).
const QUERY_CANCELED = '57014';

interface ErrorFields {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  originalError?: unknown;
  thrownValue?: unknown;
  meta?: { driverAdapterError?: { cause?: { originalCode?: unknown; code?: unknown } } };
}

/** Every error in the chain of `error` (itself, its causes, wrapped originals), at most a few levels deep. */
function chainOf(error: unknown): ErrorFields[] {
  const chain: ErrorFields[] = [];
  const visit = (value: unknown, depth: number) => {
    if (typeof value !== 'object' || value === null || depth > 5) return;
    const fields = value as ErrorFields;
    chain.push(fields);
    if (value instanceof AggregateError) value.errors.forEach((inner) => visit(inner, depth + 1));
    // graphql-js wraps a thrown value that is not an Error of this realm as NonErrorThrown, keeping it in thrownValue.
    [fields.cause, fields.originalError, fields.thrownValue].forEach((inner) => visit(inner, depth + 1));
  };
  visit(error, 0);
  return chain;
}

/** The SQLSTATE or driver code of each error in the chain (Prisma's adapters keep PostgreSQL's in meta). */
function codesOf(chain: ErrorFields[]): string[] {
  const codes: string[] = [];
  for (const fields of chain) {
    if (typeof fields.code === 'string') codes.push(fields.code);
    const adapter = fields.meta?.driverAdapterError?.cause;
    if (typeof adapter?.originalCode === 'string') codes.push(adapter.originalCode);
    if (typeof adapter?.code === 'string') codes.push(adapter.code);
  }
  return codes;
}

/**
 * True when `error` (or one of its causes) says a connection to the database failed or could not be opened: refused,
 * reset, dropped, timed out, or refused for too many connections. The circuit breaker counts these, and only these.
 */
export function isConnectionFailure(error: unknown): boolean {
  const chain = chainOf(error);
  if (codesOf(chain).some((code) => CONNECTION_FAILURE_CODES.has(code))) return true;
  return chain.some(
    ({ message }) =>
      typeof message === 'string' && CONNECTION_FAILURE_MESSAGES.some((pattern) => pattern.test(message)),
  );
}

/**
 * True when `error` (or one of its causes) is PostgreSQL's 55P03 lock_not_available: a statement gave up waiting for
 * a lock (`lock_timeout`, `NOWAIT`). Callers that set such a limit decide what the wait meant.
 */
export function isLockNotAvailable(error: unknown): boolean {
  return codesOf(chainOf(error)).includes('55P03');
}

/** The circuit breaker's refusal in the chain of `error`, if any. */
function circuitOpenIn(error: unknown): CircuitOpenError | undefined {
  return chainOf(error).find((fields): fields is CircuitOpenError => fields instanceof CircuitOpenError);
}

/**
 * True when `error` (or one of its causes) says the database cannot serve the request right now: a connection
 * failure, a statement cancelled by its time limit, or the circuit breaker's refusal while the database is down.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (circuitOpenIn(error) || isConnectionFailure(error)) return true;
  return codesOf(chainOf(error)).includes(QUERY_CANCELED);
}

/** What a constraint violation means where it happened; absent → a generic CONFLICT / VALIDATION_ERROR. */
export interface ConstraintMeaning {
  /** A foreign key was violated (SQLSTATE 23503, Prisma P2003). */
  foreignKey?: () => AppError;
  /** A unique constraint was violated (SQLSTATE 23505, Prisma P2002). */
  unique?: () => AppError;
}

/**
 * The AppError a caller should see for a database or driver error, or null when it is none of those (a bug: the
 * caller reports INTERNAL). An AppError passes through unchanged.
 */
export function translateDatabaseError(error: unknown, meaning: ConstraintMeaning = {}): AppError | null {
  if (error instanceof AppError) return error;
  if (isDatabaseUnavailable(error)) {
    return codesOf(chainOf(error)).includes(QUERY_CANCELED) && !isConnectionFailure(error)
      ? new AppError('UNAVAILABLE', 'The database did not finish in time; retry shortly')
      : new AppError('UNAVAILABLE', 'The database is unavailable; retry shortly');
  }
  const chain = chainOf(error);
  const codes = codesOf(chain);
  if (codes.some((code) => code === '23505' || code === 'P2002')) {
    return meaning.unique?.() ?? new AppError('CONFLICT', 'A row with the same unique value already exists');
  }
  const foreignKeyMessage = chain.some(({ message }) => typeof message === 'string' && /foreign key/i.test(message));
  if (codes.some((code) => code === '23503' || code === 'P2003') || foreignKeyMessage) {
    return meaning.foreignKey?.() ?? new AppError('CONFLICT', 'The change conflicts with rows that refer to it');
  }
  // Class 22 (data exception: a NUL in text, an out-of-range value) and other class-23 integrity violations: the
  // caller's data was refused, a 400 rather than a 500.
  const refused = codes.find((code) => /^2[23][0-9A-Z]{3}$/.test(code));
  if (refused) {
    return new AppError(
      'VALIDATION_ERROR',
      'A value was refused by the database (e.g. a NUL character or an out-of-range value)',
      {
        sqlState: refused,
      },
    );
  }
  return null;
}

/** translateDatabaseError, with INTERNAL for anything it does not know: what every adapter answers for a throw. */
export function asAppError(error: unknown, meaning?: ConstraintMeaning): AppError {
  return translateDatabaseError(error, meaning) ?? new AppError('INTERNAL', 'Internal server error');
}
