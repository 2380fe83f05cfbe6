// The storage interfaces, apart from the openers (src/db/postgres.ts, src/db/pglite.ts) that implement them.
import type { PrismaClient } from '../generated/prisma/client';

/** How one statement is sent. */
export interface QueryOptions {
  /**
   * Send it as a named prepared statement (PostgreSQL): each connection parses and plans the text once, later runs
   * only bind and execute. For hot statements whose TEXT is one of a few fixed strings (values travel as parameters,
   * never inside the text: every distinct text stays prepared on every connection). Planning dominates the cost of
   * the small indexed reads here (13 indexes to consider; docs/benchmarks.md and ADR 067 hold the measurements).
   * Ignored on PGlite and when `DATABASE_PREPARED_STATEMENTS=false` (transaction-pooling PgBouncer before 1.21).
   */
  prepare?: boolean;
}

/** A plain SQL runner: parameterised statements in, rows out. */
export interface SqlExecutor {
  /** Runs one statement with `$1…` parameters and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], options?: QueryOptions): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** How a transaction runs. */
export interface TransactionOptions {
  /**
   * `maintenance`: its statements may run up to DATABASE_MAINTENANCE_STATEMENT_TIMEOUT_MS instead of the request limit
   * (DATABASE_STATEMENT_TIMEOUT_MS), on the server and on the client. For partition maintenance, retention, archive
   * import, timeline refresh and migrations (src/db/long-running.ts). Default `request`.
   */
  statementLimit?: 'request' | 'maintenance';
}

/** The storage the app is built on: Prisma for the model, raw SQL for migrations and hot paths. */
export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly prisma: PrismaClient;
  readonly sql: SqlExecutor;
  /** Runs `fn` in one transaction on one connection; rolls back if it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Connections in use and waiting (metrics); PGlite is one connection. */
  poolStats(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
  /**
   * Calls `onMessage` with the payload of each NOTIFY on `channel` (a constant, never input). PostgreSQL listens over
   * a dedicated connection that is re-opened after a loss; `onReset` runs then, since messages may have been missed.
   * PGlite delivers its own NOTIFYs in process. Resolves to a function that stops listening.
   */
  listen?(channel: string, onMessage: (payload: string) => void, onReset: () => void): Promise<() => Promise<void>>;
}

/** Where to open the database: a PostgreSQL URL, or a PGlite data directory (`null` = in memory). */
export type OpenDatabaseOptions = (
  | {
      kind: 'postgres';
      url: string;
      poolSize?: number;
      /** Honour `prepare: true` (default true); false for poolers that cannot keep named statements. */
      preparedStatements?: boolean;
      /** Time limits; each defaults to DATABASE_LIMIT_DEFAULTS (src/db/limits.ts). */
      limits?: Partial<DatabaseLimits>;
      /** Told when the circuit breaker opens (the database is unreachable; with the probe's error) and closes. */
      onAvailabilityChange?: (state: 'open' | 'closed', error?: unknown) => void;
    }
  | {
      kind: 'pglite';
      dataDir: string | null;
      /**
       * In memory only (`dataDir: null`): start from this dump of a data directory (PGlite's `dumpDataDir`) instead
       * of creating one. The test suite opens its databases this way, from one made and migrated at its start.
       */
      loadDataDir?: Blob;
    }
) & {
  /** Called with the text of every statement sent to the database (tests count them; metrics). */
  onQuery?: (sql: string) => void;
};

/** The time limits of PostgreSQL work (DATABASE_*_MS settings). */
export interface DatabaseLimits {
  /** Server-side `statement_timeout` of request statements; the client waits this plus a margin. */
  statementTimeoutMs: number;
  /** The same for maintenance transactions (TransactionOptions). */
  maintenanceStatementTimeoutMs: number;
  /** Longest wait for a new connection or a free pool slot; also bounds the breaker's probe. */
  connectTimeoutMs: number;
}
