import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { processTree, startCpuMeter } from '../../bench/cpu';
import { bracket } from '../../bench/baselines';
import { createTestDatabase, TEST_DATABASE_KIND } from '../helpers/database';

// The meter reads Linux's /proc and needs a PostgreSQL server running on this machine (the bench's own setting).
const measurable = startCpuMeter() !== null;
const whereMeasurable = measurable ? it : it.skip;
const onPostgres = measurable && TEST_DATABASE_KIND === 'postgres' ? it : it.skip;

/** Spends `ms` of this process's CPU time (not wall time: other test workers may share the cores). */
function burn(ms: number): void {
  const start = process.cpuUsage();
  let x = 0;
  while (process.cpuUsage(start).user < ms * 1000) for (let i = 0; i < 10_000; i += 1) x += Math.sqrt(x + i);
  if (x < 0) throw new Error('unreachable');
}

describe('startCpuMeter', () => {
  whereMeasurable('counts the CPU time of this process, as the bench and as a server, and divides it per item', () => {
    const meter = startCpuMeter(process.pid)!;
    burn(300);
    const use = meter(1000);
    // The process's CPU time counts all its threads (V8's GC helpers too): 300 ms of it can take a little less wall
    // time than that.
    expect(use.wallSeconds).toBeGreaterThanOrEqual(0.25);
    expect(use.benchSeconds).toBeGreaterThanOrEqual(0.3);
    expect(use.benchSeconds).toBeLessThan(use.wallSeconds + 0.1);
    // /proc counts in ticks of 10 ms.
    expect(use.serverSeconds).toBeGreaterThanOrEqual(0.28);
    expect(use.perItemUs!.bench).toBeCloseTo((use.benchSeconds * 1e6) / 1000, 0);
    expect(use.perItemUs!.server).toBeCloseTo((use.serverSeconds! * 1e6) / 1000, 0);
  });

  whereMeasurable("counts the server's workers too: the processes below it (WEB_CONCURRENCY)", async () => {
    // A child that spends 300 ms of CPU time, says so, and stays alive until told to go.
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const s = process.cpuUsage(); while (process.cpuUsage(s).user < 300000); console.log('done');
         process.stdin.resume(); process.stdin.on('end', () => process.exit(0));`,
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    try {
      expect(processTree(process.pid)).toEqual(expect.arrayContaining([process.pid, child.pid]));
      const meter = startCpuMeter(process.pid)!;
      await once(child.stdout!, 'data');
      const use = meter();
      // The server's time is this process's (the bench's, here) and its child's: the child's 300 ms are the
      // difference, however busy a loaded machine kept this process meanwhile (0.2 s of it once, in CI).
      expect(use.serverSeconds! - use.benchSeconds).toBeGreaterThanOrEqual(0.28);
    } finally {
      child.stdin!.end();
      await once(child, 'exit');
    }
  });

  whereMeasurable('leaves out the server and the per-item figures when not given', () => {
    const use = startCpuMeter()!();
    expect(use.serverSeconds).toBeUndefined();
    expect(use.perItemUs).toBeUndefined();
    expect(use.postgresSeconds).toBeGreaterThanOrEqual(0);
  });

  onPostgres("counts PostgreSQL's CPU time, not this process's, for work done by the server", async () => {
    const test = await createTestDatabase();
    try {
      const meter = startCpuMeter()!;
      await test.db.sql.query('SELECT count(*) FROM generate_series(1, 4000000)');
      const use = meter();
      expect(use.postgresSeconds).toBeGreaterThanOrEqual(0.1);
      expect(use.benchSeconds).toBeLessThan(use.postgresSeconds);
    } finally {
      await test.close();
    }
  });

  onPostgres('counts the PostgreSQL processes that exited during the stretch, and only their time in it', async () => {
    const test = await createTestDatabase();
    /** A connection of its own: its backend exits when it is closed (as a parallel query's workers do). */
    const connect = async () => {
      const client = new Client({ connectionString: test.url! });
      await client.connect();
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      return { client, pid: rows[0].pid };
    };
    /** Closes it and waits until the postmaster has reaped its backend (a zombie keeps its /proc entry). */
    const close = async ({ client, pid }: { client: Client; pid: number }) => {
      await client.end();
      for (let i = 0; i < 500 && existsSync(`/proc/${pid}`); i += 1) await sleep(10);
      expect(existsSync(`/proc/${pid}`)).toBe(false);
    };
    const work = 'SELECT count(*) FROM generate_series(1, 4000000)';
    try {
      // Opened, worked and gone within the stretch: all its time counts.
      const meter = startCpuMeter()!;
      const brief = await connect();
      await brief.client.query(work);
      await close(brief);
      expect(meter().postgresSeconds).toBeGreaterThanOrEqual(0.1);

      // Worked before the stretch and gone within it: its earlier time is not the stretch's.
      const earlier = await connect();
      const before = startCpuMeter()!;
      for (let i = 0; i < 3; i += 1) await earlier.client.query(work);
      const spentBefore = before().postgresSeconds;
      const during = startCpuMeter()!;
      await close(earlier);
      const use = during();
      expect(spentBefore).toBeGreaterThanOrEqual(0.3);
      // Other test files' statements on this server may add a little: the closing took milliseconds.
      expect(use.postgresSeconds).toBeLessThan(spentBefore / 2);
    } finally {
      await test.close();
    }
  });
});

describe('bracket', () => {
  it('takes the mean of the baseline before and after its scenario, and keeps both', () => {
    const run = (rowsPerSecond: number) => ({
      rowsPerSecond,
      rows: rowsPerSecond * 10,
      seconds: 10,
      concurrency: 4,
      batchSize: 1000,
      errors: 0,
    });
    expect(bracket(run(40_000), run(45_001))).toEqual({
      rowsPerSecond: 42_501,
      before: run(40_000),
      after: run(45_001),
    });
  });
});
