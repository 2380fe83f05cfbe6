import type { Database, SqlExecutor } from '../db/database';
import { maintenanceTransaction } from '../db/long-running';
import {
  boundLiteral,
  partitionName,
  periodsAhead,
  uncovered,
  type PartitionInterval,
  type TimeRange,
} from './partition.period';

/** Advisory lock key of partition maintenance and retention: one at a time across every instance. */
export const PARTITION_LOCK = 7_250_261_128;

/** The partition that catches rows of a period without a partition of its own. */
export const DEFAULT_PARTITION = 'interactions_default';

/** Periods created ahead of the current one. */
export const PERIODS_AHEAD = 2;

/** One partition of `interactions`: its table and range (null range: the default partition). */
export interface PartitionRecord {
  name: string;
  range: TimeRange | null;
  /** Bytes on disk, indexes and TOAST included. */
  sizeBytes: number;
}

interface PartitionRow {
  name: string;
  rangeStart: Date | null;
  rangeEnd: Date | null;
  sizeBytes: number | string;
}

/** Every partition of `interactions`, oldest first, the default partition last. */
export async function listPartitions(sql: SqlExecutor): Promise<PartitionRecord[]> {
  // The bounds are read back from the catalogue's text form (no function returns them as values).
  const rows = await sql.query<PartitionRow>(
    `SELECT p.name, (p.b)[1]::timestamptz AS "rangeStart", (p.b)[2]::timestamptz AS "rangeEnd", p.size AS "sizeBytes"
       FROM (SELECT c.relname AS name, pg_total_relation_size(c.oid) AS size,
                    regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([^'']+)''\\) TO \\(''([^'']+)''\\)') AS b
               FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
              WHERE i.inhparent = 'interactions'::regclass) p
      ORDER BY (p.b)[1]::timestamptz NULLS LAST`,
  );
  return rows.map((row) => ({
    name: row.name,
    range:
      row.rangeStart && row.rangeEnd
        ? { start: new Date(row.rangeStart).getTime(), end: new Date(row.rangeEnd).getTime() }
        : null,
    sizeBytes: Number(row.sizeBytes),
  }));
}

/** What `ensurePartitions` did. */
export interface EnsurePartitionsResult {
  /** Partitions created, by name. */
  created: string[];
  /** Rows moved out of the default partition into their new partition. */
  moved: number;
}

export interface EnsurePartitionsOptions {
  interval: PartitionInterval;
  /** The current time (tests); default now. */
  now?: Date;
  /** Extra ranges that must have a partition (an archive import's), beyond the current and next periods. */
  ranges?: TimeRange[];
}

/**
 * Creates the partitions of the current period and the next PERIODS_AHEAD, and one for each period that has rows
 * in the default partition (moving them there). Idempotent, and one at a time across instances (advisory lock), so
 * every instance may run it at start and hourly. Existing partitions are never changed: a range partly covered by one
 * (after a change of PARTITION_INTERVAL) gets partitions for its gaps only.
 */
export async function ensurePartitions(
  db: Database,
  { interval, now = new Date(), ranges = [] }: EnsurePartitionsOptions,
): Promise<EnsurePartitionsResult> {
  return maintenanceTransaction(db, (tx) => ensurePartitionsWithin(tx, { interval, now, ranges }));
}

/** ensurePartitions inside the caller's maintenance transaction (retention and import run it before their own work). */
export async function ensurePartitionsWithin(
  tx: SqlExecutor,
  { interval, now = new Date(), ranges = [] }: EnsurePartitionsOptions,
): Promise<EnsurePartitionsResult> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK]);
  const result: EnsurePartitionsResult = { created: [], moved: 0 };
  const taken = (await listPartitions(tx)).flatMap((p) => (p.range ? [p.range] : []));
  const stray = await tx.query<{ start: Date }>(
    `SELECT DISTINCT date_trunc($1, created_date AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS start FROM ${DEFAULT_PARTITION}`,
    [interval],
  );
  const wanted = [
    ...stray.flatMap((row) => periodsAhead(interval, new Date(row.start).getTime(), 0)),
    ...ranges,
    ...periodsAhead(interval, now.getTime(), PERIODS_AHEAD),
  ];
  if (stray.length > 0) {
    // No row may reach the default partition while its rows are moved out (the attach below would then fail).
    await tx.exec(`LOCK TABLE ${DEFAULT_PARTITION} IN SHARE ROW EXCLUSIVE MODE`);
  }
  for (const range of wanted) {
    for (const piece of uncovered(range, taken)) {
      result.moved += await createPartition(tx, piece, stray.length > 0);
      result.created.push(partitionName(piece.start));
      taken.push(piece);
    }
  }
  return result;
}

/**
 * Creates the partition of `range`. When the default partition may hold rows of the range they are moved into the
 * new table before it is attached (creating it as a partition straight away would fail on them). Returns the rows moved.
 */
async function createPartition(tx: SqlExecutor, range: TimeRange, defaultHasRows: boolean): Promise<number> {
  const name = partitionName(range.start);
  const bounds = `FROM ('${boundLiteral(range.start)}') TO ('${boundLiteral(range.end)}')`;
  const within = `created_date >= '${boundLiteral(range.start)}' AND created_date < '${boundLiteral(range.end)}'`;
  const [{ count }] = defaultHasRows
    ? await tx.query<{ count: number }>(`SELECT count(*) AS count FROM ${DEFAULT_PARTITION} WHERE ${within}`)
    : [{ count: 0 }];
  if (Number(count) === 0) {
    await tx.exec(`CREATE TABLE ${name} PARTITION OF interactions FOR VALUES ${bounds}`);
    return 0;
  }
  await tx.exec(`CREATE TABLE ${name} (LIKE interactions INCLUDING DEFAULTS)`);
  await tx.exec(`INSERT INTO ${name} SELECT * FROM ${DEFAULT_PARTITION} WHERE ${within}`);
  await tx.exec(`DELETE FROM ${DEFAULT_PARTITION} WHERE ${within}`);
  // Attaching builds the parent's indexes and foreign keys on the new table.
  await tx.exec(`ALTER TABLE interactions ATTACH PARTITION ${name} FOR VALUES ${bounds}`);
  return Number(count);
}
