import 'reflect-metadata';
import type { Server } from 'node:http';
import { buildApp } from './app';
import { ensureBootstrapKey } from './auth/api-key.service';
import { loadConfig } from './config';
import { openMigratedDatabase } from './db/open';
import { startTimelineRefresher } from './timeline/timeline.refresher';

function log(level: 'info' | 'warn' | 'error', msg: string, extra: Record<string, unknown> = {}) {
  const line = JSON.stringify({ level, time: new Date().toISOString(), msg, ...extra });
  (level === 'info' ? process.stdout : process.stderr).write(`${line}\n`);
}

async function main() {
  const config = loadConfig();
  const { db, applied } = await openMigratedDatabase(config);
  log('info', 'database ready', {
    database: db.kind === 'postgres' ? 'postgresql' : `pglite:${config.dataDir}`,
    migrationsApplied: applied,
  });

  const { createdKey } = await ensureBootstrapKey(db, { adminApiKey: config.adminApiKey });
  if (createdKey) {
    // Shown once: only the hash is stored, so this line is the operator's one chance to copy it.
    process.stdout.write(
      `\n  First start: created an admin API key. Store it now, it will not be shown again:\n\n    ${createdKey}\n\n`,
    );
  }

  const app = await buildApp({ db, config });
  const server: Server = app.listen(config.port, () => {
    log('info', 'listening', { port: config.port, url: `http://localhost:${config.port}` });
  });
  // Started here, not in buildApp, so tests and scripts that build an app run no timers.
  const refresher =
    config.timelineRefreshSeconds > 0
      ? startTimelineRefresher(db, {
          intervalSeconds: config.timelineRefreshSeconds,
          onRefresh: (outcome) => {
            if ('error' in outcome) log('warn', 'timeline refresh failed', { error: String(outcome.error) });
            else if (outcome.result) log('info', 'timeline refreshed', { durationMs: outcome.result.durationMs });
          },
        })
      : null;
  server.on('error', (error) => {
    log('error', 'server error', { error: String(error) });
    process.exit(1);
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('info', 'shutting down', { signal });
    // Stop accepting, let in-flight requests finish, then close the database.
    const force = setTimeout(() => {
      log('warn', 'shutdown timeout: closing remaining connections');
      server.closeAllConnections();
    }, config.shutdownTimeoutSeconds * 1000);
    force.unref();
    server.close(async () => {
      try {
        await refresher?.stop();
        await db.close();
        log('info', 'stopped');
        process.exit(0);
      } catch (error) {
        log('error', 'error while closing the database', { error: String(error) });
        process.exit(1);
      }
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error) => {
  log('error', 'failed to start', { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
