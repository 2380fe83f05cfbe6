import type { Database, SqlExecutor, TransactionOptions } from './database';

/**
 * Maintenance work — partition maintenance, retention's drops, archive imports, timeline refreshes, migrations — runs
 * statements far longer than any request's (and waits for locks other instances hold). It runs in maintenance
 * transactions: their statements may take up to DATABASE_MAINTENANCE_STATEMENT_TIMEOUT_MS, on the server
 * (`SET LOCAL statement_timeout`) and in the client's read timeout, instead of the request limit. Bounded still, so a
 * runaway statement or a lock that is never released ends in an error rather than a connection held for ever.
 */
export const MAINTENANCE: TransactionOptions = { statementLimit: 'maintenance' };

/** Runs `fn` in a maintenance transaction (MAINTENANCE). */
export function maintenanceTransaction<T>(db: Database, fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
  return db.transaction(fn, MAINTENANCE);
}
