import type { SqlExecutor } from '../db/database';

/**
 * The `retainedFrom` of an answer about [start, end): the end of the latest dropped range overlapping it (the log
 * is whole from then on), or null when no dropped range overlaps.
 */
export async function getRetainedFrom(sql: SqlExecutor, { start, end }: { start: Date; end: Date }) {
  const [row] = await sql.query<{ retainedFrom: Date | null }>(
    `SELECT max(range_end) AS "retainedFrom" FROM retention_dropped_ranges WHERE range_start < $2 AND range_end > $1`,
    [start, end],
  );
  return row?.retainedFrom ? new Date(row.retainedFrom) : null;
}

/** The `retainedFrom` of a trace: when retention removed some of its interactions, the end of the latest such drop. */
export async function getTraceRetainedFrom(sql: SqlExecutor, { uowId }: { uowId: string }): Promise<Date | null> {
  const [row] = await sql.query<{ retainedFrom: Date | null }>(
    `SELECT max(range_end) AS "retainedFrom" FROM retention_cut_traces WHERE uow_id = $1`,
    [uowId],
  );
  return row?.retainedFrom ? new Date(row.retainedFrom) : null;
}

/** getTraceRetainedFrom for several units of work in one statement, in the order of `uowIds` (the loader's batch). */
export async function findTraceRetainedFrom(sql: SqlExecutor, uowIds: readonly string[]): Promise<(Date | null)[]> {
  const rows = await sql.query<{ uowId: string; retainedFrom: Date }>(
    `SELECT uow_id AS "uowId", max(range_end) AS "retainedFrom" FROM retention_cut_traces
      WHERE uow_id = ANY($1::uuid[]) GROUP BY uow_id`,
    [uowIds],
  );
  const byId = new Map(rows.map((row) => [row.uowId.toLowerCase(), new Date(row.retainedFrom)]));
  return uowIds.map((id) => byId.get(id.toLowerCase()) ?? null);
}
