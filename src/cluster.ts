import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { Config } from './config';
import { openDatabase } from './db/database';
import { postgresOptions } from './db/open';
import { createLogger, sharedBufferedStdout } from './observability/logger';
import { createMetrics, type Metrics } from './observability/metrics';
import { loadIntegrityKey, logAvailability, prepareDatabase, serve, shutDownOnSignals, startJobs } from './service';

/**
 * WEB_CONCURRENCY above 1 (ADR 106): one primary process and that many workers on the one port (node:cluster). The
 * primary migrates, makes the first keys and runs the once-per-service jobs; it serves nothing. Each worker opens its
 * own pool (its share of DATABASE_POOL_SIZE) and serves HTTP exactly as a single process does, with its own
 * coalescer, caches and rate limit counts.
 */

/** Connections of the primary's pool: the jobs only (timeline refresh, maintenance, idempotency sweep). */
export const PRIMARY_POOL_SIZE = 3;

/**
 * Each worker's pool: DATABASE_POOL_SIZE is the service's, split evenly (at least 1 each), so turning workers on does
 * not multiply the connections PostgreSQL must admit.
 */
export function workerPoolSize(config: Pick<Config, 'databasePoolSize' | 'webConcurrency'>): number {
  return Math.max(1, Math.floor(config.databasePoolSize / config.webConcurrency));
}

/** Unexpected worker exits replaced within REPLACEMENT_WINDOW_MS; one more and the service gives up (exit 1). */
export const MAX_REPLACEMENTS = 5;
export const REPLACEMENT_WINDOW_MS = 60_000;

/**
 * `/metrics` of the whole service: the worker that is scraped asks the primary (SCRAPE), which collects every worker's
 * metrics (COLLECT/COLLECTED, as JSON), adds its own (the jobs') and answers the sum (SCRAPED).
 */
const SCRAPE = 'interactions:metrics-scrape';
const SCRAPED = 'interactions:metrics-scraped';
const COLLECT = 'interactions:metrics-collect';
const COLLECTED = 'interactions:metrics-collected';
/** Longest the primary waits for one worker's metrics; one that does not answer in time is left out of that scrape. */
const COLLECT_TIMEOUT_MS = 2000;

interface MetricsMessage {
  type?: string;
  id?: number;
  text?: string;
  metrics?: object[];
}

/** Sends on a worker's channel unless it has closed (a worker exiting); false when not sent. */
function sendTo(target: Worker | NodeJS.Process, message: MetricsMessage): boolean {
  try {
    if (target === process) {
      if (!process.connected || !process.send) return false;
      process.send(message);
    } else {
      const worker = target as Worker;
      if (!worker.isConnected()) return false;
      worker.send(message);
    }
    return true;
  } catch {
    return false;
  }
}

/** The primary's side of `/metrics`: the sum of its own metrics and every live worker's. */
function serveScrapes(own: Metrics, live: Set<Worker>): void {
  let next = 0;
  const waiting = new Map<number, (metrics: object[]) => void>();
  const collect = (worker: Worker) =>
    new Promise<object[]>((resolve) => {
      const id = ++next;
      const timer = setTimeout(() => done([]), COLLECT_TIMEOUT_MS);
      const done = (metrics: object[]) => {
        clearTimeout(timer);
        waiting.delete(id);
        resolve(metrics);
      };
      waiting.set(id, done);
      if (!sendTo(worker, { type: COLLECT, id })) done([]);
    });
  const scrape = async () => {
    const all = await Promise.all([own.registry.getMetricsAsJSON(), ...[...live].map(collect)]);
    // Counters and histograms add up; prom-client's default metrics carry their own rule (e.g. the Node version).
    return AggregatorRegistry.aggregate(all).metrics();
  };
  cluster.on('message', (worker, message: MetricsMessage) => {
    if (message?.type === COLLECTED && message.id !== undefined) waiting.get(message.id)?.(message.metrics ?? []);
    if (message?.type === SCRAPE && message.id !== undefined) {
      const id = message.id;
      void scrape().then(
        (text) => sendTo(worker, { type: SCRAPED, id, text }),
        () => sendTo(worker, { type: SCRAPED, id }),
      );
    }
  });
}

/**
 * A worker's side of `/metrics`: answers the primary's COLLECT with its own metrics, and scrapes through the
 * primary; its own metrics alone if the primary does not answer (it is gone, or busy past the timeout).
 */
function scrapeThroughPrimary(): (metrics: Metrics) => () => Promise<string> {
  let own: Metrics | null = null;
  let next = 0;
  const waiting = new Map<number, (text: string | undefined) => void>();
  process.on('message', (message: MetricsMessage) => {
    if (message?.type === COLLECT && message.id !== undefined) {
      const id = message.id;
      void (own ? own.registry.getMetricsAsJSON() : Promise.resolve([])).then(
        (metrics) => sendTo(process, { type: COLLECTED, id, metrics }),
        () => sendTo(process, { type: COLLECTED, id, metrics: [] }),
      );
    }
    if (message?.type === SCRAPED && message.id !== undefined) waiting.get(message.id)?.(message.text);
  });
  return (metrics) => {
    own = metrics;
    return () =>
      new Promise<string | undefined>((resolve) => {
        const id = ++next;
        const timer = setTimeout(() => done(undefined), COLLECT_TIMEOUT_MS + 1000);
        const done = (text: string | undefined) => {
          clearTimeout(timer);
          waiting.delete(id);
          resolve(text);
        };
        waiting.set(id, done);
        if (!sendTo(process, { type: SCRAPE, id })) done(undefined);
      }).then((text) => text ?? metrics.registry.metrics());
  };
}

/** The primary: prepares once, forks the workers, replaces one that dies, and on SIGTERM/SIGINT stops them first. */
export async function runPrimary(config: Config): Promise<void> {
  const logOut = sharedBufferedStdout();
  const log = createLogger({
    level: config.logLevel,
    destination: logOut,
    base: { pid: process.pid, role: 'primary' },
  });
  const exit = (code: number) => {
    logOut.flushSync();
    process.exit(code);
  };
  // Its pool serves the jobs only: requests go to the workers' pools.
  const db = await prepareDatabase(
    { ...config, databasePoolSize: Math.min(config.databasePoolSize, PRIMARY_POOL_SIZE) },
    log,
  );
  const integrityKey = await loadIntegrityKey(config);
  if (config.rateLimitPerMinute > 0 && !config.redisUrl) {
    log.warn(
      { workers: config.webConcurrency, perMinute: config.rateLimitPerMinute },
      'rate limit: each worker counts its own requests without REDIS_URL, so a key may make up to WEB_CONCURRENCY ' +
        'times RATE_LIMIT_PER_MINUTE',
    );
  }

  const live = new Set<Worker>();
  const replacedAt: number[] = [];
  let stopping = false;
  let exitCode = 0;
  let allExited: () => void = () => undefined;
  const noneLeft = new Promise<void>((resolve) => (allExited = resolve));

  const fork = () => {
    const worker = cluster.fork();
    live.add(worker);
    return worker;
  };
  let listening = 0;
  cluster.on('listening', (worker, address) => {
    listening += 1;
    if (listening === config.webConcurrency) {
      log.info({ workers: config.webConcurrency, port: address.port }, 'workers listening');
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    live.delete(worker);
    const who = { worker: worker.id, workerPid: worker.process.pid, code, signal };
    if (stopping) {
      // SIGTERM's default action: a worker told to stop before it had set up its handlers (it had served nothing).
      if (code !== 0 && signal !== 'SIGTERM') {
        log.error(who, 'worker exited with an error while shutting down');
        exitCode = 1;
      }
      if (live.size === 0) allExited();
      return;
    }
    log.error(who, 'worker exited unexpectedly');
    const now = Date.now();
    while (replacedAt.length > 0 && now - replacedAt[0] > REPLACEMENT_WINDOW_MS) replacedAt.shift();
    if (replacedAt.length >= MAX_REPLACEMENTS) {
      // A crash loop (a bad setting, a database that refuses workers): give up rather than spin; the process
      // supervisor restarts the whole service, with backoff.
      log.fatal(
        { replaced: replacedAt.length, withinSeconds: REPLACEMENT_WINDOW_MS / 1000 },
        'workers keep exiting: shutting down',
      );
      exitCode = 1;
      shutdown('workers keep exiting');
      return;
    }
    replacedAt.push(now);
    const replacement = fork();
    log.warn({ worker: replacement.id, workerPid: replacement.process.pid, replaces: worker.id }, 'worker replaced');
  });
  for (let i = 0; i < config.webConcurrency; i += 1) fork();

  // The jobs run here, once for the service; their metrics join the workers' in every scrape of /metrics.
  const metrics = createMetrics(db);
  serveScrapes(metrics, live);
  const jobs = startJobs(db, config, log, metrics, integrityKey);

  const shutdown = (reason: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal: reason }, 'shutting down');
    // Workers first, each as a single process shuts down: finish in flight, write the pending group, end streams.
    if (live.size === 0) allExited();
    for (const worker of live) worker.process.kill('SIGTERM');
    void noneLeft.then(async () => {
      try {
        await jobs.stop();
        await db.close();
        log.info('stopped');
        exit(exitCode);
      } catch (error) {
        log.error({ err: error }, 'error while closing the database');
        exit(1);
      }
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** A worker: its own pool, app and server on the shared port; shuts down on SIGTERM/SIGINT or when the primary is gone. */
export async function runWorker(serviceConfig: Config): Promise<void> {
  const config = { ...serviceConfig, databasePoolSize: workerPoolSize(serviceConfig) };
  const logOut = sharedBufferedStdout();
  const log = createLogger({
    level: config.logLevel,
    destination: logOut,
    base: { pid: process.pid, worker: cluster.worker?.id },
  });
  const exit = (code: number) => {
    logOut.flushSync();
    process.exit(code);
  };
  // The primary has migrated: open without migrating (config.ts admits WEB_CONCURRENCY > 1 only with PostgreSQL).
  const postgres = postgresOptions(config);
  if (!postgres) throw new Error('a worker needs DATABASE_URL');
  const db = await openDatabase({ kind: 'postgres', ...postgres, onAvailabilityChange: logAvailability(log) });
  // Made by the primary before it forked: read only.
  const integrityKey = await loadIntegrityKey(config, false);
  const serving = await serve(
    db,
    config,
    log,
    integrityKey,
    (error) => {
      log.error({ err: error }, 'server error');
      exit(1);
    },
    scrapeThroughPrimary(),
  );

  const shutdown = shutDownOnSignals({ serving, db, log, exit });
  process.on('disconnect', () => shutdown('primary exited'));
}
