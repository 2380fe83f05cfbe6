import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { DATABASE_LIMIT_DEFAULTS } from './db/limits';
import { AppError } from './errors/app-error';
import { PARTITION_INTERVALS, type PartitionInterval } from './partitions/partition.period';

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
  /**
   * Worker processes serving HTTP on the one port (node:cluster, ADR 106); `WEB_CONCURRENCY`, default 1 (one process,
   * no cluster). Above 1 needs PostgreSQL: PGlite is one process's database.
   */
  webConcurrency: number;
  /**
   * Size of the PostgreSQL connection pool; `DATABASE_POOL_SIZE`, default 10. With WEB_CONCURRENCY above 1 it is split
   * evenly between the workers (src/cluster.ts).
   */
  databasePoolSize: number;
  /** Hot statements as named prepared statements; `DATABASE_PREPARED_STATEMENTS`, default true. */
  databasePreparedStatements: boolean;
  /**
   * PostgreSQL `statement_timeout` of request statements (ms); slower → 503 `UNAVAILABLE`. The client stops waiting
   * for an answer a second later. `DATABASE_STATEMENT_TIMEOUT_MS`, default 5,000.
   */
  databaseStatementTimeoutMs: number;
  /**
   * The same for maintenance (partitions, retention, archive import, timeline refresh, migrations);
   * `DATABASE_MAINTENANCE_STATEMENT_TIMEOUT_MS`, default 1,800,000 (30 minutes), at least the request limit.
   */
  databaseMaintenanceStatementTimeoutMs: number;
  /** Longest wait for a new database connection or a free pool slot (ms); `DATABASE_CONNECT_TIMEOUT_MS`, default 3,000. */
  databaseConnectTimeoutMs: number;
  /** `NODE_ENV === 'production'`. */
  production: boolean;
  /** Seconds given to in-flight requests on SIGTERM/SIGINT; `SHUTDOWN_TIMEOUT_SECONDS`, default 10. */
  shutdownTimeoutSeconds: number;
  /** Longest a connection may take to send its request headers (ms); `HTTP_HEADERS_TIMEOUT_MS`, default 10,000. */
  httpHeadersTimeoutMs: number;
  /**
   * Longest a connection may take to send its whole request, headers and body (ms): the body-read timeout. Slower →
   * 408 `REQUEST_TIMEOUT` and the connection is closed. `HTTP_REQUEST_TIMEOUT_MS`, default 30,000.
   */
  httpRequestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this (ms); `HTTP_KEEP_ALIVE_TIMEOUT_MS`, default 5,000. */
  httpKeepAliveTimeoutMs: number;
  /** Largest request line plus headers (bytes); larger → 431. `HTTP_MAX_HEADER_BYTES`, default 16,384. */
  httpMaxHeaderBytes: number;
  /** Largest accepted request body; `MAX_BODY_BYTES`, default 1 MiB (larger → 413). */
  maxBodyBytes: number;
  /** Largest body of `POST /api/interactions/batch`; `MAX_BATCH_BODY_BYTES`, default 16 MiB. */
  maxBatchBodyBytes: number;
  /**
   * Most bytes of request bodies held at once, all requests together, from reading each until its answer is sent;
   * more → 503 `UNAVAILABLE` with `Retry-After`. A lone body is always admitted. `MAX_INFLIGHT_BODY_BYTES`, default
   * 32 MiB: two batches of the largest size.
   */
  maxInflightBodyBytes: number;
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
  /**
   * Most rows one operation may touch, list sizes multiplied through its nesting (src/graphql/operation-plan.ts);
   * more is refused before anything runs. `GRAPHQL_MAX_COST`, default 120,000: a whole trace timeline (at most 100,000
   * entries) with pages beside it fits, twenty aliased pages of 10,000 do not.
   */
  graphqlMaxCost: number;
  /** Requests per minute per API key and scope; `RATE_LIMIT_PER_MINUTE`, default 0 (no limit). */
  rateLimitPerMinute: number;
  /** `LOG_LEVEL` (pino): one of LOG_LEVELS, default info. */
  logLevel: LogLevel;
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
  /** Period of one partition of `interactions`; `PARTITION_INTERVAL` = `day`, `week` or `month` (default). */
  partitionInterval: PartitionInterval;
  /** Days of interactions kept; `RETENTION_DAYS`. null (unset): keep everything. Whole partitions are dropped. */
  retentionDays: number | null;
  /** Where retention writes each partition before dropping it; `ARCHIVE_DIR`. null: drop without an archive. */
  archiveDir: string | null;
  /** Redis shared by every instance for the rate limit; `REDIS_URL`. null: each instance counts for itself. */
  redisUrl: string | null;
  /** Most live-feed subscriptions (SSE and GraphQL) one instance serves at once; `MAX_SUBSCRIPTIONS`, default 2,000. */
  maxSubscriptions: number;
  /** Most live-feed subscriptions one API key holds at once, per instance; `MAX_SUBSCRIPTIONS_PER_KEY`, default 100. */
  maxSubscriptionsPerKey: number;
  /**
   * Events a live-feed subscriber may have waiting (not yet taken by its connection) before it is disconnected with
   * its last delivered position, so one slow consumer cannot hold memory or slow anyone; `FEED_BUFFER_EVENTS`,
   * default 1,000.
   */
  feedBufferEvents: number;
  /** Seconds between heartbeat comments on an idle Server-Sent Events stream; `FEED_HEARTBEAT_SECONDS`, default 15. */
  feedHeartbeatSeconds: number;
  /** Seconds between checkpoint seals (docs/integrity.md); `CHECKPOINT_SECONDS`, default 60; 0 turns sealing off. */
  checkpointSeconds: number;
  /** Most rows one checkpoint covers; as many waiting rows seal early; `CHECKPOINT_ROWS`, default 10,000. */
  checkpointRows: number;
  /** Most of the time a backlog of sealing may take (it pauses in between); `CHECKPOINT_CPU_SHARE`, default 0.1. */
  checkpointCpuShare: number;
  /** The Ed25519 signing key (PEM), made on first start when absent; `INTEGRITY_KEY_FILE`, default DATA_DIR/integrity-key.pem. */
  integrityKeyFile: string;
}

/** The pino levels LOG_LEVEL accepts. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** Accepted `NODE_ENV` values; only `production` changes a default (introspection off). */
export const NODE_ENVS = ['development', 'production', 'test'] as const;

/**
 * A setting with a value the service cannot use. The message names the variable, its value and what is allowed,
 * e.g. `LOG_LEVEL=loud is not valid: use one of fatal, …`; `npm start` prints it alone on stderr and exits 1.
 */
export class ConfigError extends AppError {
  constructor(
    readonly variable: string,
    value: string,
    allowed: string,
  ) {
    super('VALIDATION_ERROR', `${variable}=${value} is not valid: ${allowed}`, { variable });
    this.name = 'ConfigError';
  }
}

/** The trimmed value of a setting, or null when it is unset or blank (blank means "use the default"). */
function rawFrom(env: NodeJS.ProcessEnv, name: string): string | null {
  const raw = env[name]?.trim();
  return raw ? raw : null;
}

function boolFrom(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = rawFrom(env, name);
  if (raw === null) return fallback;
  const value = raw.toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new ConfigError(name, raw, 'use true or false (or 1/0, yes/no, on/off)');
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = rawFrom(env, name);
  if (raw === null) return fallback;
  const value = /^[+-]?\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(name, raw, `use an integer from ${min} to ${max}`);
  }
  return value;
}

/** An optional integer: null when unset. */
function optionalIntFrom(env: NodeJS.ProcessEnv, name: string, min: number, max: number): number | null {
  return rawFrom(env, name) === null ? null : intFrom(env, name, min, min, max);
}

/** One of a fixed set of words (case-insensitive). */
function enumFrom<T extends string>(env: NodeJS.ProcessEnv, name: string, values: readonly T[], fallback: T): T {
  const raw = rawFrom(env, name);
  if (raw === null) return fallback;
  const value = raw.toLowerCase();
  if (!(values as readonly string[]).includes(value))
    throw new ConfigError(name, raw, `use one of ${values.join(', ')}`);
  return value as T;
}

/** A URL with one of `schemes` (without the colon); null when unset. */
function urlFrom(env: NodeJS.ProcessEnv, name: string, schemes: readonly string[]): string | null {
  const raw = rawFrom(env, name);
  if (raw === null) return null;
  const allowed = `use a ${schemes.map((scheme) => `${scheme}://`).join(' or ')} URL`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, redact(raw), allowed);
  }
  if (!schemes.includes(url.protocol.slice(0, -1))) throw new ConfigError(name, redact(raw), allowed);
  return raw;
}

/** The socket timeouts; headers must be due no later than the whole request (Node refuses the server otherwise). */
function httpTimeoutsFrom(
  env: NodeJS.ProcessEnv,
): Pick<Config, 'httpHeadersTimeoutMs' | 'httpRequestTimeoutMs' | 'httpKeepAliveTimeoutMs'> {
  const httpHeadersTimeoutMs = intFrom(env, 'HTTP_HEADERS_TIMEOUT_MS', 10_000, 100, 3_600_000);
  const httpRequestTimeoutMs = intFrom(env, 'HTTP_REQUEST_TIMEOUT_MS', 30_000, 100, 3_600_000);
  if (httpHeadersTimeoutMs > httpRequestTimeoutMs) {
    throw new ConfigError(
      'HTTP_HEADERS_TIMEOUT_MS',
      String(httpHeadersTimeoutMs),
      `it must not exceed HTTP_REQUEST_TIMEOUT_MS (${httpRequestTimeoutMs})`,
    );
  }
  return {
    httpHeadersTimeoutMs,
    httpRequestTimeoutMs,
    httpKeepAliveTimeoutMs: intFrom(env, 'HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 3_600_000),
  };
}

/** The database's time limits; maintenance may not be held to less than requests. */
function databaseTimeoutsFrom(
  env: NodeJS.ProcessEnv,
): Pick<Config, 'databaseStatementTimeoutMs' | 'databaseMaintenanceStatementTimeoutMs' | 'databaseConnectTimeoutMs'> {
  const defaults = DATABASE_LIMIT_DEFAULTS;
  const databaseStatementTimeoutMs = intFrom(
    env,
    'DATABASE_STATEMENT_TIMEOUT_MS',
    defaults.statementTimeoutMs,
    100,
    3_600_000,
  );
  const databaseMaintenanceStatementTimeoutMs = intFrom(
    env,
    'DATABASE_MAINTENANCE_STATEMENT_TIMEOUT_MS',
    Math.max(defaults.maintenanceStatementTimeoutMs, databaseStatementTimeoutMs),
    1_000,
    86_400_000,
  );
  if (databaseMaintenanceStatementTimeoutMs < databaseStatementTimeoutMs) {
    throw new ConfigError(
      'DATABASE_MAINTENANCE_STATEMENT_TIMEOUT_MS',
      String(databaseMaintenanceStatementTimeoutMs),
      `it must not be less than DATABASE_STATEMENT_TIMEOUT_MS (${databaseStatementTimeoutMs})`,
    );
  }
  return {
    databaseStatementTimeoutMs,
    databaseMaintenanceStatementTimeoutMs,
    databaseConnectTimeoutMs: intFrom(env, 'DATABASE_CONNECT_TIMEOUT_MS', defaults.connectTimeoutMs, 100, 600_000),
  };
}

/** A fraction in (0, 1], written as a decimal (`0.1`). */
function shareFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = rawFrom(env, name);
  if (raw === null) return fallback;
  const value = /^(0?\.\d+|1(\.0+)?|0\.\d+)$/.test(raw) ? Number(raw) : NaN;
  if (!(value > 0 && value <= 1)) throw new ConfigError(name, raw, 'use a fraction above 0 and at most 1, e.g. 0.1');
  return value;
}

/** INTEGRITY_KEY_FILE: a file path (resolved), not a directory; default integrity-key.pem in DATA_DIR. */
function keyFileFrom(env: NodeJS.ProcessEnv, dataDir: string): string {
  const raw = rawFrom(env, 'INTEGRITY_KEY_FILE');
  if (raw === null) return path.join(dataDir, 'integrity-key.pem');
  const resolved = path.resolve(raw);
  if (raw.includes('\0') || (existsSync(resolved) && statSync(resolved).isDirectory())) {
    throw new ConfigError('INTEGRITY_KEY_FILE', JSON.stringify(raw), 'use the path of a file (a PEM private key)');
  }
  return resolved;
}

/** A URL's password never goes into a message. */
function redact(raw: string): string {
  return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}

/** A directory, resolved against the working directory; it may not exist yet, but must not be a file. */
function directoryFrom(env: NodeJS.ProcessEnv, name: string, fallback: string | null): string | null {
  const raw = rawFrom(env, name) ?? fallback;
  if (raw === null) return null;
  const resolved = path.resolve(raw);
  if (raw.includes('\0')) throw new ConfigError(name, JSON.stringify(raw), 'use a directory path');
  if (existsSync(resolved) && !statSync(resolved).isDirectory()) {
    throw new ConfigError(name, raw, `use a directory (${resolved} is a file)`);
  }
  return resolved;
}

/** Comma-separated browser origins (`https://host[:port]`) or `*`. */
function originsFrom(env: NodeJS.ProcessEnv, name: string): string[] {
  const origins = (env[name] ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of origins) {
    if (origin === '*') continue;
    let valid = false;
    try {
      const url = new URL(origin);
      valid = ['http:', 'https:'].includes(url.protocol) && url.origin === origin.replace(/\/$/, '');
    } catch {
      valid = false;
    }
    if (!valid) throw new ConfigError(name, origin, 'use * or comma-separated origins like https://app.example.com');
  }
  return origins;
}

/** Most workers WEB_CONCURRENCY accepts: far above any core count the service is meant for, below a fork bomb. */
export const MAX_WEB_CONCURRENCY = 64;

/** WEB_CONCURRENCY: 1 to MAX_WEB_CONCURRENCY, and 1 with PGlite (one process per data directory, ADR 090). */
function webConcurrencyFrom(env: NodeJS.ProcessEnv, databaseUrl: string | null): number {
  const workers = intFrom(env, 'WEB_CONCURRENCY', 1, 1, MAX_WEB_CONCURRENCY);
  if (workers > 1 && databaseUrl === null) {
    throw new ConfigError(
      'WEB_CONCURRENCY',
      String(workers),
      'several worker processes need PostgreSQL (DATABASE_URL); the embedded database admits one process: use 1',
    );
  }
  return workers;
}

/** Reads the configuration from an environment (defaults to `process.env`); throws ConfigError on a malformed value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Checked like every other setting: `NODE_ENV=prod` would otherwise leave introspection on without a word.
  const nodeEnv = enumFrom(env, 'NODE_ENV', NODE_ENVS, 'development');
  const dataDir = directoryFrom(env, 'DATA_DIR', './data') as string;
  const databaseUrl = urlFrom(env, 'DATABASE_URL', ['postgresql', 'postgres']);
  return {
    port: intFrom(env, 'PORT', 4000, 0, 65535),
    databaseUrl,
    dataDir,
    webConcurrency: webConcurrencyFrom(env, databaseUrl),
    adminApiKey: env.ADMIN_API_KEY?.trim() || null,
    databasePoolSize: intFrom(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
    databasePreparedStatements: boolFrom(env, 'DATABASE_PREPARED_STATEMENTS', true),
    ...databaseTimeoutsFrom(env),
    production: nodeEnv === 'production',
    shutdownTimeoutSeconds: intFrom(env, 'SHUTDOWN_TIMEOUT_SECONDS', 10, 0, 3600),
    ...httpTimeoutsFrom(env),
    httpMaxHeaderBytes: intFrom(env, 'HTTP_MAX_HEADER_BYTES', 16 * 1024, 1024, 1024 * 1024),
    maxBodyBytes: intFrom(env, 'MAX_BODY_BYTES', 1024 * 1024, 1024, 1024 * 1024 * 1024),
    maxBatchBodyBytes: intFrom(env, 'MAX_BATCH_BODY_BYTES', 16 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    maxInflightBodyBytes: intFrom(env, 'MAX_INFLIGHT_BODY_BYTES', 32 * 1024 * 1024, 1024, 16 * 1024 * 1024 * 1024),
    maxJsonDepth: intFrom(env, 'MAX_JSON_DEPTH', 32, 1, 1000),
    corsOrigins: originsFrom(env, 'CORS_ORIGINS'),
    graphqlIntrospection: boolFrom(env, 'GRAPHQL_INTROSPECTION', nodeEnv !== 'production'),
    graphqlMaxDepth: intFrom(env, 'GRAPHQL_MAX_DEPTH', 10, 2, 100),
    graphqlMaxFields: intFrom(env, 'GRAPHQL_MAX_FIELDS', 500, 10, 100000),
    graphqlMaxCost: intFrom(env, 'GRAPHQL_MAX_COST', 120_000, 100, 100_000_000),
    rateLimitPerMinute: intFrom(env, 'RATE_LIMIT_PER_MINUTE', 0, 0, 10_000_000),
    logLevel: enumFrom(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
    timelineRefreshSeconds: intFrom(env, 'TIMELINE_REFRESH_SECONDS', 60, 0, 86400),
    timelineRefreshRows: intFrom(env, 'TIMELINE_REFRESH_ROWS', 5000, 0, 100_000_000),
    coalesceWindowMs: intFrom(env, 'COALESCE_WINDOW_MS', 2, 0, 1000),
    coalesceMaxBatch: intFrom(env, 'COALESCE_MAX_BATCH', 200, 1, 1000),
    partitionInterval: enumFrom(env, 'PARTITION_INTERVAL', PARTITION_INTERVALS, 'month'),
    retentionDays: optionalIntFrom(env, 'RETENTION_DAYS', 1, 365_000),
    archiveDir: directoryFrom(env, 'ARCHIVE_DIR', null),
    redisUrl: urlFrom(env, 'REDIS_URL', ['redis', 'rediss']),
    maxSubscriptions: intFrom(env, 'MAX_SUBSCRIPTIONS', 2000, 0, 1_000_000),
    maxSubscriptionsPerKey: intFrom(env, 'MAX_SUBSCRIPTIONS_PER_KEY', 100, 1, 1_000_000),
    feedBufferEvents: intFrom(env, 'FEED_BUFFER_EVENTS', 1000, 10, 1_000_000),
    feedHeartbeatSeconds: intFrom(env, 'FEED_HEARTBEAT_SECONDS', 15, 1, 3600),
    checkpointSeconds: intFrom(env, 'CHECKPOINT_SECONDS', 60, 0, 86_400),
    checkpointRows: intFrom(env, 'CHECKPOINT_ROWS', 10_000, 100, 1_000_000),
    checkpointCpuShare: shareFrom(env, 'CHECKPOINT_CPU_SHARE', 0.1),
    integrityKeyFile: keyFileFrom(env, dataDir),
  };
}
