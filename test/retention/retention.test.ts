import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { findActivity } from '../../src/activity/activity.service';
import { countInteractions } from '../../src/interactions/interaction.count';
import { ensurePartitions, listPartitions } from '../../src/partitions/partition.service';
import { importArchive } from '../../src/retention/archive.import';
import { getTraceRetainedFrom } from '../../src/retention/retained-from';
import { getRetentionStatus, runRetention, type RetentionPolicy } from '../../src/retention/retention.service';
import { getTimeline } from '../../src/timeline/timeline.read';
import { refreshTimeline } from '../../src/timeline/timeline.refresh';
import { findTraceSummaries, getTrace } from '../../src/traces/trace.service';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { createLookupRow, insertInteraction } from '../helpers/factories';

// "Now" is 2020-03-15: with 30 days kept the cutoff is 2020-02-14, so January (ending 2020-02-01) is expired and
// February (ending 2020-03-01) is not.
const NOW = new Date('2020-03-15T12:00:00Z');
const JAN = 'interactions_p20200101';

interface Fixture {
  test: TestDatabase;
  uowCut: string;
  uowGone: string;
  uowKept: string;
}

async function fixture(): Promise<Fixture> {
  const test = await createTestDatabase();
  const resourceTypeId = (await createLookupRow(test.db, 'resourceType', { mnemonic: 'RET' })).id;
  const [uowCut, uowGone, uowKept] = [randomUUID(), randomUUID(), randomUUID()];
  const at = (iso: string, uowId: string, resourceId: string, extra = {}) =>
    insertInteraction(test.db, { resourceTypeId, createdDate: iso, uowId, resourceId, ...extra });
  await at('2020-01-05T10:00:00.001Z', uowCut, 'r-cut');
  await at('2020-01-31T23:59:59.999Z', uowCut, 'r-cut', { userId: 'ü-ser' });
  await at('2020-01-10T00:00:00.000Z', uowGone, 'r-gone');
  await at('2020-01-10T00:00:01.000Z', uowGone, 'r-gone', {
    interaction: { text: 'Zürich "quoted", comma\nnewline 🚀', nested: { list: [1, { deep: null }] } },
    externalResponse: ['ok', 2],
    externalReference: 'ext,ref',
    interactionTimestamp: '2019-12-31T23:00:00.000Z',
  });
  await at('2020-02-01T00:00:00.000Z', uowKept, 'r-kept');
  await at('2020-02-20T08:00:00.000Z', uowKept, 'r-kept');
  await at('2020-03-02T00:00:00.000Z', uowCut, 'r-cut');
  await ensurePartitions(test.db, { interval: 'month', now: NOW });
  await refreshTimeline(test.db);
  // Stored summaries, so the drop has some to clear.
  await findTraceSummaries(test.db, [uowCut, uowGone, uowKept]);
  return { test, uowCut, uowGone, uowKept };
}

const policy = (archiveDir: string | null = null): RetentionPolicy => ({
  retentionDays: 30,
  interval: 'month',
  archiveDir,
});

const liveCount = async (test: TestDatabase) =>
  Number((await test.db.sql.query<{ n: number }>('SELECT count(*) AS n FROM interactions'))[0].n);

describe('retention by partition', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await fixture();
  });
  afterAll(() => f.test.close());

  it('the status shows the policy, every partition with exact rows and sizes, and what the next run drops', async () => {
    const status = await getRetentionStatus(f.test.db, { policy: policy(), now: NOW });
    expect(status.cutoff).toEqual(new Date('2020-02-14T12:00:00Z'));
    const byName = Object.fromEntries(status.partitions.map((p) => [p.name, p]));
    expect(byName[JAN]).toMatchObject({ rows: 4, expired: true, rangeStart: new Date('2020-01-01T00:00:00Z') });
    expect(byName.interactions_p20200201).toMatchObject({ rows: 2, expired: false });
    expect(byName.interactions_p20200301).toMatchObject({ rows: 1, expired: false });
    expect(byName[JAN].sizeBytes).toBeGreaterThan(0);
    expect(status.nextDrops).toEqual([JAN]);
    expect(status.retainedFrom).toBeNull();
  });

  it('a dry run lists the expired partitions and changes nothing', async () => {
    const run = await runRetention(f.test.db, { policy: policy(), dryRun: true, now: NOW });
    expect(run.dropped).toEqual([expect.objectContaining({ name: JAN, rows: 4 })]);
    expect((await listPartitions(f.test.db.sql)).map((p) => p.name)).toContain(JAN);
    expect(await liveCount(f.test)).toBe(7);
  });

  it('a run drops exactly the expired partitions, whole', async () => {
    const run = await runRetention(f.test.db, { policy: policy(), now: NOW });
    expect(run.dropped.map((d) => [d.name, d.rows])).toEqual([[JAN, 4]]);
    const names = (await listPartitions(f.test.db.sql)).map((p) => p.name);
    expect(names).not.toContain(JAN);
    expect(names).toContain('interactions_p20200201');
    expect(await liveCount(f.test)).toBe(3);
    const again = await runRetention(f.test.db, { policy: policy(), now: NOW });
    expect(again.dropped).toEqual([]);
  });

  it('the timeline counts what is left and says from when it is whole (retainedFrom)', async () => {
    const timeline = await getTimeline(f.test.db, { startDate: '2020-01-01', endDate: '2020-03-31' });
    expect(timeline.retainedFrom).toEqual(new Date('2020-02-01T00:00:00Z'));
    expect(timeline.data.reduce((sum, b) => sum + b.count, 0)).toBe(3);
    const later = await getTimeline(f.test.db, { startDate: '2020-02-01', endDate: '2020-03-31' });
    expect(later.retainedFrom).toBeNull();
    expect(await countInteractions(f.test.db, { filter: { startDate: '2020-01-01', endDate: '2020-03-31' } })).toBe(3);
  });

  it('traces and their summaries hold what is left; a cut trace says retainedFrom, a dropped one is gone', async () => {
    const [cut, kept] = await findTraceSummaries(f.test.db, [f.uowCut, f.uowKept]);
    expect(cut).toMatchObject({ totalInteractions: 1, startTime: new Date('2020-03-02T00:00:00Z') });
    expect(kept).toMatchObject({ totalInteractions: 2 });
    expect(await getTraceRetainedFrom(f.test.db.sql, { uowId: f.uowCut })).toEqual(new Date('2020-02-01T00:00:00Z'));
    expect(await getTraceRetainedFrom(f.test.db.sql, { uowId: f.uowKept })).toBeNull();
    await expect(getTrace(f.test.db, { uowId: f.uowGone })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('activity counts only what is left', async () => {
    const page = await findActivity(f.test.db, {
      query: { resources: [{ resourceId: 'r-cut' }, { resourceId: 'r-gone' }] },
    });
    expect(page.items.map((g) => [g.uowId, g.interactionCount])).toEqual([[f.uowCut, 1]]);
  });

  it('the status lists the dropped range', async () => {
    const status = await getRetentionStatus(f.test.db, { policy: policy(), now: NOW });
    expect(status.dropped).toEqual([
      expect.objectContaining({ rangeStart: new Date('2020-01-01T00:00:00Z'), rows: 4, archiveFile: null }),
    ]);
    expect(status.retainedFrom).toEqual(new Date('2020-02-01T00:00:00Z'));
    expect(status.nextDrops).toEqual([]);
  });
});

describe('archive before drop, and import', () => {
  let f: Fixture;
  let dir: string;
  let before: unknown[];
  const snapshot = async () =>
    (
      await f.test.db.sql.query<{ row: unknown }>(
        // Every column but feed_xid: a restored row is a new event of the live feed (ADR 100).
        `SELECT to_jsonb(i) - 'feed_xid' AS row FROM interactions i ORDER BY interaction_number`,
      )
    ).map((r) => r.row);
  const timelineTotal = async () =>
    (await getTimeline(f.test.db, { startDate: '2020-01-01', endDate: '2020-03-31' })).data.reduce(
      (sum, b) => sum + b.count,
      0,
    );

  beforeAll(async () => {
    f = await fixture();
    dir = mkdtempSync(path.join(tmpdir(), 'interactions-archive-'));
    before = await snapshot();
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await f.test.close();
  });

  it('writes the partition and a manifest (rows, number range, SHA-256) before dropping it', async () => {
    const run = await runRetention(f.test.db, { policy: policy(dir), now: NOW });
    const manifest = run.dropped[0].archive!;
    expect(manifest).toMatchObject({ file: 'interactions-2020-01.ndjson.gz', rowCount: 4, partition: JAN });
    const numbers = (before as { interaction_number: number }[])
      .filter((r) => (r as unknown as { created_date: string }).created_date < '2020-02')
      .map((r) => r.interaction_number);
    expect([manifest.firstNumber, manifest.lastNumber]).toEqual([Math.min(...numbers), Math.max(...numbers)]);
    const onDisk = JSON.parse(readFileSync(path.join(dir, 'interactions-2020-01.manifest.json'), 'utf8'));
    expect(onDisk).toEqual(manifest);
    expect(await liveCount(f.test)).toBe(3);
  });

  it('import gives back identical rows, counts and traces, and a second import writes nothing', async () => {
    const file = path.join(dir, 'interactions-2020-01.ndjson.gz');
    const first = await importArchive(f.test.db, { file, interval: 'month' });
    expect(first).toMatchObject({ read: 4, inserted: 4 });
    expect(await snapshot()).toEqual(before);
    expect(await timelineTotal()).toBe(7);
    const timeline = await getTimeline(f.test.db, { startDate: '2020-01-01', endDate: '2020-03-31' });
    expect(timeline.retainedFrom).toBeNull();
    expect(await getTraceRetainedFrom(f.test.db.sql, { uowId: f.uowCut })).toBeNull();
    const [cut] = await findTraceSummaries(f.test.db, [f.uowCut]);
    expect(cut?.totalInteractions).toBe(3);

    const second = await importArchive(f.test.db, { file, interval: 'month' });
    expect(second).toMatchObject({ read: 4, inserted: 0 });
    expect(await snapshot()).toEqual(before);
    expect(await timelineTotal()).toBe(7);
  });

  it('refuses an archive whose bytes differ from its manifest, before writing anything', async () => {
    const file = path.join(dir, 'interactions-2020-01.ndjson.gz');
    const copy = path.join(dir, 'copy');
    rmSync(copy, { recursive: true, force: true });
    const { mkdirSync, copyFileSync } = await import('node:fs');
    mkdirSync(copy);
    copyFileSync(
      path.join(dir, 'interactions-2020-01.manifest.json'),
      path.join(copy, 'interactions-2020-01.manifest.json'),
    );
    const bytes = readFileSync(file);
    bytes[bytes.length - 5] ^= 0xff;
    writeFileSync(path.join(copy, 'interactions-2020-01.ndjson.gz'), bytes);
    await expect(
      importArchive(f.test.db, { file: path.join(copy, 'interactions-2020-01.ndjson.gz'), interval: 'month' }),
    ).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    expect(existsSync(file)).toBe(true);
  });
});
