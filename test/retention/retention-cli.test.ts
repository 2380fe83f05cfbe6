import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Database } from '../../src/db/database';
import { migrate } from '../../src/db/migrator';
import { ensurePartitions, listPartitions } from '../../src/partitions/partition.service';
import { getTimeline } from '../../src/timeline/timeline.read';
import { refreshTimeline } from '../../src/timeline/timeline.refresh';
import { createCliDatabase, runScript, type CliDatabase } from '../helpers/cli';
import { createLookupRow, insertInteraction } from '../helpers/factories';

// `npm run retention -- --dry-run | --now` and `npm run archive:import -- FILE…` as an operator runs them: real child
// processes on a PostgreSQL database (DATABASE_URL) or a PGlite DATA_DIR holding two expired months (January and
// February 2020, long past RETENTION_DAYS=30) and one row of today.

jest.setTimeout(180_000); // several cold starts of ts-node on a busy 2-core machine

const JAN = 'interactions_p20200101';
const FEB = 'interactions_p20200201';
let store: CliDatabase;
let archiveDir: string;
let before: unknown[];

// Every stored column but feed_xid: a restored row is a new event of the live feed (ADR 100), at the importer's position.
const snapshot = (db: Database) =>
  db.sql
    .query<{ row: unknown }>(`SELECT to_jsonb(i) - 'feed_xid' AS row FROM interactions i ORDER BY interaction_number`)
    .then((rows) => rows.map((r) => r.row));
const partitionNames = (db: Database) => listPartitions(db.sql).then((list) => list.map((p) => p.name));
const counted2020 = async (db: Database) =>
  (await getTimeline(db, { startDate: '2020-01-01', endDate: '2020-02-29' })).data.reduce((sum, b) => sum + b.count, 0);
const retention = (flag: string, env: Record<string, string> = {}) =>
  runScript('retention', [flag], { ...store.env, RETENTION_DAYS: '30', ...env });

beforeAll(async () => {
  store = await createCliDatabase();
  archiveDir = mkdtempSync(path.join(tmpdir(), 'interactions-cli-archive-'));
  before = await store.use(async (db) => {
    await migrate(db);
    const resourceTypeId = (await createLookupRow(db, 'resourceType', { mnemonic: 'CLI' })).id;
    const uowId = randomUUID();
    for (const at of ['2020-01-03T10:00:00Z', '2020-01-17T00:00:00Z', '2020-01-31T23:59:59.999Z']) {
      await insertInteraction(db, { resourceTypeId, uowId, createdDate: at, interaction: { at, text: 'ä,"q"' } });
    }
    await insertInteraction(db, { resourceTypeId, uowId, createdDate: '2020-02-10T12:00:00Z', userId: 'u-1' });
    await insertInteraction(db, { resourceTypeId, resourceId: 'today' });
    // As the running service leaves it: partitions made, the daily counts refreshed.
    await ensurePartitions(db, { interval: 'month' });
    await refreshTimeline(db);
    return snapshot(db);
  });
});
afterAll(async () => {
  rmSync(archiveDir, { recursive: true, force: true });
  await store.close();
});

describe('npm run retention', () => {
  it('--dry-run prints the expired partitions with their rows and drops nothing', async () => {
    const result = await retention('--dry-run');
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const { run } = JSON.parse(result.stdout);
    expect(run.dryRun).toBe(true);
    expect(run.dropped.map((d: { name: string; rows: number }) => [d.name, d.rows])).toEqual([
      [JAN, 3],
      [FEB, 1],
    ]);
    await store.use(async (db) => {
      expect(await partitionNames(db)).toEqual(expect.arrayContaining([JAN, FEB]));
      expect(await snapshot(db)).toEqual(before);
      const [{ lastRunAt }] = await db.sql.query<{ lastRunAt: Date | null }>(
        `SELECT last_run_at AS "lastRunAt" FROM retention_state WHERE id = 1`,
      );
      expect(lastRunAt).toBeNull(); // a dry run is not a run: the service's daily run still happens
    });
  });

  it('--now archives and drops them at once, and prints what it dropped', async () => {
    const result = await retention('--now', { ARCHIVE_DIR: archiveDir });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const { run, partitions } = JSON.parse(result.stdout);
    expect(run.dryRun).toBe(false);
    expect(run.dropped.map((d: { name: string; rows: number; archive: { file: string } }) => [d.name, d.rows])).toEqual(
      [
        [JAN, 3],
        [FEB, 1],
      ],
    );
    expect(run.dropped.map((d: { archive: { file: string } }) => d.archive.file)).toEqual([
      'interactions-2020-01.ndjson.gz',
      'interactions-2020-02.ndjson.gz',
    ]);
    expect(partitions.map((p: { name: string }) => p.name)).not.toContain(JAN);
    for (const month of ['2020-01', '2020-02']) {
      expect(existsSync(path.join(archiveDir, `interactions-${month}.ndjson.gz`))).toBe(true);
      expect(existsSync(path.join(archiveDir, `interactions-${month}.manifest.json`))).toBe(true);
    }
    await store.use(async (db) => {
      expect(await partitionNames(db)).not.toEqual(expect.arrayContaining([JAN]));
      expect(await partitionNames(db)).not.toEqual(expect.arrayContaining([FEB]));
      expect(await snapshot(db)).toEqual(before.slice(-1));
      expect(await counted2020(db)).toBe(0);
    });
  });

  it('refuses to run without saying which', async () => {
    const result = await retention('--later');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('usage: npm run retention -- --dry-run | --now\n');
  });
});

describe('npm run archive:import', () => {
  const files = () => ['2020-01', '2020-02'].map((month) => path.join(archiveDir, `interactions-${month}.ndjson.gz`));

  it('brings the dropped months back: identical rows, and the timeline counts them again', async () => {
    const result = await runScript('archive-import', files(), store.env);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(
      result.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([
      { file: files()[0], read: 3, inserted: 3 },
      { file: files()[1], read: 1, inserted: 1 },
    ]);
    await store.use(async (db) => {
      expect(await snapshot(db)).toEqual(before);
      expect(await partitionNames(db)).toEqual(expect.arrayContaining([JAN, FEB]));
      expect(await counted2020(db)).toBe(4);
    });
  });

  it('a second import writes nothing', async () => {
    const result = await runScript('archive-import', files(), store.env);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(
      result.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([
      { file: files()[0], read: 3, inserted: 0 },
      { file: files()[1], read: 1, inserted: 0 },
    ]);
    await store.use(async (db) => {
      expect(await snapshot(db)).toEqual(before);
      expect(await counted2020(db)).toBe(4);
    });
  });
});
