import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Database, SqlExecutor } from '../db/database';
import { maintenanceTransaction } from '../db/long-running';
import { AppError } from '../errors/app-error';
import type { PartitionInterval, TimeRange } from '../partitions/partition.period';
import { ensurePartitionsWithin } from '../partitions/partition.service';
import { ANY_LOOKUP } from '../timeline/timeline.daily-counts';
import { TIMELINE_REFRESH_LOCK } from '../timeline/timeline.refresh';
import { readArchiveRows, readManifest, verifyArchive, type ArchiveManifest, type ArchiveRow } from './archive';

const IMPORT_CHUNK = 1_000;

export interface ImportArchiveOptions {
  /** The `.ndjson.gz` data file; its `.manifest.json` beside it is checked first when present. */
  file: string;
  interval: PartitionInterval;
}

/** What an import did. */
export interface ArchiveImport {
  /** Rows read from the file. */
  read: number;
  /** Rows written; the others were already there (an import is idempotent). */
  inserted: number;
  manifest: ArchiveManifest | null;
}

/** The manifest beside a data file (`x.ndjson.gz` → `x.manifest.json`), or null. */
function manifestPath(file: string): string | null {
  const candidate = path.join(path.dirname(file), `${path.basename(file).replace(/\.ndjson\.gz$/, '')}.manifest.json`);
  return existsSync(candidate) ? candidate : null;
}

/**
 * Loads an archive back, keeping ids, numbers and timestamps. Idempotent: a row already present (same id and
 * created_date) is skipped, so importing twice writes once. The file is checked against its manifest before
 * anything is written. Per chunk, in one transaction: the rows, the timeline's daily counts of those it covers
 * (numbered at or below covered_through, which the refresh will not count again), and the summaries of their units of
 * work are cleared (recomputed on read). The numbering sequence is raised past the highest number imported. A
 * manifest whose range retention had dropped removes that dropped range and its cut-trace marks.
 */
export async function importArchive(db: Database, { file, interval }: ImportArchiveOptions): Promise<ArchiveImport> {
  if (!existsSync(file)) throw new AppError('NOT_FOUND', `No archive at ${file}`);
  const manifestFile = manifestPath(file);
  const manifest = manifestFile ? await readManifest(manifestFile) : null;
  if (manifest) await verifyArchive(file, manifest);
  const range: TimeRange | null = manifest
    ? { start: Date.parse(manifest.rangeStart), end: Date.parse(manifest.rangeEnd) }
    : null;
  await maintenanceTransaction(db, (tx) => ensurePartitionsWithin(tx, { interval, ranges: range ? [range] : [] }));
  const result: ArchiveImport = { read: 0, inserted: 0, manifest };
  let chunk: ArchiveRow[] = [];
  const flush = async () => {
    if (chunk.length === 0) return;
    const rows = chunk;
    chunk = [];
    result.inserted += await maintenanceTransaction(db, (tx) => importChunk(tx, rows));
  };
  for await (const row of readArchiveRows(file)) {
    result.read += 1;
    chunk.push(row);
    if (chunk.length >= IMPORT_CHUNK) await flush();
  }
  await flush();
  await maintenanceTransaction(db, async (tx) => {
    // Rows of periods without a partition went to the default one: give them theirs.
    await ensurePartitionsWithin(tx, { interval });
    if (range) {
      await tx.query(`DELETE FROM retention_cut_traces WHERE range_end = $1`, [new Date(range.end)]);
      await tx.query(`DELETE FROM retention_dropped_ranges WHERE range_start = $1 AND range_end = $2`, [
        new Date(range.start),
        new Date(range.end),
      ]);
    }
  });
  return result;
}

const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

async function importChunk(tx: SqlExecutor, rows: ArchiveRow[]): Promise<number> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [TIMELINE_REFRESH_LOCK]);
  const col = <K extends keyof ArchiveRow>(key: K) => rows.map((row) => row[key]);
  const [{ inserted }] = await tx.query<{ inserted: number }>(
    `WITH s AS (SELECT covered_through FROM timeline_refresh_state WHERE id = 1),
     ins AS (
       INSERT INTO interactions (id, interaction_number, resource_id, resource_type_id, action_id, origin_id, interaction,
         external_reference, external_response, uow_id, user_id, created_date, interaction_timestamp)
       SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::uuid[], $5::uuid[], $6::uuid[], $7::jsonb[],
         $8::text[], $9::jsonb[], $10::uuid[], $11::text[], $12::timestamptz[], $13::timestamptz[])
       ON CONFLICT (id, created_date) DO NOTHING
       RETURNING interaction_number, created_date, resource_type_id, action_id, origin_id, uow_id
     ),
     counted AS (
       INSERT INTO interaction_daily_counts AS c (day, resource_type_id, action_id, origin_id, count)
       SELECT (created_date AT TIME ZONE 'UTC')::date, COALESCE(resource_type_id, '${ANY_LOOKUP}'),
              COALESCE(action_id, '${ANY_LOOKUP}'), COALESCE(origin_id, '${ANY_LOOKUP}'), count(*)
         FROM ins, s WHERE ins.interaction_number <= s.covered_through
        GROUP BY (created_date AT TIME ZONE 'UTC')::date, CUBE (resource_type_id, action_id, origin_id)
       ON CONFLICT (resource_type_id, action_id, origin_id, day) DO UPDATE SET count = c.count + EXCLUDED.count
     ),
     cleared AS (DELETE FROM trace_summaries WHERE uow_id IN (SELECT uow_id FROM ins)),
     raised AS (
       SELECT setval(pg_get_serial_sequence('interactions', 'interaction_number'), max(interaction_number))
         FROM ins HAVING max(interaction_number) > (SELECT last_value FROM interactions_interaction_number_seq)
     )
     SELECT (SELECT count(*) FROM ins) AS inserted, (SELECT count(*) FROM raised) AS raised`,
    [
      col('id'),
      col('interactionNumber'),
      col('resourceId'),
      col('resourceTypeId'),
      col('actionId'),
      col('originId'),
      rows.map((row) => json(row.interaction)),
      col('externalReference'),
      rows.map((row) => json(row.externalResponse)),
      col('uowId'),
      col('userId'),
      col('createdDate'),
      col('interactionTimestamp'),
    ],
  );
  return Number(inserted);
}
