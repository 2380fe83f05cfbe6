import type { Config } from '../config';
import type { Database } from '../db/database';
import type { Logger } from '../observability/logger';
import type { Metrics } from '../observability/metrics';
import { ensurePartitions } from '../partitions/partition.service';
import { runRetention, type RetentionPolicy, type RetentionRun } from './retention.service';

/** How often maintenance looks for work. Creating partitions is a no-op when they exist; retention runs once a day. */
export const MAINTENANCE_CHECK_MS = 3_600_000;

/** A retention run counts as today's for this long: every instance checks hourly, one of them runs it. */
export const RETENTION_EVERY_HOURS = 23;

/** The retention policy of a configuration. */
export function retentionPolicyOf(config: Config): RetentionPolicy {
  return { retentionDays: config.retentionDays, interval: config.partitionInterval, archiveDir: config.archiveDir };
}

export interface MaintenanceOptions {
  config: Config;
  log: Logger;
  metrics: Metrics;
  /** Milliseconds between checks, default MAINTENANCE_CHECK_MS. */
  checkMs?: number;
}

/** Records a retention run in the log and the metrics (the service and `npm run retention` both report this way). */
export function reportRetentionRun(run: RetentionRun, log: Logger, metrics?: Metrics): void {
  if (run.skipped) return;
  metrics?.retentionRuns.inc();
  for (const drop of run.dropped) {
    metrics?.retentionDroppedPartitions.inc();
    metrics?.retentionDroppedRows.inc(drop.rows);
    log.info(
      { partition: drop.name, rows: drop.rows, archive: drop.archive?.file ?? null, dryRun: run.dryRun },
      run.dryRun ? 'retention would drop partition' : 'retention dropped partition',
    );
  }
  log.info({ cutoff: run.cutoff, dropped: run.dropped.length, dryRun: run.dryRun }, 'retention run');
}

/**
 * Partition maintenance and retention for a running service: at start and every `checkMs`, the partitions of the
 * current and next periods are created (under an advisory lock, so instances do not collide) and, with
 * RETENTION_DAYS, retention runs if no instance ran it in the last RETENTION_EVERY_HOURS. Errors are logged, never
 * thrown: the next check tries again.
 */
export function startMaintenance(
  db: Database,
  { config, log, metrics, checkMs = MAINTENANCE_CHECK_MS }: MaintenanceOptions,
) {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const policy = retentionPolicyOf(config);
  const once = async () => {
    try {
      const { created, moved } = await ensurePartitions(db, { interval: config.partitionInterval });
      if (created.length > 0) {
        metrics.partitionsCreated.inc(created.length);
        log.info({ created, moved }, 'partitions created');
      }
      if (policy.retentionDays !== null && !stopped) {
        reportRetentionRun(await runRetention(db, { policy, onlyIfDueHours: RETENTION_EVERY_HOURS }), log, metrics);
      }
    } catch (error) {
      log.warn({ err: error }, 'partition maintenance or retention failed; retrying at the next check');
    }
  };
  let current = once();
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      current = once().finally(schedule);
    }, checkMs).unref();
  };
  void current.finally(schedule);
  return {
    /** The first round (tests and start-up wait for it). */
    ready: () => current,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
