import { cursorAfter } from '../src/interactions/interaction.cursor';
import type { SqlExecutor } from '../src/db/database';
import { rebuildTimelineWithin } from '../src/timeline/timeline.refresh';
import { nextPeriod, periodStart, type TimeRange } from '../src/partitions/partition.period';
import { ensurePartitionsWithin } from '../src/partitions/partition.service';

/** Shape of the generated data set (defaults follow issue 5). */
export interface DatasetOptions {
  rows: number;
  days: number;
  resourceTypes: number;
  actions: number;
  origins: number;
  /** Units of work hold 1..maxFanOut interactions each (uniform). */
  maxFanOut: number;
  /** Share of rows with an external reference. */
  externalShare: number;
}

export const DEFAULT_DATASET: Omit<DatasetOptions, 'rows'> = {
  days: 180,
  resourceTypes: 20,
  actions: 10,
  origins: 5,
  maxFanOut: 50,
  externalShare: 0.1,
};

const LOOKUP_TABLES = [
  { table: 'resource_types', prefix: 'BENCH_RT_', count: (o: DatasetOptions) => o.resourceTypes },
  { table: 'actions', prefix: 'BENCH_ACTION_', count: (o: DatasetOptions) => o.actions },
  { table: 'origins', prefix: 'BENCH_ORIGIN_', count: (o: DatasetOptions) => o.origins },
] as const;

/** Mnemonic of the i-th (1-based) bench lookup of a table. */
export function benchMnemonic(prefix: string, i: number): string {
  return `${prefix}${String(i).padStart(2, '0')}`;
}

/**
 * Loads the data set with set-based SQL only: lookups, then every interaction from one INSERT … SELECT over
 * generate_series (units of work of 1..maxFanOut rows each, spread over `days`). Secondary indexes are dropped
 * for the load and rebuilt afterwards (faster than maintaining them row by row), FK triggers are skipped for
 * the load's transaction (the ids come from the lookup tables themselves), then everything is ANALYZEd and the
 * timeline's daily counts are rebuilt (as the service's first refresh would). Run it inside one transaction (the
 * SET LOCALs hold for it). Returns the seconds each phase took.
 */
export async function loadDataset(sql: SqlExecutor, options: DatasetOptions): Promise<Record<string, number>> {
  const timings: Record<string, number> = {};
  const phase = async (name: string, fn: () => Promise<unknown>) => {
    const started = Date.now();
    await fn();
    timings[name] = (Date.now() - started) / 1000;
  };

  await phase('lookups', async () => {
    for (const { table, prefix, count } of LOOKUP_TABLES) {
      await sql.query(
        `INSERT INTO ${table} (id, mnemonic, name, icon, font_color_hex, bg_color_hex)
         SELECT gen_random_uuid(), '${prefix}' || lpad(i::text, 2, '0'), 'Bench ' || i, '⚙', '#ffffff', '#336699'
         FROM generate_series(1, $1::int) i
         ON CONFLICT (mnemonic) DO NOTHING`,
        [count(options)],
      );
    }
  });

  const indexes = await sql.query<{ name: string; definition: string }>(
    `SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
     WHERE i.tablename = 'interactions' AND i.schemaname = current_schema()
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
  );
  await phase('dropIndexes', async () => {
    for (const { name } of indexes) await sql.exec(`DROP INDEX "${name}"`);
  });

  // Every month the data spans gets its partition first, as the service would have created it ahead: rows must not
  // pile into the default partition.
  await phase('partitions', async () => {
    const ranges: TimeRange[] = [];
    for (let start = periodStart('month', Date.now() - (options.days + 1) * 86_400_000); start < Date.now();) {
      const end = nextPeriod('month', start);
      ranges.push({ start, end });
      start = end;
    }
    await ensurePartitionsWithin(sql, { interval: 'month', ranges });
  });

  const units = Math.ceil((options.rows / ((1 + options.maxFanOut) / 2)) * 1.2) + 10;
  await phase('interactions', async () => {
    await sql.exec(`SET LOCAL session_replication_role = replica`);
    {
      await sql.query(
        `WITH lk AS (
           SELECT (SELECT array_agg(id ORDER BY mnemonic) FROM resource_types WHERE mnemonic LIKE 'BENCH\\_RT\\_%') AS rts,
                  (SELECT array_agg(id ORDER BY mnemonic) FROM actions WHERE mnemonic LIKE 'BENCH\\_ACTION\\_%') AS acts,
                  (SELECT array_agg(id ORDER BY mnemonic) FROM origins WHERE mnemonic LIKE 'BENCH\\_ORIGIN\\_%') AS ors
         ), units AS (
           SELECT u, 1 + floor(random() * $2::int)::int AS n, gen_random_uuid() AS uow,
                  now() - random() * ($3::int * interval '1 day') AS t0,
                  CASE WHEN random() < 0.9 THEN 'user-' || floor(random() * 5000)::int END AS user_id
           FROM generate_series(1, $4::int) u
         ), rows AS (
           SELECT units.*, k, units.t0 + k * interval '150 milliseconds' AS ts
           FROM units, generate_series(1, units.n) k
           LIMIT $1::int
         )
         INSERT INTO interactions (id, resource_id, resource_type_id, action_id, origin_id, interaction,
           external_reference, external_response, uow_id, user_id, created_date, interaction_timestamp)
         SELECT (lpad(to_hex(floor(extract(epoch FROM ts) * 1000)::bigint), 12, '0') || '7'
                 || substr(md5(random()::text), 1, 3) || '8' || substr(md5(random()::text), 1, 15))::uuid,
                'res-' || floor(random() * greatest($1::int / 10, 1))::int,
                lk.rts[1 + floor(random() * array_length(lk.rts, 1))::int],
                lk.acts[1 + floor(random() * array_length(lk.acts, 1))::int],
                lk.ors[1 + floor(random() * array_length(lk.ors, 1))::int],
                jsonb_build_object('step', k, 'amount', round((random() * 1000)::numeric, 2), 'note', 'generated'),
                CASE WHEN random() < $5::float8 THEN 'ext-' || md5(random()::text) END,
                NULL, uow, user_id, ts, CASE WHEN k % 2 = 0 THEN ts END
         FROM rows, lk`,
        [options.rows, options.maxFanOut, options.days, units, options.externalShare],
      );
    }
    await sql.exec(`SET LOCAL session_replication_role = DEFAULT`);
  });

  await phase('createIndexes', async () => {
    await sql.exec(`SET LOCAL maintenance_work_mem = '256MB'`);
    // A partitioned table's index reads back as `ON ONLY` (the parent alone); rebuilt here for every partition.
    for (const { definition } of indexes) await sql.exec(definition.replace(' ON ONLY ', ' ON '));
  });
  await phase('analyze', async () => {
    await sql.exec('ANALYZE');
  });
  await phase('timeline', async () => {
    await rebuildTimelineWithin(sql);
    await sql.exec('ANALYZE interaction_daily_counts');
  });
  return timings;
}

/** Realistic keys picked from the loaded data, for the read scenarios. */
export interface Samples {
  resourceIds: string[];
  /** userIds of sampled rows (about 90% of rows have one; ~5,000 distinct). */
  userIds: string[];
  ids: string[];
  uowIds: string[];
  actions: string[];
  resourceTypes: string[];
  /**
   * Per action, the cursor after row 9,950 of `action=<it>&startDate=<30 days ago>&endDate=<today>` (the position
   * `page=200` starts at), so the cursor scenario asks for the same rows as the deep offset page.
   */
  deepCursors: { action: string; cursor: string }[];
}

/** The UTC day `daysAgo` days before today, as the list's date-only filters take it. */
export const isoDay = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);

/** Random existing ids, resourceIds and uowIds (a sample scan, not a full one). */
export async function sampleKeys(sql: SqlExecutor): Promise<Samples> {
  const rows = await sql.query<{ id: string; resourceId: string; uowId: string; userId: string | null }>(
    `SELECT id, resource_id AS "resourceId", uow_id AS "uowId", user_id AS "userId" FROM interactions TABLESAMPLE SYSTEM (1)
     WHERE resource_id LIKE 'res-%' LIMIT 2000`,
  );
  const mnemonics = async (table: string, prefix: string) =>
    (
      await sql.query<{ mnemonic: string }>(`SELECT mnemonic FROM ${table} WHERE mnemonic LIKE $1 ORDER BY mnemonic`, [
        `${prefix}%`,
      ])
    ).map((row) => row.mnemonic);
  const actions = await mnemonics('actions', 'BENCH\\_ACTION\\_');
  const deepCursors: Samples['deepCursors'] = [];
  for (const action of actions) {
    // The same bounds as the list scenarios: from the start of the day 30 days ago to the end of today (UTC).
    const [row] = await sql.query<{ createdDate: Date; interactionNumber: number }>(
      `SELECT created_date AS "createdDate", interaction_number AS "interactionNumber" FROM interactions
       WHERE action_id = (SELECT id FROM actions WHERE mnemonic = $1)
         AND created_date >= $2::date AND created_date < $3::date + 1
       ORDER BY created_date DESC, interaction_number DESC OFFSET 9949 LIMIT 1`,
      [action, isoDay(30), isoDay(0)],
    );
    if (row) deepCursors.push({ action, cursor: cursorAfter(row, 199) });
  }
  return {
    resourceIds: rows.map((row) => row.resourceId),
    // Only users that exist: a timeline of an unknown user would measure an empty index probe.
    userIds: rows.flatMap((row) => (row.userId === null ? [] : [row.userId])),
    ids: rows.map((row) => row.id),
    uowIds: rows.map((row) => row.uowId),
    actions,
    resourceTypes: await mnemonics('resource_types', 'BENCH\\_RT\\_'),
    deepCursors,
  };
}
