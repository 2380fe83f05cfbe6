/**
 * Integrity benchmark (docs/integrity.md): on a fresh PostgreSQL database loaded with the bench's data set, seal every
 * row into checkpoints of CHECKPOINT_ROWS as a backlog (sealAll: the next range read ahead while one is hashed; the
 * service's sealer seals one checkpoint a turn, paced by CHECKPOINT_CPU_SHARE, so it never seals this fast), measure
 * the leaves' size on disk per row, then run the offline verifier (`bin/interactions-verify.js`, a child process)
 * over all of it twice: against the database (its own connection), and from files alone (the checkpoints with
 * their leaves and the export in feed order, written first, as the routes write them).
 *
 *   node -r ts-node/register/transpile-only bench/integrity.ts [--rows 1000000] [--checkpoint-rows 10000]
 *     [--database bench_integrity] [--keep] [--reuse] [--skip-database-verify] [--skip-file-verify] [--dir /tmp]
 *     [--digest-threads N]
 *
 * Sealing runs the compiled sealAll (dist/, built first, as `npm start` runs the service): only compiled code starts
 * digest threads. `--digest-threads` (default: sealAll's, one per core up to 4; 0 or 1 digests on the main thread).
 *
 * `--reuse` seals the rows already in `--database` (a database `npm run bench` loaded and kept) instead of loading a
 * fresh one; its checkpoints are deleted first, so that every row is sealed again. The files are written under
 * `--dir` (default the system's temporary directory) and removed at the end.
 *
 * Prints one JSON document: rows, load seconds, seal seconds and rows/s, checkpoints, leaf bytes per row, verify
 * seconds and rows/s of each verification with the verifier's exit code and peak RSS, the files' sizes and the time
 * to write them, and the load average before and after.
 */
import { execFile, execFileSync } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { openDatabase, type Database } from '../src/db/database';
import { migrate } from '../src/db/migrator';
import { exportText } from '../src/interactions/interaction.export';
import { sealBundleText } from '../src/integrity/bundle';
import { loadOrCreateSigningKey } from '../src/integrity/signing-key';
import { DEFAULT_DATASET, loadDataset } from './dataset';
import { arg, BENCH_ADMIN_URL, BENCH_DB_LIMITS, openFreshBenchDatabase } from './db-limits';

const GNU_TIME = '/usr/bin/time';

/** Runs the offline verifier with `args`: its exit code, seconds, and peak RSS in MB (null without GNU time). */
function runVerifier(args: string[]): Promise<{ exitCode: number; seconds: number; peakRssMb: number | null }> {
  const started = process.hrtime.bigint();
  const verifier = [process.execPath, path.resolve(__dirname, '../bin/interactions-verify.js'), ...args];
  const timed = existsSync(GNU_TIME);
  const [command, ...commandArgs] = timed ? [GNU_TIME, '-f', 'peak-rss-kb %M', ...verifier] : verifier;
  return new Promise((resolve) => {
    execFile(command, commandArgs, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      process.stderr.write(stdout + stderr);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const kb = /peak-rss-kb (\d+)/.exec(stderr)?.[1];
      resolve({
        exitCode: error ? Number(error.code ?? 1) : 0,
        seconds,
        peakRssMb: kb ? Math.round(Number(kb) / 1024) : null,
      });
    });
  });
}

/**
 * CPU seconds (user + system, from /proc) of each PostgreSQL backend connected to `database`, by pid: the server runs
 * on this machine in the bench. Empty where /proc cannot be read.
 */
async function backendCpuSeconds(db: Database, database: string): Promise<Map<number, number>> {
  const rows = await db.sql.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1`, [database]);
  const ticks = 100; // USER_HZ on Linux
  const seconds = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
      // Fields 14 and 15 (utime, stime) are the 12th and 13th after the command name.
      seconds.set(pid, (Number(stat[11]) + Number(stat[12])) / ticks);
    } catch {
      // Not on this machine, or ended.
    }
  }
  return seconds;
}

/** Writes a text stream to a file (with backpressure); seconds and bytes. */
async function writeFileFrom(file: string, source: AsyncIterable<string>): Promise<{ seconds: number; bytes: number }> {
  const started = process.hrtime.bigint();
  await pipeline(Readable.from(source), createWriteStream(file));
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, bytes: (await stat(file)).size };
}

async function main() {
  const rows = Number(arg('rows', '1000000'));
  const checkpointRows = Number(arg('checkpoint-rows', '10000'));
  const threads = arg('digest-threads', '');
  const digestThreads = threads === '' ? undefined : Number(threads);
  execFileSync(process.execPath, [path.resolve(__dirname, '../scripts/build-server.js')], { stdio: 'ignore' });
  const compiled = path.resolve(__dirname, '../dist/integrity/checkpoint.js');
  const { sealAll } = (await import(compiled)) as typeof import('../src/integrity/checkpoint');
  const name = arg('database', 'bench_integrity');
  const reuse = process.argv.includes('--reuse');
  const loadBefore = os.loadavg();
  const url = new URL(BENCH_ADMIN_URL);
  url.pathname = `/${name}`;
  const db: Database = reuse
    ? await openDatabase({ kind: 'postgres', limits: BENCH_DB_LIMITS, url: url.toString(), poolSize: 2 })
    : await openFreshBenchDatabase(name);
  const dir = await mkdtemp(path.join(arg('dir', os.tmpdir()), 'bench-integrity-'));
  try {
    await migrate(db);
    let loadSeconds: number | null = null;
    if (reuse) {
      await db.sql.exec('TRUNCATE integrity_leaf_blocks, integrity_checkpoints');
    } else {
      const loadStarted = Date.now();
      await db.transaction((tx) => loadDataset(tx, { ...DEFAULT_DATASET, rows }));
      await db.sql.exec('VACUUM ANALYZE interactions');
      loadSeconds = (Date.now() - loadStarted) / 1000;
      process.stderr.write(`loaded ${rows} rows in ${loadSeconds.toFixed(1)} s\n`);
    }

    const key = await loadOrCreateSigningKey(path.join(dir, 'key.pem'));
    // Both pool connections open before the clock starts, so that their backends' CPU is counted from here.
    await Promise.all([db.sql.query('SELECT pg_sleep(0.05)'), db.sql.query('SELECT pg_sleep(0.05)')]);
    const backendsBefore = await backendCpuSeconds(db, name);
    const loadAtSeal = os.loadavg();
    const cpuBefore = process.cpuUsage();
    const sealStarted = process.hrtime.bigint();
    const checkpoints = await sealAll(db, key, { maxRows: checkpointRows, digestThreads });
    const sealSeconds = Number(process.hrtime.bigint() - sealStarted) / 1e9;
    const cpu = process.cpuUsage(cpuBefore);
    const backendsAfter = await backendCpuSeconds(db, name);
    const backendSeconds = [...backendsAfter].reduce(
      (sum, [pid, seconds]) => sum + seconds - (backendsBefore.get(pid) ?? 0),
      0,
    );
    const sealed = checkpoints.reduce((sum, checkpoint) => sum + checkpoint.rowCount, 0);
    process.stderr.write(`sealed ${sealed} rows in ${checkpoints.length} checkpoints in ${sealSeconds.toFixed(1)} s\n`);
    const [{ bytes }] = await db.sql.query<{ bytes: string }>(
      `SELECT pg_total_relation_size('integrity_leaf_blocks')::text AS bytes`,
    );

    await db.sql.exec('VACUUM ANALYZE integrity_leaf_blocks');
    const publicKey = path.join(dir, 'key.pem.pub');

    const database = process.argv.includes('--skip-database-verify')
      ? null
      : await runVerifier(['--public-key', publicKey, '--database-url', url.toString()]);

    let files = null;
    if (!process.argv.includes('--skip-file-verify')) {
      const bundle = path.join(dir, 'checkpoints.ndjson');
      const exported = path.join(dir, 'export.ndjson');
      const bundleWrite = await writeFileFrom(bundle, sealBundleText(db.sql, {}));
      const exportWrite = await writeFileFrom(exported, exportText(db, { format: 'ndjson', order: 'feed' }));
      process.stderr.write(
        `wrote the checkpoints (${bundleWrite.bytes} bytes, ${bundleWrite.seconds.toFixed(1)} s) and the export ` +
          `(${exportWrite.bytes} bytes, ${exportWrite.seconds.toFixed(1)} s)\n`,
      );
      const verified = await runVerifier(['--public-key', publicKey, '--checkpoints', bundle, '--export', exported]);
      files = { bundle: bundleWrite, export: exportWrite, verify: verified };
    }
    const rates = (run: { exitCode: number; seconds: number; peakRssMb: number | null } | null) =>
      run && {
        seconds: run.seconds,
        rowsPerSecond: Math.round(sealed / run.seconds),
        exitCode: run.exitCode,
        peakRssMb: run.peakRssMb,
      };
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
            digestThreads: digestThreads ?? 'default (one per core, at most 4)',
            // CPU of this process and of its PostgreSQL backends while sealing: what a busy machine does not change.
            processCpuMicrosPerRow: Number(((cpu.user + cpu.system) / sealed).toFixed(2)),
            backendCpuMicrosPerRow: Number(((backendSeconds * 1e6) / sealed).toFixed(2)),
            loadAverageAtStart: loadAtSeal,
          },
          leafBytesPerRow: Math.round(Number(bytes) / sealed),
          reused: reuse,
          verify: rates(database),
          verifyFiles: files && {
            ...rates(files.verify),
            checkpointsFile: files.bundle,
            exportFile: files.export,
          },
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
    if (!process.argv.includes('--keep') && !reuse) {
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
