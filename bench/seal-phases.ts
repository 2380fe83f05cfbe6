/**
 * Where sealing's time goes (docs/benchmarks.md, "Tamper evidence, issue 19: third pass"): on a database a bench run
 * loaded and kept, the first `--ranges` ranges of `--checkpoint-rows` rows each are read, digested, their root built
 * and their leaves inserted (then rolled back), one phase after the other on one connection, by the sealer's fast path
 * (PostgreSQL writes the field texts: src/integrity/sealed-rows.ts) and by the reference path (the rows as the driver
 * parses them, canonical.ts), alternating range by range. For each phase: wall µs per row, and the CPU µs per row of
 * this process and of the PostgreSQL backend (read from /proc: the server runs on this machine).
 *
 *   node -r ts-node/register/transpile-only bench/seal-phases.ts --database seal_1m [--ranges 20] [--checkpoint-rows 10000]
 *
 * Nothing is written: every range's inserts are rolled back.
 */
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { openDatabase, type SqlExecutor } from '../src/db/database';
import { FEED_ORDER_SETTING, readFinalEventsWith } from '../src/feed/feed.read';
import { FEED_START, type FeedPosition } from '../src/feed/feed.position';
import { leafHashesOf } from '../src/integrity/leaf-blocks';
import { merkleRoot, merkleRootOfPacked } from '../src/integrity/merkle';
import {
  digestEvents,
  digestRowTexts,
  insertLeaves,
  readSealRowsWith,
  type SealRange,
} from '../src/integrity/sealed-rows';
import { arg, BENCH_ADMIN_URL, BENCH_DB_LIMITS } from './db-limits';

/** CPU seconds of a backend process (utime + stime from /proc). */
async function cpuOf(pid: number): Promise<number> {
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1].split(' ');
  return (Number(stat[11]) + Number(stat[12])) / 100;
}

type Phase = 'read' | 'digest' | 'root' | 'insert';
const PHASES: Phase[] = ['read', 'digest', 'root', 'insert'];
type Totals = Record<Phase, { wall: number; node: number; backend: number }>;
const totals = (): Totals =>
  Object.fromEntries(PHASES.map((phase) => [phase, { wall: 0, node: 0, backend: 0 }])) as Totals;

async function main() {
  const name = arg('database', 'seal_1m');
  const ranges = Number(arg('ranges', '20'));
  const rowsPerRange = Number(arg('checkpoint-rows', '10000'));
  const url = new URL(BENCH_ADMIN_URL);
  url.pathname = `/${name}`;
  const db = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 1, limits: BENCH_DB_LIMITS });
  const result = { fast: totals(), reference: totals() };
  const loadBefore = os.loadavg();
  let rows = 0;
  try {
    let after: FeedPosition = FEED_START;
    for (let r = 0; r < ranges; r += 1) {
      // Both paths read the same range; the next one starts after the fast path's last row.
      let next: FeedPosition = after;
      for (const path of ['fast', 'reference'] as const) {
        const sums = result[path];
        await db
          .transaction(async (tx: SqlExecutor) => {
            const [{ pid }] = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
            await tx.exec(FEED_ORDER_SETTING);
            const timed = async <T>(phase: Phase, run: () => Promise<T> | T): Promise<T> => {
              const backend = await cpuOf(pid);
              const cpu = process.cpuUsage();
              const started = process.hrtime.bigint();
              const value = await run();
              sums[phase].wall += Number(process.hrtime.bigint() - started) / 1e3;
              const used = process.cpuUsage(cpu);
              sums[phase].node += used.user + used.system;
              sums[phase].backend += ((await cpuOf(pid)) - backend) * 1e6;
              return value;
            };
            if (path === 'fast') {
              const texts = await timed('read', () => readSealRowsWith(tx, after, rowsPerRange));
              const range = (await timed('digest', () => digestRowTexts(texts))) as SealRange;
              await timed('root', () => merkleRootOfPacked(range.block.leafHashes));
              await timed('insert', () => insertLeaves(tx, -1, range));
              next = range.through;
              rows += range.rowCount;
            } else {
              const events = await timed('read', () => readFinalEventsWith(tx, after, rowsPerRange));
              const range = (await timed('digest', () => digestEvents(events))) as SealRange;
              await timed('root', () => merkleRoot(leafHashesOf(range.block)));
              await timed('insert', () => insertLeaves(tx, -1, range));
            }
            // Roll back: nothing is kept.
            throw new RolledBack();
          })
          .catch((error: unknown) => {
            if (!(error instanceof RolledBack)) throw error;
          });
      }
      after = next;
    }
  } finally {
    await db.close();
  }
  const perRow = (value: number) => Number((value / (rows || 1)).toFixed(2));
  const report = (sums: Totals) =>
    Object.fromEntries(
      PHASES.map((phase) => [
        phase,
        {
          wallMicros: perRow(sums[phase].wall),
          nodeCpuMicros: perRow(sums[phase].node),
          backendCpuMicros: perRow(sums[phase].backend),
        },
      ]),
    );
  process.stdout.write(
    `${JSON.stringify(
      {
        rowsPerPath: rows,
        ranges,
        rowsPerRange,
        microsPerRow: { fast: report(result.fast), reference: report(result.reference) },
        loadAverage: { before: loadBefore, after: os.loadavg() },
        node: process.version,
        cpus: os.cpus().length,
      },
      null,
      2,
    )}\n`,
  );
}

class RolledBack extends Error {}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
