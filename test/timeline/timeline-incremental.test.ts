import type { Database } from '../../src/db/database';
import { migrate, readMigrations } from '../../src/db/migrator';
import { startTimelineRefresher, type TimelineRefreshReason } from '../../src/timeline/timeline.refresher';
import { refreshTimeline, timelineTail, type TimelineRefresh } from '../../src/timeline/timeline.refresh';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { createEmptyDatabase, type TestDatabase } from '../helpers/database';
import { insertInteractions, type InteractionRow } from '../helpers/factories';

// The incremental refresh: each refresh adds the interactions numbered after covered_through to the daily counts
// table; the table must always equal what a full recount of those interactions gives, for every day and filter
// combination (the CUBE rows), whatever the created_date of the rows added.

interface CountRow {
  day: string;
  resourceTypeId: string;
  actionId: string;
  originId: string;
  count: number;
}

const ORDERED = 'ORDER BY resource_type_id, action_id, origin_id, day';

/** The table's rows. */
async function tableRows(db: Database): Promise<CountRow[]> {
  return db.sql.query<CountRow>(
    `SELECT day::text AS day, resource_type_id AS "resourceTypeId", action_id AS "actionId", origin_id AS "originId",
            count::int AS count
       FROM interaction_daily_counts ${ORDERED}`,
  );
}

/** A full recount, grouped like the table, of the interactions numbered up to `through` (the table's contract). */
async function recount(db: Database, through: number): Promise<CountRow[]> {
  return db.sql.query<CountRow>(
    `SELECT day::text AS day, resource_type_id AS "resourceTypeId", action_id AS "actionId", origin_id AS "originId",
            count::int AS count
       FROM (SELECT (created_date AT TIME ZONE 'UTC')::date AS day,
                    COALESCE(resource_type_id, '00000000-0000-0000-0000-000000000000') AS resource_type_id,
                    COALESCE(action_id, '00000000-0000-0000-0000-000000000000') AS action_id,
                    COALESCE(origin_id, '00000000-0000-0000-0000-000000000000') AS origin_id,
                    count(*) AS count
               FROM interactions WHERE interaction_number <= $1
              GROUP BY (created_date AT TIME ZONE 'UTC')::date, CUBE (resource_type_id, action_id, origin_id)) r
      ${ORDERED}`,
    [through],
  );
}

async function coveredThrough(db: Database): Promise<number> {
  const [row] = await db.sql.query<{ covered: number }>(
    'SELECT covered_through AS covered FROM timeline_refresh_state WHERE id = 1',
  );
  return Number(row.covered);
}

async function maxNumber(db: Database): Promise<number> {
  const [row] = await db.sql.query<{ max: number }>(
    'SELECT coalesce(max(interaction_number), 0) AS max FROM interactions',
  );
  return Number(row.max);
}

/** Rows over a few days (past and today), every resource type, action and origin mixed. */
function round(n: number, seed: number): InteractionRow[] {
  const resourceTypes = ['ORDER', 'PAYMENT', 'INVOICE'];
  const actions = ['CREATE', 'UPDATE'];
  const origins = ['API', 'WEBAPP', 'MOBILE'];
  const days = [
    '2024-03-09T23:59:59.999Z',
    '2024-03-10T00:00:00.000Z',
    '2024-06-01T12:00:00.000Z',
    new Date().toISOString(),
  ];
  return Array.from({ length: n }, (_, i) => ({
    createdDate: days[(i + seed) % days.length],
    resourceType: resourceTypes[(i * 7 + seed) % resourceTypes.length],
    action: actions[(i * 3 + seed) % actions.length],
    origin: origins[(i * 5 + seed) % origins.length],
  }));
}

describe('incremental refresh', () => {
  let t: TestApp;
  const db = () => t.database.db;
  const refresh = async () => {
    const res = await api(t.app, t.keys.admin).post('/api/interactions/timeline/refresh');
    expect(res.status).toBe(200);
  };
  const timeline = async (query: string) =>
    (
      await api(t.app, t.keys.read).get(
        `/api/interactions/timeline?startDate=2024-03-09&endDate=2024-03-10&granularity=day${query}`,
      )
    ).body.data.map((entry: { count: number }) => entry.count) as number[];

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('adds exactly the rows written since the last refresh, round after round', async () => {
    for (let r = 0; r < 4; r += 1) {
      await insertInteractions(db(), round(6 + r, r));
      await refresh();
      const covered = await coveredThrough(db());
      expect(covered).toBe(await maxNumber(db()));
      expect(await tableRows(db())).toEqual(await recount(db(), covered));
    }
    // A round that writes nothing changes nothing.
    const before = await tableRows(db());
    await refresh();
    expect(await tableRows(db())).toEqual(before);
  });

  it('keeps the same counts whether rows are in the table or in the live tail', async () => {
    const filters = [
      '',
      '&resourceType=PAYMENT',
      '&action=UPDATE&origin=API',
      '&resourceType=ORDER&action=CREATE&origin=MOBILE',
    ];
    await refresh();
    const covered = await Promise.all(filters.map(timeline));
    await insertInteractions(db(), round(9, 5));
    const withTail = await Promise.all(filters.map(timeline));
    await refresh();
    expect(await Promise.all(filters.map(timeline))).toEqual(withTail);
    // The new rows did land on those days: the counts moved.
    expect(withTail).not.toEqual(covered);
    // Each filter combination of the two days equals a count(*) of the interactions themselves.
    const [{ live }] = await db().sql.query<{ live: number }>(
      `SELECT count(*)::int AS live FROM interactions
        WHERE created_date >= '2024-03-10T00:00:00Z' AND created_date < '2024-03-11T00:00:00Z'
          AND action_id = (SELECT id FROM actions WHERE mnemonic = 'UPDATE')
          AND origin_id = (SELECT id FROM origins WHERE mnemonic = 'API')`,
    );
    expect(withTail[2][1]).toBe(live);
  });

  it('reports what it rolled up', async () => {
    const from = await coveredThrough(db());
    await insertInteractions(db(), round(3, 1));
    const result = await refreshTimeline(db());
    expect(result).toMatchObject({ coveredThrough: from + 3, rolledUp: 3 });
  });

  it('rebuilds from every row with full, after rows the table covers were deleted', async () => {
    await refresh();
    await db().sql.query(
      `DELETE FROM interactions WHERE interaction_number IN (SELECT min(interaction_number) FROM interactions)`,
    );
    const covered = await coveredThrough(db());
    // Append-only by design: an incremental refresh does not see the delete.
    expect(await tableRows(db())).not.toEqual(await recount(db(), covered));
    const result = await refreshTimeline(db(), { full: true });
    expect(result?.coveredThrough).toBe(covered);
    expect(await tableRows(db())).toEqual(await recount(db(), covered));
  });
});

describe('the row-count trigger of the refresher', () => {
  let t: TestApp;
  const db = () => t.database.db;
  beforeAll(async () => {
    t = await createTestApp();
    await refreshTimeline(db());
  });
  afterAll(() => t.close());

  const start = (outcomes: { reason: TimelineRefreshReason; result?: TimelineRefresh | null }[]) =>
    startTimelineRefresher(db(), {
      intervalSeconds: 0,
      rowThreshold: 5,
      checkMs: 20,
      onRefresh: (outcome) => outcomes.push(outcome as (typeof outcomes)[number]),
    });

  it('does not refresh while the tail is below the threshold', async () => {
    await insertInteractions(db(), round(4, 0));
    const covered = await coveredThrough(db());
    const outcomes: { reason: TimelineRefreshReason }[] = [];
    // The first check runs at start; stop() waits for it.
    await start(outcomes).stop();
    expect(outcomes).toEqual([]);
    expect(await coveredThrough(db())).toBe(covered);
    expect(await timelineTail(db())).toBe(4);
  });

  it('refreshes once the tail reaches the threshold', async () => {
    const outcomes: { reason: TimelineRefreshReason; result?: TimelineRefresh | null }[] = [];
    const refresher = start(outcomes);
    try {
      await insertInteractions(db(), round(1, 0));
      const deadline = Date.now() + 30_000;
      while (!outcomes.some((outcome) => outcome.result) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await refresher.stop();
    }
    expect(outcomes.find((outcome) => outcome.result)).toMatchObject({ reason: 'rows', result: { rolledUp: 5 } });
    expect(await coveredThrough(db())).toBe(await maxNumber(db()));
    expect(await timelineTail(db())).toBe(0);
  });
});

describe('the migration from the materialized view', () => {
  const MIGRATION = '20261126004000_timeline_incremental';
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createEmptyDatabase();
  });
  afterAll(() => test.close());

  it('carries the view rows over, keeps covered_through, and the next refresh adds the tail', async () => {
    const files = readMigrations();
    const db = test.db;
    await migrate(
      db,
      files.filter((file) => file.name < MIGRATION),
    );
    await insertInteractions(db, round(12, 0));
    // The previous version's refresh: record covered_through, then refresh the view that reads it.
    await db.sql.exec(
      `UPDATE timeline_refresh_state SET covered_through = (SELECT max(interaction_number) FROM interactions), refreshed_at = now()`,
    );
    await db.sql.exec('REFRESH MATERIALIZED VIEW interaction_daily_counts');
    const viewRows = await tableRows(db);
    const covered = await coveredThrough(db);
    expect(viewRows.length).toBeGreaterThan(0);
    await insertInteractions(db, round(7, 2));

    expect((await migrate(db, files)).applied).toEqual(
      files.filter((file) => file.name >= MIGRATION).map((f) => f.name),
    );
    const [{ kind }] = await db.sql.query<{ kind: string }>(
      `SELECT relkind AS kind FROM pg_class WHERE relname = 'interaction_daily_counts'`,
    );
    expect(kind).toBe('r');
    expect(await tableRows(db)).toEqual(viewRows);
    expect(await coveredThrough(db)).toBe(covered);

    const result = await refreshTimeline(db);
    expect(result).toMatchObject({ rolledUp: 7 });
    expect(await tableRows(db)).toEqual(await recount(db, await maxNumber(db)));
  });
});
