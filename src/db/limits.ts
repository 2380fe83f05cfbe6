/**
 * The time limits of database work, in one place: src/config.ts takes its defaults from here (DATABASE_*_MS settings)
 * and src/db/database.ts falls back to them when opened without a configuration (tests, CLIs). docs/adr/048 explains
 * each number.
 */
export const DATABASE_LIMIT_DEFAULTS = {
  /** PostgreSQL `statement_timeout` of request statements (DATABASE_STATEMENT_TIMEOUT_MS). */
  statementTimeoutMs: 5_000,
  /** `statement_timeout` of maintenance transactions (DATABASE_MAINTENANCE_STATEMENT_TIMEOUT_MS): 30 minutes. */
  maintenanceStatementTimeoutMs: 1_800_000,
  /** Opening a connection, and a free pool slot, waits at most this (DATABASE_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs: 3_000,
} as const;

/**
 * The client-side read timeout of a statement is its server-side limit plus this: PostgreSQL cancels a slow statement
 * itself (and says so, SQLSTATE 57014); the client gives up only when no answer at all came, i.e. the network is
 * silent, and then drops the connection.
 */
export const QUERY_TIMEOUT_MARGIN_MS = 1_000;

/** First TCP keepalive probe on an idle database socket (later ones follow the kernel's interval). */
export const KEEPALIVE_INITIAL_DELAY_MS = 10_000;

/**
 * Request statements outstanding this long while not one statement completed: the database or the network may have
 * gone silent, so the circuit breaker sends a probe (a slow but live database answers it at once).
 */
export const STALL_MS = 1_000;

/** Delays between the breaker's probes while open: short, so a database that is back is used within ~1 s. */
export const PROBE_BACKOFF = { baseMs: 250, maxMs: 1_000 } as const;

/** Delays between attempts to re-open the LISTEN connection (full jitter). */
export const LISTEN_BACKOFF = { baseMs: 250, maxMs: 15_000 } as const;

/** The LISTEN connection runs `SELECT 1` this often, so a connection that died silently is noticed and replaced. */
export const LISTEN_HEARTBEAT_MS = 30_000;
