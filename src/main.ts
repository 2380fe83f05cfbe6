import 'reflect-metadata';
import type { Server } from 'node:http';
import { attachSubscriptions, buildApp } from './app';
import { LiveFeed } from './feed/live-feed';
import { createHttpServer } from './server';
import { ensureBootstrapKey } from './auth/api-key.service';
import { ConfigError, loadConfig } from './config';
import { DataDirInUseError } from './db/data-dir-lock';
import { openMigratedDatabase, postgresOptions } from './db/open';
import { deleteExpiredIdempotencyKeys } from './idempotency/idempotency.service';
import { bufferedStdout, createLogger } from './observability/logger';
import { createMetrics } from './observability/metrics';
import { startTimelineRefresher } from './timeline/timeline.refresher';
import { createInteractionCoalescer } from './interactions/interaction.coalescer';
import { listenForChanges } from './db/change-events';
import { startMaintenance } from './retention/maintenance';
import { localRequestLimiter, sharedRequestLimiter } from './auth/rate-limiter';
import { loadOrCreateSigningKey } from './integrity/signing-key';
import { startSealerThread } from './integrity/sealer-thread';

const HOUR_MS = 3_600_000;

async function main() {
  const config = loadConfig();
  const logOut = bufferedStdout();
  const log = createLogger({ level: config.logLevel, destination: logOut });
  const exit = (code: number) => {
    logOut.flushSync();
    process.exit(code);
  };
  const { db, applied } = await openMigratedDatabase(config, {
    // Once per outage, not once per refused request.
    onAvailabilityChange: (state, error) =>
      state === 'open'
        ? log.error({ err: error }, 'database unreachable: refusing requests (503) until a probe gets an answer')
        : log.info('database reachable again'),
  });
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
  // Tamper evidence (docs/integrity.md): the signing key, made on first start like the admin key, and the sealer.
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
  if (integrityKey?.created) {
    process.stdout.write(
      `\n  First start: created the integrity signing key ${integrityKey.keyId} in ${config.integrityKeyFile}.\n` +
        `  Keep a copy of its public key (${config.integrityKeyFile}.pub) away from this host: verifiers need it.\n\n` +
        `${integrityKey.publicKeyPem}\n`,
    );
  }
  const app = await buildApp({
    db,
    config,
    logger: log,
    metrics,
    interactionWriter,
    rateLimiter,
    liveFeed,
    integrityKey,
  });
  const server: Server = createHttpServer(app, config);
  const closeSubscriptions = attachSubscriptions(app, server);
  server.listen(config.port, () => {
    log.info({ port: config.port, url: `http://localhost:${config.port}` }, 'listening');
  });
  // Started here, not in buildApp, so tests and scripts that build an app run no timers.
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
  server.on('error', (error) => {
    log.error({ err: error }, 'server error');
    exit(1);
  });

  const sweeper = setInterval(() => {
    deleteExpiredIdempotencyKeys(db).catch((error) => log.warn({ err: error }, 'idempotency sweep failed'));
  }, HOUR_MS);
  sweeper.unref();

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    clearInterval(sweeper);
    // Stop accepting, let in-flight requests finish, then close the database.
    const force = setTimeout(() => {
      log.warn('shutdown timeout: closing remaining connections');
      server.closeAllConnections();
    }, config.shutdownTimeoutSeconds * 1000);
    force.unref();
    // Live streams never end by themselves: end them first, each told its cursor (SSE `end`, WebSocket 1001).
    void liveFeed.close().then(closeSubscriptions, (error) => log.warn({ err: error }, 'closing the live feed failed'));
    server.close(async () => {
      try {
        await refresher?.stop();
        await maintenance.stop();
        await sealer?.stop();
        await interactionWriter.close();
        await stopListening();
        await rateLimiter.close();
        await db.close();
        log.info('stopped');
        exit(0);
      } catch (error) {
        log.error({ err: error }, 'error while closing the database');
        exit(1);
      }
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error) => {
  // A wrong setting or a data directory in use is the user's to fix: one plain line that says what and how.
  if (error instanceof ConfigError || error instanceof DataDirInUseError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  process.stderr.write(
    `${JSON.stringify({ level: 'fatal', time: new Date().toISOString(), msg: 'failed to start', error: error instanceof Error ? error.message : String(error) })}\n`,
  );
  process.exit(1);
});
