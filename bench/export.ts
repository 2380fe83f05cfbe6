/**
 * Export benchmark: every interaction of a loaded bench database streamed by the export service (keyset chunks,
 * list-item NDJSON or CSV) in a child process whose RSS is sampled every 100 ms, next to PostgreSQL's own
 * `COPY (SELECT … ORDER BY …) TO STDOUT` of the same rows in the same order, measured in the same run.
 *
 *   node -r ts-node/register/transpile-only bench/export.ts [--database bench_run] [--format ndjson|csv]
 *
 * Prints one JSON document: rows, seconds, rows/s and peak RSS of the export; rows, seconds and rows/s of COPY.
 */
import { arg, BENCH_ADMIN_URL, BENCH_DB_LIMITS } from './db-limits';
import { execFileSync, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { openDatabase } from '../src/db/database';
import { exportText, type ExportFormat } from '../src/interactions/interaction.export';

interface ChildResult {
  rows: number;
  bytes: number;
  seconds: number;
  peakRssMb: number;
}

const database = arg('database', process.env.BENCH_DATABASE ?? 'bench_run');
const format = arg('format', 'ndjson') as ExportFormat;
const url = (() => {
  const parsed = new URL(BENCH_ADMIN_URL);
  parsed.pathname = `/${database}`;
  return parsed.toString();
})();

/** In the child: stream the whole export into a sink that counts, sampling its own RSS. */
async function child(): Promise<void> {
  const db = await openDatabase({ kind: 'postgres', limits: BENCH_DB_LIMITS, url, poolSize: 2 });
  let peak = 0;
  const sample = () => {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    peak = Math.max(peak, match ? Number(match[1]) / 1024 : 0);
  };
  const sampler = setInterval(sample, 100);
  let bytes = 0;
  let rows = 0;
  const started = process.hrtime.bigint();
  await pipeline(
    Readable.from(exportText(db, { format })),
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        for (let i = 0; i < chunk.length; i += 1) if (chunk[i] === 10) rows += 1;
        done();
      },
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  sample();
  await db.close();
  const result: ChildResult = { rows: format === 'csv' ? rows - 1 : rows, bytes, seconds, peakRssMb: peak };
  process.send?.(result);
}

/** `COPY (SELECT … ORDER BY …) TO STDOUT` through psql into /dev/null, timed. */
function copyBaseline(): { rows: number; seconds: number } {
  const select = `SELECT id, interaction_number, resource_id, resource_type_id, action_id, origin_id, interaction,
    external_reference, external_response, uow_id, user_id, created_date, interaction_timestamp
    FROM interactions ORDER BY created_date DESC, interaction_number DESC`;
  const started = process.hrtime.bigint();
  const out = execFileSync(
    'sh',
    ['-c', `psql "${url}" -Atc "COPY (${select.replace(/\s+/g, ' ')}) TO STDOUT" | wc -l`],
    {
      encoding: 'utf8',
      maxBuffer: 1024 * 1024,
    },
  );
  return { rows: Number(out.trim()), seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

async function main(): Promise<void> {
  const load = os.loadavg().map((x) => Number(x.toFixed(2)));
  const exported = await new Promise<ChildResult>((resolve, reject) => {
    const worker = fork(__filename, ['--child', ...process.argv.slice(2)], {
      execArgv: ['-r', 'ts-node/register/transpile-only'],
    });
    worker.once('message', (message) => resolve(message as ChildResult));
    worker.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`export child exited ${code}`))));
  });
  const copy = copyBaseline();
  process.stdout.write(
    `${JSON.stringify(
      {
        database,
        format,
        loadAverageBefore: load,
        loadAverageAfter: os.loadavg().map((x) => Number(x.toFixed(2))),
        export: { ...exported, rowsPerSecond: Math.round(exported.rows / exported.seconds) },
        copy: { ...copy, rowsPerSecond: Math.round(copy.rows / copy.seconds) },
        ratio: Number((exported.rows / exported.seconds / (copy.rows / copy.seconds)).toFixed(3)),
      },
      null,
      2,
    )}\n`,
  );
}

if (process.argv.includes('--child')) {
  child().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
} else {
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}
