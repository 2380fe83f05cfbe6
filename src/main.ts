import 'reflect-metadata';
import cluster from 'node:cluster';
import { ConfigError, loadConfig } from './config';
import { DataDirInUseError } from './db/data-dir-lock';
import { bufferedStdout, createLogger } from './observability/logger';
import { runPrimary, runWorker } from './cluster';
import { loadIntegrityKey, prepareDatabase, serve, shutDownOnSignals, startJobs } from './service';

async function main() {
  const config = loadConfig();
  // WEB_CONCURRENCY above 1: a primary that prepares and runs the jobs, and workers that serve (ADR 106).
  if (config.webConcurrency > 1) return cluster.isPrimary ? runPrimary(config) : runWorker(config);

  const logOut = bufferedStdout();
  const log = createLogger({ level: config.logLevel, destination: logOut });
  const exit = (code: number) => {
    logOut.flushSync();
    process.exit(code);
  };
  const db = await prepareDatabase(config, log);
  const integrityKey = await loadIntegrityKey(config);
  const serving = await serve(db, config, log, integrityKey, (error) => {
    log.error({ err: error }, 'server error');
    exit(1);
  });
  const jobs = startJobs(db, config, log, serving.metrics, integrityKey);

  // In-flight requests finish, then the jobs stop, then the app and the database close.
  shutDownOnSignals({ serving, db, log, exit }, () => jobs.stop());
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
