import type { Server } from 'node:http';
import { attachSubscriptions, buildApp } from './app';
import { LiveFeed } from './feed/live-feed';
import { createHttpServer } from './server';
import { ensureBootstrapKey } from './auth/api-key.service';
import { ConfigError, type Config } from './config';
import type { Database } from './db/database';
import { openMigratedDatabase, postgresOptions } from './db/open';
import { deleteExpiredIdempotencyKeys } from './idempotency/idempotency.service';
import type { Logger } from './observability/logger';
import { createMetrics, type Metrics } from './observability/metrics';
import { startTimelineRefresher } from './timeline/timeline.refresher';
import { createInteractionCoalescer } from './interactions/interaction.coalescer';
import { listenForChanges } from './db/change-events';
import { startMaintenance } from './retention/maintenance';
import { localRequestLimiter, sharedRequestLimiter } from './auth/rate-limiter';
import { loadOrCreateSigningKey } from './integrity/signing-key';
import { startSealerThread } from './integrity/sealer-thread';

/**
 * The parts of a start (src/main.ts): what happens once per service (migrations, the first keys, the background
 * jobs) apart from what serves HTTP, so that with WEB_CONCURRENCY above 1 (src/cluster.ts, ADR 106) the primary
 * process does the first and every worker the second.
 */

const HOUR_MS = 3_600_000;

/** The signing key of the sealer, or null with sealing off (CHECKPOINT_SECONDS=0). */
export type IntegrityKey = Awaited<ReturnType<typeof loadOrCreateSigningKey>> | null;

/** Logs the database's circuit breaker opening and closing: once per outage, not once per refused request. */
export function logAvailability(log: Logger) {
  return (state: 'open' | 'closed', error?: unknown) =>
    state === 'open'
      ? log.error({ err: error }, 'database unreachable: refusing requests (503) until a probe gets an answer')
      : log.info('database reachable again');
}

/** Opens and migrates the database and makes the admin key if there is none; once per service. */
export async function prepareDatabase(config: Config, log: Logger): Promise<Database> {
  const { db, applied } = await openMigratedDatabase(config, { onAvailabilityChange: logAvailability(log) });
  log.info(
    { database: db.kind === 'postgres' ? 'postgresql' : `pglite:${config.dataDir}`, migrationsApplied: applied },
    'database ready',
  );

  const { createdKey } = await ensureBootstrapKey(db, { adminApiKey: config.adminApiKey });
  if (createdKey) {
    // Shown once, on the terminal and not in the logs: only the hash is stored, so this is the one chance to copy it.
    process.stdout.write(
      `\n  First start: created an admin API key. Store it now, it will not be shown again:\n\n    ${createdKey}\n\n`,
    );
  }
  return db;
}

/**
 * Tamper evidence (docs/integrity.md): the signing key, made on first start like the admin key. With `announce` the
 * first start prints its public key (the process that makes it; workers only read the file the primary made).
 */
export async function loadIntegrityKey(config: Config, announce = true): Promise<IntegrityKey> {
  const integrityKey =
    config.checkpointSeconds > 0
      ? await loadOrCreateSigningKey(config.integrityKeyFile).catch((error: NodeJS.ErrnoException) => {
          // An unwritable default (a read-only image with DATABASE_URL) is the user's to fix: one plain line.
          throw new ConfigError(
            'INTEGRITY_KEY_FILE',
            config.integrityKeyFile,
            `the signing key cannot be read or made there (${error.code ?? error.message}): point it at a ` +
              'writable file, or set CHECKPOINT_SECONDS=0 to turn sealing off',
          );
        })
      : null;
  if (integrityKey?.created && announce) {
    process.stdout.write(
      `\n  First start: created the integrity signing key ${integrityKey.keyId} in ${config.integrityKeyFile}.\n` +
        `  Keep a copy of its public key (${config.integrityKeyFile}.pub) away from this host: verifiers need it.\n\n` +
        `${integrityKey.publicKeyPem}\n`,
    );
  }
  return integrityKey;
}

/** The HTTP side of a running process: its server listens until closeHttp(); close() after that. */
export interface Serving {
  metrics: Metrics;
  /**
   * Stops accepting, ends every live stream (each told its cursor), lets in-flight requests finish (connections
   * still open after SHUTDOWN_TIMEOUT_SECONDS are closed); resolves once the server has closed.
   */
  closeHttp(): Promise<void>;
  /** Writes the coalescer's pending group, stops listening for changes and closes the rate limiter. */
  close(): Promise<void>;
}

/** Builds the app over an open database and listens on PORT. `onServerError`: the server failed (port taken…). */
export async function serve(
  db: Database,
  config: Config,
  log: Logger,
  integrityKey: IntegrityKey,
  onServerError: (error: Error) => void,
  /** A worker's: `/metrics` answers the whole service's (src/cluster.ts); given this process's metrics. */
  scrapeMetrics?: (metrics: Metrics) => () => Promise<string>,
): Promise<Serving> {
  const metrics = createMetrics(db);
  // Created here (not inside buildApp) so shutdown can write its pending group before the database closes.
  const interactionWriter = createInteractionCoalescer(db, config, metrics);
  // Other instances on the same PostgreSQL database announce lookup and key changes; caches drop their copies then.
  const stopListening = await listenForChanges(db);
  // With REDIS_URL the per-key budget is shared by every instance; without Redis each instance counts its own.
  const rateLimiter = config.redisUrl
    ? await sharedRequestLimiter({
        perMinute: config.rateLimitPerMinute,
        redisUrl: config.redisUrl,
        onFallback: (state, error) =>
          state === 'degraded'
            ? log.warn({ err: error }, 'rate limit: Redis unreachable, counting per instance until it is back')
            : log.info('rate limit: Redis reachable again, counting across instances'),
      })
    : localRequestLimiter(config.rateLimitPerMinute);
  // Created here so shutdown can end every live stream, each with a cursor to resume from, before the server closes.
  const liveFeed = new LiveFeed(db, {
    maxSubscriptions: config.maxSubscriptions,
    maxSubscriptionsPerKey: config.maxSubscriptionsPerKey,
    bufferEvents: config.feedBufferEvents,
    log,
  });
  const app = await buildApp({
    db,
    config,
    logger: log,
    metrics,
    interactionWriter,
    rateLimiter,
    liveFeed,
    integrityKey,
    scrapeMetrics: scrapeMetrics?.(metrics),
  });
  const server: Server = createHttpServer(app, config);
  const closeSubscriptions = attachSubscriptions(app, server);
  server.on('error', onServerError);
  server.listen(config.port, () => {
    log.info({ port: config.port, url: `http://localhost:${config.port}` }, 'listening');
  });
  return {
    metrics,
    closeHttp: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          log.warn('shutdown timeout: closing remaining connections');
          server.closeAllConnections();
        }, config.shutdownTimeoutSeconds * 1000);
        force.unref();
        // Live streams never end by themselves: end them first, each told its cursor (SSE `end`, WebSocket 1001).
        void liveFeed
          .close()
          .then(closeSubscriptions, (error) => log.warn({ err: error }, 'closing the live feed failed'));
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
    async close() {
      await interactionWriter.close();
      await stopListening();
      await rateLimiter.close();
    },
  };
}

/**
 * The once-per-service background jobs: the timeline refresher, the sealer thread, partition maintenance and
 * retention, the idempotency sweeper. Started apart from buildApp so tests and scripts that build an app run no
 * timers. `stop()` waits for a job in progress.
 */
export function startJobs(
  db: Database,
  config: Config,
  log: Logger,
  metrics: Metrics,
  integrityKey: IntegrityKey,
): { stop(): Promise<void> } {
  const refresher =
    config.timelineRefreshSeconds > 0 || config.timelineRefreshRows > 0
      ? startTimelineRefresher(db, {
          intervalSeconds: config.timelineRefreshSeconds,
          rowThreshold: config.timelineRefreshRows,
          onRefresh: (outcome) => {
            if ('error' in outcome) log.warn({ err: outcome.error, reason: outcome.reason }, 'timeline refresh failed');
            else if (outcome.result) {
              metrics.timelineRefreshDuration.observe(outcome.result.durationMs / 1000);
              const { durationMs, rolledUp } = outcome.result;
              // Under a steady write load the row threshold refreshes every few seconds: not worth an info line each.
              log[outcome.reason === 'rows' ? 'debug' : 'info'](
                { durationMs, rolledUp, reason: outcome.reason },
                'timeline refreshed',
              );
            }
          },
        })
      : null;
  // On a thread of its own with PostgreSQL (sealer-thread.ts): 2 connections besides the pool.
  const postgres = postgresOptions(config);
  const sealer = integrityKey
    ? startSealerThread(db, integrityKey, {
        intervalSeconds: config.checkpointSeconds,
        maxRows: config.checkpointRows,
        cpuShare: config.checkpointCpuShare,
        log,
        database: postgres && { ...postgres, poolSize: 2 },
        logLevel: log.level,
      })
    : null;
  // Partitions ahead of time and retention: at start, then hourly (advisory locks make instances take turns).
  const maintenance = startMaintenance(db, { config, log, metrics });
  const sweeper = setInterval(() => {
    deleteExpiredIdempotencyKeys(db).catch((error) => log.warn({ err: error }, 'idempotency sweep failed'));
  }, HOUR_MS);
  sweeper.unref();
  return {
    async stop() {
      clearInterval(sweeper);
      await refresher?.stop();
      await maintenance.stop();
      await sealer?.stop();
    },
  };
}

/**
 * Shuts the service down on SIGTERM and SIGINT: stops accepting, lets in-flight requests finish, then runs `before`
 * (the jobs, where this process runs them), closes the app and the database, and exits 0, or 1 when closing fails.
 * Returns the shutdown itself, for other reasons to stop (a worker whose primary is gone); it runs once.
 */
export function shutDownOnSignals(
  { serving, db, log, exit }: { serving: Serving; db: Database; log: Logger; exit: (code: number) => void },
  before: () => Promise<void> = async () => undefined,
): (reason: string) => void {
  let stopping = false;
  const shutdown = (reason: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal: reason }, 'shutting down');
    void serving.closeHttp().then(async () => {
      try {
        await before();
        await serving.close();
        await db.close();
        log.info('stopped');
        exit(0);
      } catch (error) {
        log.error({ err: error }, 'error while closing the database');
        exit(1);
      }
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  return shutdown;
}
