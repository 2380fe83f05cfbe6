import type { Database, SqlExecutor } from '../db/database';
import { maintenanceTransaction } from '../db/long-running';
import { AppError } from '../errors/app-error';
import type { PartitionInterval, TimeRange } from '../partitions/partition.period';
import {
  DEFAULT_PARTITION,
  PARTITION_LOCK,
  ensurePartitionsWithin,
  listPartitions,
  type PartitionRecord,
} from '../partitions/partition.service';
import { TIMELINE_REFRESH_LOCK } from '../timeline/timeline.refresh';
import { writeArchive, type ArchiveManifest } from './archive';

const DAY_MS = 86_400_000;

/** How long a drop waits for the locks it needs before giving up (it is tried again at the next run). */
const DROP_LOCK_TIMEOUT = '10s';

/** What retention keeps and where it archives. */
export interface RetentionPolicy {
  /** Days of interactions kept; null keeps everything. */
  retentionDays: number | null;
  interval: PartitionInterval;
  /** Directory of archives written before a drop; null drops without one. */
  archiveDir: string | null;
}

/** One partition as the retention status shows it. */
export interface RetentionPartition {
  name: string;
  /** Null for the default partition (rows of periods without a partition of their own). */
  rangeStart: Date | null;
  rangeEnd: Date | null;
  /** Exact row count. */
  rows: number;
  sizeBytes: number;
  /** Whether the next run drops it. */
  expired: boolean;
}

/** A range retention dropped. */
export interface DroppedRange {
  rangeStart: Date;
  rangeEnd: Date;
  rows: number;
  archiveFile: string | null;
  droppedAt: Date;
}

/** Policy, partitions and what the next run will do. */
export interface RetentionStatus {
  policy: RetentionPolicy;
  /** Partitions ending at or before this time are dropped by the next run; null without a policy. */
  cutoff: Date | null;
  /** The earliest time from which the log is whole (end of the latest dropped range); null when nothing was dropped. */
  retainedFrom: Date | null;
  lastRunAt: Date | null;
  partitions: RetentionPartition[];
  /** Names of the partitions the next run drops. */
  nextDrops: string[];
  dropped: DroppedRange[];
}

/** The time before which whole partitions are expired, or null when everything is kept. */
export function retentionCutoff(policy: RetentionPolicy, now: Date): Date | null {
  return policy.retentionDays === null ? null : new Date(now.getTime() - policy.retentionDays * DAY_MS);
}

function isExpired(partition: PartitionRecord, cutoff: Date | null): boolean {
  return cutoff !== null && partition.range !== null && partition.range.end <= cutoff.getTime();
}

/**
 * Exact row counts of partitions in one statement: the timeline's daily counts for the interactions they cover
 * (partitions hold whole UTC days), plus the rows numbered above covered_through counted live — the invariant of
 * docs/adr/003 — so a month of millions of rows costs ~30 table rows and the recent tail, not a scan.
 */
async function countPartitionRows(sql: SqlExecutor, partitions: PartitionRecord[]): Promise<Map<string, number>> {
  const ranged = partitions.filter((p) => p.range);
  const rows = await sql.query<{ name: string; rows: number | string }>(
    `WITH s AS (SELECT covered_through FROM timeline_refresh_state WHERE id = 1)
     SELECT p.name,
       (SELECT COALESCE(sum(c.count), 0) FROM interaction_daily_counts c
         WHERE c.resource_type_id = '00000000-0000-0000-0000-000000000000'
           AND c.action_id = '00000000-0000-0000-0000-000000000000'
           AND c.origin_id = '00000000-0000-0000-0000-000000000000'
           AND c.day >= (p.s AT TIME ZONE 'UTC')::date AND c.day < (p.e AT TIME ZONE 'UTC')::date)
       + (SELECT count(*) FROM interactions i, s
           WHERE i.interaction_number > s.covered_through AND i.created_date >= p.s AND i.created_date < p.e) AS rows
     FROM unnest($1::text[], $2::timestamptz[], $3::timestamptz[]) AS p(name, s, e)
     UNION ALL
     SELECT '${DEFAULT_PARTITION}', count(*) FROM ${DEFAULT_PARTITION}`,
    [ranged.map((p) => p.name), ranged.map((p) => new Date(p.range!.start)), ranged.map((p) => new Date(p.range!.end))],
  );
  return new Map(rows.map((row) => [row.name, Number(row.rows)]));
}

export interface GetRetentionStatusOptions {
  policy: RetentionPolicy;
  /** The current time (tests); default now. */
  now?: Date;
}

/** The retention policy, every partition with its rows and size, and what the next run drops. */
export async function getRetentionStatus(
  db: Database,
  { policy, now = new Date() }: GetRetentionStatusOptions,
): Promise<RetentionStatus> {
  const cutoff = retentionCutoff(policy, now);
  const partitions = await listPartitions(db.sql);
  const [counts, dropped, [state]] = await Promise.all([
    countPartitionRows(db.sql, partitions),
    db.sql.query<DroppedRange & { rows: number | string }>(
      `SELECT range_start AS "rangeStart", range_end AS "rangeEnd", row_count AS rows, archive_file AS "archiveFile",
         dropped_at AS "droppedAt" FROM retention_dropped_ranges ORDER BY range_start`,
    ),
    db.sql.query<{ lastRunAt: Date | null }>(`SELECT last_run_at AS "lastRunAt" FROM retention_state WHERE id = 1`),
  ]);
  const rows = partitions.map((p) => ({
    name: p.name,
    rangeStart: p.range ? new Date(p.range.start) : null,
    rangeEnd: p.range ? new Date(p.range.end) : null,
    rows: counts.get(p.name) ?? 0,
    sizeBytes: p.sizeBytes,
    expired: isExpired(p, cutoff),
  }));
  const ends = dropped.map((d) => new Date(d.rangeEnd).getTime());
  return {
    policy,
    cutoff,
    retainedFrom: ends.length ? new Date(Math.max(...ends)) : null,
    lastRunAt: state?.lastRunAt ?? null,
    partitions: rows,
    nextDrops: rows.filter((p) => p.expired).map((p) => p.name),
    dropped: dropped.map((d) => ({ ...d, rows: Number(d.rows) })),
  };
}

/** One partition dropped (or, in a dry run, that would be). */
export interface RetentionDrop {
  name: string;
  rangeStart: Date;
  rangeEnd: Date;
  rows: number;
  /** The archive written before the drop; null without ARCHIVE_DIR or in a dry run. */
  archive: ArchiveManifest | null;
}

/** What a retention run did. */
export interface RetentionRun {
  dryRun: boolean;
  cutoff: Date | null;
  dropped: RetentionDrop[];
  /** True when the run was not due (another instance ran it less than a day ago): nothing was done. */
  skipped: boolean;
}

export interface RunRetentionOptions {
  policy: RetentionPolicy;
  /** List what would be dropped, change nothing. */
  dryRun?: boolean;
  /**
   * Run only when no run started in the last `onlyIfDueHours` hours (the daily scheduler of every instance: one of
   * them runs). Absent: run now whatever the last run.
   */
  onlyIfDueHours?: number;
  now?: Date;
}

/**
 * Drops every partition whose whole range is older than the policy's cutoff, never deleting rows one by one: first
 * moves stray rows out of the default partition (so old ones get their own partition), then, per expired partition
 * and oldest first, writes its archive (with ARCHIVE_DIR: fsynced, re-read and checked) and drops it, keeping the
 * timeline's daily counts, trace summaries and retainedFrom consistent in the same transaction.
 */
export async function runRetention(
  db: Database,
  { policy, dryRun = false, onlyIfDueHours, now = new Date() }: RunRetentionOptions,
): Promise<RetentionRun> {
  const cutoff = retentionCutoff(policy, now);
  if (!dryRun && onlyIfDueHours !== undefined) {
    const [claimed] = await db.sql.query(
      `UPDATE retention_state SET last_run_at = now()
        WHERE id = 1 AND (last_run_at IS NULL OR last_run_at < now() - make_interval(hours => $1)) RETURNING 1`,
      [onlyIfDueHours],
    );
    if (!claimed) return { dryRun, cutoff, dropped: [], skipped: true };
  } else if (!dryRun) {
    await db.sql.query('UPDATE retention_state SET last_run_at = now() WHERE id = 1');
  }
  if (cutoff === null) return { dryRun, cutoff, dropped: [], skipped: false };
  if (!dryRun) await maintenanceTransaction(db, (tx) => ensurePartitionsWithin(tx, { interval: policy.interval, now }));
  const status = await getRetentionStatus(db, { policy, now });
  const expired = status.partitions.filter((p) => p.expired);
  const dropped: RetentionDrop[] = [];
  for (const partition of expired) {
    const range = { start: partition.rangeStart!.getTime(), end: partition.rangeEnd!.getTime() };
    if (dryRun) {
      dropped.push({ ...partitionDrop(partition.name, range, partition.rows), archive: null });
      continue;
    }
    const archive = policy.archiveDir
      ? await writeArchive(db.sql, { dir: policy.archiveDir, partition: partition.name, range })
      : null;
    const rows = await dropPartition(db, { name: partition.name, range, archive });
    if (rows !== null) dropped.push({ ...partitionDrop(partition.name, range, rows), archive });
  }
  return { dryRun, cutoff, dropped, skipped: false };
}

function partitionDrop(name: string, range: TimeRange, rows: number) {
  return { name, rangeStart: new Date(range.start), rangeEnd: new Date(range.end), rows };
}

/**
 * Drops one partition in one transaction, with what depends on its rows: the timeline's daily counts of its days,
 * the stored summaries of the units of work it held (recomputed from what is left on their next read), a cut-trace
 * mark for each of those units of work that keeps interactions elsewhere, and the dropped range (retainedFrom).
 * With an archive, the partition must still hold exactly the archived rows. Returns the rows dropped, or null when
 * another run dropped it first.
 */
async function dropPartition(
  db: Database,
  { name, range, archive }: { name: string; range: TimeRange; archive: ArchiveManifest | null },
): Promise<number | null> {
  return maintenanceTransaction(db, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK]);
    // The refresh adds counts under this lock: none may land on the days removed here.
    await tx.query('SELECT pg_advisory_xact_lock($1)', [TIMELINE_REFRESH_LOCK]);
    if (!(await listPartitions(tx)).some((p) => p.name === name)) return null;
    await tx.exec(`SET LOCAL lock_timeout = '${DROP_LOCK_TIMEOUT}'`);
    await tx.exec(`LOCK TABLE ${name} IN ACCESS EXCLUSIVE MODE`);
    const [held] = await tx.query<{ rows: number; first: number | null; last: number | null }>(
      `SELECT count(*) AS rows, min(interaction_number) AS first, max(interaction_number) AS last FROM ${name}`,
    );
    if (
      archive &&
      (Number(held.rows) !== archive.rowCount || held.first !== archive.firstNumber || held.last !== archive.lastNumber)
    ) {
      throw new AppError('CONFLICT', `${name} changed after it was archived; it is archived again at the next run`);
    }
    const start = new Date(range.start);
    const end = new Date(range.end);
    const outside = `(i.created_date < $2 OR i.created_date >= $3)`;
    await tx.query(
      `INSERT INTO retention_cut_traces (uow_id, range_end)
       SELECT DISTINCT d.uow_id, $1::timestamptz FROM ${name} d
        WHERE EXISTS (SELECT 1 FROM interactions i WHERE i.uow_id = d.uow_id AND ${outside})
       ON CONFLICT DO NOTHING`,
      [end, start, end],
    );
    await tx.query(`DELETE FROM trace_summaries s WHERE EXISTS (SELECT 1 FROM ${name} d WHERE d.uow_id = s.uow_id)`);
    await tx.query(
      `DELETE FROM interaction_daily_counts
        WHERE day >= ($1::timestamptz AT TIME ZONE 'UTC')::date AND day < ($2::timestamptz AT TIME ZONE 'UTC')::date`,
      [start, end],
    );
    await tx.query(
      `INSERT INTO retention_dropped_ranges (range_start, range_end, row_count, archive_file) VALUES ($1, $2, $3, $4)
       ON CONFLICT (range_start) DO UPDATE SET range_end = EXCLUDED.range_end,
         row_count = retention_dropped_ranges.row_count + EXCLUDED.row_count, archive_file = EXCLUDED.archive_file,
         dropped_at = now()`,
      [start, end, Number(held.rows), archive?.file ?? null],
    );
    await tx.exec(`DROP TABLE ${name}`);
    return Number(held.rows);
  });
}
