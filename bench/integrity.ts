/**
 * Integrity benchmark (docs/integrity.md): on a fresh PostgreSQL database loaded with the bench's data set, seal every
 * row into checkpoints of CHECKPOINT_ROWS (what the service's sealer does, without the timer), measure the leaves'
 * size on disk per row, then run the offline verifier (`bin/interactions-verify.js`, a child process on its own
 * connection) over all of it.
 *
 *   node -r ts-node/register/transpile-only bench/integrity.ts [--rows 1000000] [--checkpoint-rows 10000]
 *     [--database bench_integrity] [--keep]
 *
 * Prints one JSON document: rows, load seconds, seal seconds and rows/s, checkpoints, leaf bytes per row, verify
 * seconds and rows/s, the verifier's exit code, and the load average before and after.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { migrate } from '../src/db/migrator';
import { sealAll } from '../src/integrity/checkpoint';
import { loadOrCreateSigningKey } from '../src/integrity/signing-key';
import { DEFAULT_DATASET, loadDataset } from './dataset';
import { arg, BENCH_ADMIN_URL, openFreshBenchDatabase } from './db-limits';

async function main() {
  const rows = Number(arg('rows', '1000000'));
  const checkpointRows = Number(arg('checkpoint-rows', '10000'));
  const name = arg('database', 'bench_integrity');
  const loadBefore = os.loadavg();
  const db = await openFreshBenchDatabase(name);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-integrity-'));
  try {
    await migrate(db);
    const loadStarted = Date.now();
    await db.transaction((tx) => loadDataset(tx, { ...DEFAULT_DATASET, rows }));
    await db.sql.exec('VACUUM ANALYZE interactions');
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    process.stderr.write(`loaded ${rows} rows in ${loadSeconds.toFixed(1)} s\n`);

    const key = await loadOrCreateSigningKey(path.join(dir, 'key.pem'));
    const sealStarted = process.hrtime.bigint();
    const checkpoints = await sealAll(db, key, { maxRows: checkpointRows });
    const sealSeconds = Number(process.hrtime.bigint() - sealStarted) / 1e9;
    const sealed = checkpoints.reduce((sum, checkpoint) => sum + checkpoint.rowCount, 0);
    process.stderr.write(`sealed ${sealed} rows in ${checkpoints.length} checkpoints in ${sealSeconds.toFixed(1)} s\n`);
    const [{ bytes }] = await db.sql.query<{ bytes: string }>(
      `SELECT pg_total_relation_size('integrity_leaves')::text AS bytes`,
    );

    const url = new URL(BENCH_ADMIN_URL);
    url.pathname = `/${name}`;
    const verifyStarted = process.hrtime.bigint();
    const exitCode = await new Promise<number>((resolve) => {
      execFile(
        process.execPath,
        [
          path.resolve(__dirname, '../bin/interactions-verify.js'),
          '--public-key',
          path.join(dir, 'key.pem.pub'),
          '--database-url',
          url.toString(),
        ],
        { maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          process.stderr.write(stdout + stderr);
          resolve(error ? Number(error.code ?? 1) : 0);
        },
      );
    });
    const verifySeconds = Number(process.hrtime.bigint() - verifyStarted) / 1e9;
    process.stdout.write(
      `${JSON.stringify(
        {
          rows,
          checkpointRows,
          loadSeconds,
          seal: {
            seconds: sealSeconds,
            rowsPerSecond: Math.round(sealed / sealSeconds),
            checkpoints: checkpoints.length,
          },
          leafBytesPerRow: Math.round(Number(bytes) / sealed),
          verify: { seconds: verifySeconds, rowsPerSecond: Math.round(sealed / verifySeconds), exitCode },
          loadAverage: { before: loadBefore, after: os.loadavg() },
          node: process.version,
          cpus: os.cpus().length,
        },
        null,
        2,
      )}\n`,
    );
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
    if (!process.argv.includes('--keep')) {
      const admin = new Client({ connectionString: BENCH_ADMIN_URL });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
