/**
 * The one translator of database errors (src/db/errors.ts): every way the database can be out of reach, full or too
 * slow is 503 UNAVAILABLE (with Retry-After where it is sent), and only connection failures feed the breaker.
 */
import { CircuitOpenError } from '../../src/db/circuit-breaker';
import {
  asAppError,
  isConnectionFailure,
  isDatabaseUnavailable,
  isLockNotAvailable,
  translateDatabaseError,
} from '../../src/db/errors';
import { AppError, httpStatusFor, retryAfterSeconds } from '../../src/errors/app-error';

/** An error as pg reports it: a message and a SQLSTATE or errno code. */
function pgError(message: string, code?: string): Error {
  return Object.assign(new Error(message), code ? { code } : {});
}

/** A Prisma error carrying the driver adapter's original error, as Prisma's client throws them. */
function prismaError(code: string, originalCode?: string): Error {
  return Object.assign(new Error('prisma'), {
    code,
    meta: originalCode ? { driverAdapterError: { cause: { originalCode, kind: 'postgres' } } } : undefined,
  });
}

describe('503 UNAVAILABLE with Retry-After', () => {
  it.each<[string, unknown]>([
    ['PostgreSQL 53300 too many connections', pgError('sorry, too many clients already', '53300')],
    ['53300 for a database over its CONNECTION LIMIT', pgError('too many connections for database "x"', '53300')],
    ['53300 inside a Prisma error', prismaError('P2010', '53300')],
    ['Prisma P2037 too many database connections', prismaError('P2037')],
    ['EMFILE: out of file descriptors', pgError('connect EMFILE 127.0.0.1:5432', 'EMFILE')],
    ['pool exhausted / connect timeout', pgError('timeout exceeded when trying to connect')],
    ['connection refused', pgError('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['client read timeout (silent network)', pgError('Query read timeout')],
    ['statement_timeout (57014)', pgError('canceling statement due to statement timeout', '57014')],
    ['the breaker refusing', new CircuitOpenError()],
    ['the breaker refusing, wrapped as a cause', new Error('wrapped', { cause: new CircuitOpenError() })],
  ])('%s', (_name, error) => {
    const appError = translateDatabaseError(error);
    expect(appError).toBeInstanceOf(AppError);
    expect(appError!.code).toBe('UNAVAILABLE');
    expect(httpStatusFor(appError!.code)).toBe(503);
    expect(retryAfterSeconds(appError!)).toBe(1);
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('a statement timeout says the database was too slow, not away', () => {
    expect(asAppError(pgError('canceling statement due to statement timeout', '57014')).message).toMatch(/in time/);
  });
});

describe('what feeds the circuit breaker', () => {
  it.each([
    pgError('too many connections for role "x"', '53300'),
    prismaError('P2037'),
    pgError('connect EMFILE', 'EMFILE'),
    pgError('timeout exceeded when trying to connect'),
    pgError('Query read timeout'),
    pgError('Connection terminated unexpectedly'),
  ])('connection failure: %p', (error) => {
    expect(isConnectionFailure(error)).toBe(true);
  });

  it.each([
    pgError('canceling statement due to statement timeout', '57014'),
    new CircuitOpenError(),
    pgError('duplicate key', '23505'),
  ])('not a connection failure: %p', (error) => {
    expect(isConnectionFailure(error)).toBe(false);
  });
});

it('anything else is left to the caller (INTERNAL)', () => {
  expect(translateDatabaseError(new Error('boom'))).toBeNull();
  expect(asAppError(new Error('boom')).code).toBe('INTERNAL');
});

// The shapes a lock timeout reaches callers in: pg's DatabaseError carries the SQLSTATE as `code`; Prisma's driver
// adapters keep it in meta.driverAdapterError; a caller may have wrapped either as the `cause` of its own error.
describe('isLockNotAvailable', () => {
  const pgError = Object.assign(new Error('canceling statement due to lock timeout'), { code: '55P03' });

  it('recognises pg’s error', () => {
    expect(isLockNotAvailable(pgError)).toBe(true);
  });

  it('recognises it inside a Prisma driver-adapter error', () => {
    const prismaError = Object.assign(new Error('lock timeout'), {
      code: 'P2010',
      meta: { driverAdapterError: { cause: { originalCode: '55P03', kind: 'postgres' } } },
    });
    expect(isLockNotAvailable(prismaError)).toBe(true);
  });

  it('recognises it as the cause of another error', () => {
    expect(isLockNotAvailable(new Error('refresh failed', { cause: pgError }))).toBe(true);
  });

  it.each([
    ['a deadlock', Object.assign(new Error('deadlock detected'), { code: '40P01' })],
    [
      'a statement timeout',
      Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }),
    ],
    ['a plain error', new Error('55P03')],
    ['not an error', '55P03'],
  ])('is false for %s', (_name, error) => {
    expect(isLockNotAvailable(error)).toBe(false);
  });
});
