/**
 * Times the 0.1 → partitioned upgrade: a fresh database at 0.1's migrations, `--rows` interactions loaded set-based
 * over 180 days (with 0.1's indexes in place, as a running 0.1 would have them), then the partitioning migration.
 *
 *   node -r ts-node/register/transpile-only bench/upgrade.ts [--rows 1000000] [--database bench_upgrade]
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { arg, openFreshBenchDatabase } from './db-limits';
import { migrate, readMigrations } from '../src/db/migrator';

const PARTITIONING = '20261128000000_partitioned_interactions';

async function main() {
  const rows = Number(arg('rows', '1000000'));
  const database = arg('database', 'bench_upgrade');
  const db = await openFreshBenchDatabase(database);
  const files = readMigrations();
  await migrate(
    db,
    files.filter((file) => file.name < PARTITIONING),
  );
  await db.sql.query(`INSERT INTO resource_types (id, mnemonic, name) VALUES (gen_random_uuid(), 'BENCH_RT', 'Bench')`);
  const loadStarted = performance.now();
  await db.sql.query(
    `INSERT INTO interactions (id, resource_id, resource_type_id, action_id, origin_id, interaction, external_reference,
       uow_id, user_id, created_date, interaction_timestamp)
     SELECT gen_random_uuid(), 'res-' || (i % ($1::int / 10)), '00000000-0000-7000-8000-00000000a001'::uuid,
       ('00000000-0000-7000-8000-00000000a00' || (1 + i % 6))::uuid, '00000000-0000-7000-8000-00000000b001'::uuid,
       jsonb_build_object('step', i % 50, 'note', 'generated'), CASE WHEN i % 10 = 0 THEN 'ext-' || i END,
       gen_random_uuid(), 'user-' || (i % 5000), now() - (i::float8 / $1 * 180) * interval '1 day',
       CASE WHEN i % 2 = 0 THEN now() - (i::float8 / $1 * 180) * interval '1 day' END
     FROM generate_series(1, $1::int) i`.replace(
      "'00000000-0000-7000-8000-00000000a001'::uuid,",
      '(SELECT id FROM resource_types LIMIT 1),',
    ),
    [rows],
  );
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  await db.sql.exec('VACUUM ANALYZE interactions');
  const load = os.loadavg().map((x) => Number(x.toFixed(2)));
  const started = performance.now();
  const result = await migrate(db);
  const seconds = (performance.now() - started) / 1000;
  const [{ count }] = await db.sql.query<{ count: number }>('SELECT count(*) AS count FROM interactions');
  await db.close();
  process.stdout.write(
    `${JSON.stringify({ rows, loadSeconds, applied: result.applied, upgradeSeconds: seconds, rowsAfter: Number(count), loadAverage: load })}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
