import path from 'node:path';
import { AppError } from './errors/app-error';

/** Everything the service reads from its environment, parsed once at start-up. */
export interface Config {
  /** HTTP port; `PORT`, default 4000. */
  port: number;
  /** PostgreSQL connection string; `DATABASE_URL`. Absent → embedded PGlite under `dataDir`. */
  databaseUrl: string | null;
  /** Where the embedded database keeps its files; `DATA_DIR`, default `./data`. */
  dataDir: string;
  /** An admin key that must exist (automation); `ADMIN_API_KEY`. */
  adminApiKey: string | null;
  /** Size of the PostgreSQL connection pool; `DATABASE_POOL_SIZE`, default 10. */
  databasePoolSize: number;
  /** Hot statements as named prepared statements; `DATABASE_PREPARED_STATEMENTS`, default true. */
  databasePreparedStatements: boolean;
  /** `NODE_ENV === 'production'`. */
  production: boolean;
  /** Seconds given to in-flight requests on SIGTERM/SIGINT; `SHUTDOWN_TIMEOUT_SECONDS`, default 10. */
  shutdownTimeoutSeconds: number;
  /** Largest accepted request body; `MAX_BODY_BYTES`, default 1 MiB (larger → 413). */
  maxBodyBytes: number;
  /** Largest body of `POST /api/interactions/batch`; `MAX_BATCH_BODY_BYTES`, default 16 MiB. */
  maxBatchBodyBytes: number;
  /** Deepest accepted nesting of `interaction`/`externalResponse`; `MAX_JSON_DEPTH`, default 32. */
  maxJsonDepth: number;
  /** Origins allowed by CORS; `CORS_ORIGINS` (comma-separated, `*` for any), default none. */
  corsOrigins: string[];
  /** GraphQL introspection; `GRAPHQL_INTROSPECTION`, default on except in production. */
  graphqlIntrospection: boolean;
  /** Deepest accepted GraphQL selection; `GRAPHQL_MAX_DEPTH`, default 10. */
  graphqlMaxDepth: number;
  /** Most fields (aliases included) one GraphQL operation may select; `GRAPHQL_MAX_FIELDS`, default 500. */
  graphqlMaxFields: number;
  /** Requests per minute per API key and scope; `RATE_LIMIT_PER_MINUTE`, default 0 (no limit). */
  rateLimitPerMinute: number;
  /** `LOG_LEVEL` (pino): default info. */
  logLevel: string;
  /** Seconds between refreshes of the timeline's daily counts; `TIMELINE_REFRESH_SECONDS`, default 60, 0 disables. */
  timelineRefreshSeconds: number;
  /**
   * Refresh the timeline's daily counts once this many interactions were written since the last refresh (checked
   * every second); `TIMELINE_REFRESH_ROWS`, default 5000, 0 disables.
   */
  timelineRefreshRows: number;
  /** Longest a single create waits to share one multi-row insert with concurrent ones (ms); `COALESCE_WINDOW_MS`, default 2. */
  coalesceWindowMs: number;
  /** Most single creates written by one insert; `COALESCE_MAX_BATCH`, default 200 (1 turns coalescing off). */
  coalesceMaxBatch: number;
}

function boolFrom(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new AppError('VALIDATION_ERROR', `${name} must be true or false, got "${env[name]}"`);
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new AppError('VALIDATION_ERROR', `${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** Reads the configuration from an environment (defaults to `process.env`); throws on a malformed value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL?.trim() || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new AppError('VALIDATION_ERROR', 'DATABASE_URL must start with postgresql://');
  }
  return {
    port: intFrom(env, 'PORT', 4000, 0, 65535),
    databaseUrl,
    dataDir: path.resolve(env.DATA_DIR?.trim() || './data'),
    adminApiKey: env.ADMIN_API_KEY?.trim() || null,
    databasePoolSize: intFrom(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
    databasePreparedStatements: boolFrom(env, 'DATABASE_PREPARED_STATEMENTS', true),
    production: env.NODE_ENV === 'production',
    shutdownTimeoutSeconds: intFrom(env, 'SHUTDOWN_TIMEOUT_SECONDS', 10, 0, 3600),
    maxBodyBytes: intFrom(env, 'MAX_BODY_BYTES', 1024 * 1024, 1024, 1024 * 1024 * 1024),
    maxBatchBodyBytes: intFrom(env, 'MAX_BATCH_BODY_BYTES', 16 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    maxJsonDepth: intFrom(env, 'MAX_JSON_DEPTH', 32, 1, 1000),
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    graphqlIntrospection: boolFrom(env, 'GRAPHQL_INTROSPECTION', env.NODE_ENV !== 'production'),
    graphqlMaxDepth: intFrom(env, 'GRAPHQL_MAX_DEPTH', 10, 2, 100),
    graphqlMaxFields: intFrom(env, 'GRAPHQL_MAX_FIELDS', 500, 10, 100000),
    rateLimitPerMinute: intFrom(env, 'RATE_LIMIT_PER_MINUTE', 0, 0, 10_000_000),
    logLevel: env.LOG_LEVEL?.trim() || 'info',
    timelineRefreshSeconds: intFrom(env, 'TIMELINE_REFRESH_SECONDS', 60, 0, 86400),
    timelineRefreshRows: intFrom(env, 'TIMELINE_REFRESH_ROWS', 5000, 0, 100_000_000),
    coalesceWindowMs: intFrom(env, 'COALESCE_WINDOW_MS', 2, 0, 1000),
    coalesceMaxBatch: intFrom(env, 'COALESCE_MAX_BATCH', 200, 1, 1000),
  };
}
