import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { startTimelineRefresher } from '../../src/timeline/timeline.refresher';
import { refreshTimeline, TIMELINE_REFRESH_LOCK } from '../../src/timeline/timeline.refresh';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { TEST_DATABASE_KIND } from '../helpers/database';
import { insertInteractions } from '../helpers/factories';

// The refresher and the rules that keep refreshes one at a time and counts exact while one runs.
let t: TestApp;
const onPostgres = TEST_DATABASE_KIND === 'postgres' ? it : it.skip;
const state = async () =>
  (
    await t.database.db.sql.query<{ coveredThrough: number; refreshedAt: Date | null }>(
      'SELECT covered_through AS "coveredThrough", refreshed_at AS "refreshedAt" FROM timeline_refresh_state',
    )
  )[0];
const todayCount = async () =>
  (await api(t.app, t.keys.read).get('/api/interactions/timeline?days=1')).body.data[0].count as number;

beforeAll(async () => {
  t = await createTestApp();
  await insertInteractions(t.database.db, [{ createdDate: new Date() }]);
});
afterAll(() => t.close());

it('refreshes once at start, and stop() waits for it', async () => {
  const outcomes: unknown[] = [];
  const refresher = startTimelineRefresher(t.database.db, {
    intervalSeconds: 3600,
    onRefresh: (o) => outcomes.push(o),
  });
  await refresher.stop();
  expect(outcomes).toHaveLength(1);
  expect((await state()).refreshedAt).not.toBeNull();
});

it('runs two refreshes asked at once one after the other', async () => {
  const results = await Promise.all([refreshTimeline(t.database.db), refreshTimeline(t.database.db)]);
  expect(results.every((result) => result !== null)).toBe(true);
  expect(results[1]!.refreshedAt.getTime()).toBeGreaterThanOrEqual(results[0]!.refreshedAt.getTime());
});

it('skips a timer refresh while another runs in this process', async () => {
  const running = refreshTimeline(t.database.db);
  const skipped = await refreshTimeline(t.database.db, { wait: false });
  await running;
  expect(skipped).toBeNull();
});

onPostgres('skips a timer refresh while another instance holds the lock', async () => {
  const other = new Client({ connectionString: t.database.url! });
  await other.connect();
  try {
    await other.query('SELECT pg_advisory_lock($1)', [TIMELINE_REFRESH_LOCK]);
    expect(await refreshTimeline(t.database.db, { wait: false })).toBeNull();
  } finally {
    await other.end();
  }
});

onPostgres('counts a row whose transaction commits after a higher-numbered one, across a refresh', async () => {
  // A writer takes interaction number n and commits late; n + 1 commits first. The refresh must not record a
  // covered_through ≥ n + 1 while n is still invisible, or n would be in neither the view nor the live tail.
  const before = await todayCount();
  const slow = new Client({ connectionString: t.database.url! });
  await slow.connect();
  try {
    await slow.query('BEGIN');
    await slow.query(
      `INSERT INTO interactions (id, resource_id, resource_type_id, action_id, origin_id, uow_id)
       VALUES ($1, 'slow', (SELECT id FROM resource_types WHERE mnemonic = 'ORDER'),
               (SELECT id FROM actions WHERE mnemonic = 'CREATE'), (SELECT id FROM origins WHERE mnemonic = 'API'), $2)`,
      [randomUUID(), randomUUID()],
    );
    await insertInteractions(t.database.db, [{ createdDate: new Date() }]);
    const refreshing = refreshTimeline(t.database.db);
    // Wait until the refresh is queued behind the open writer, then let the writer commit.
    for (let i = 0; i < 200; i += 1) {
      const [{ waiting }] = await t.database.db.sql.query<{ waiting: number }>(
        `SELECT count(*) AS waiting FROM pg_locks WHERE NOT granted AND relation = 'interactions'::regclass`,
      );
      if (waiting > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await slow.query('COMMIT');
    await refreshing;
  } finally {
    await slow.end();
  }
  const [{ max }] = await t.database.db.sql.query<{ max: number }>(
    'SELECT max(interaction_number) AS max FROM interactions',
  );
  expect((await state()).coveredThrough).toBe(max);
  expect(await todayCount()).toBe(before + 2);
});

it('agrees with the TimelineRefreshState model of schema.prisma', async () => {
  const row = await t.database.db.prisma.timelineRefreshState.update({ where: { id: 1 }, data: { durationMs: 42 } });
  expect(row).toMatchObject({ id: 1, durationMs: 42 });
  expect(typeof row.coveredThrough).toBe('bigint');
});
