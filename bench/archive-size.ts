/**
 * Measures what an archive saves: a fresh PostgreSQL database with `--rows` of the bench's interactions (the same
 * generator as `npm run bench`) over `--days`, then every partition written as retention would archive it. Prints,
 * per partition and in all, the rows, the bytes in PostgreSQL (table, 13 indexes, TOAST) and the bytes of the
 * `.ndjson.gz` archive. Small and quick: no service, no load generator.
 *
 *   node -r ts-node/register/transpile-only bench/archive-size.ts [--rows 200000] [--days 60] [--database bench_archive]
 */
import { arg, BENCH_ADMIN_URL, openFreshBenchDatabase } from './db-limits';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { migrate } from '../src/db/migrator';
import { listPartitions } from '../src/partitions/partition.service';
import { archivePaths, archiveBaseName, writeArchive } from '../src/retention/archive';
import { DEFAULT_DATASET, loadDataset } from './dataset';

async function main() {
  const rows = Number(arg('rows', '200000'));
  const days = Number(arg('days', '60'));
  const database = arg('database', 'bench_archive');
  const db = await openFreshBenchDatabase(database);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'interactions-archive-size-'));
  try {
    await migrate(db);
    await db.transaction((tx) => loadDataset(tx, { ...DEFAULT_DATASET, rows, days }));
    // Sizes after VACUUM, as a month that stopped receiving writes long ago is.
    await db.sql.query('VACUUM ANALYZE interactions');
    const partitions: { name: string; rows: number; postgresBytes: number; archiveBytes: number }[] = [];
    for (const p of await listPartitions(db.sql)) {
      if (!p.range) continue;
      const manifest = await writeArchive(db.sql, { dir, partition: p.name, range: p.range });
      if (manifest.rowCount === 0) continue;
      const archiveBytes = statSync(archivePaths(dir, archiveBaseName(p.range)).data).size;
      partitions.push({ name: p.name, rows: manifest.rowCount, postgresBytes: p.sizeBytes, archiveBytes });
    }
    const sum = (key: 'rows' | 'postgresBytes' | 'archiveBytes') => partitions.reduce((s, p) => s + p[key], 0);
    const total = { rows: sum('rows'), postgresBytes: sum('postgresBytes'), archiveBytes: sum('archiveBytes') };
    process.stdout.write(
      `${JSON.stringify(
        {
          rows,
          days,
          partitions,
          total,
          postgresBytesPerRow: Math.round(total.postgresBytes / total.rows),
          archiveBytesPerRow: Math.round(total.archiveBytes / total.rows),
          ratio: Math.round((total.postgresBytes / total.archiveBytes) * 10) / 10,
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await db.close();
    const cleanup = new Client({ connectionString: BENCH_ADMIN_URL });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await cleanup.end();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
