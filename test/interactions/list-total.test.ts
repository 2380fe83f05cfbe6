import { countInteractions } from '../../src/interactions/interaction.count';
import {
  interactionWhere,
  parseInteractionFilter,
  type InteractionFilter,
} from '../../src/interactions/interaction.filter';
import { refreshTimeline } from '../../src/timeline/timeline.refresh';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { insertInteractions } from '../helpers/factories';

/**
 * `pagination.total` of lookup/date filters comes from the timeline's daily counts plus live edges and tail
 * (countInteractions). Whatever the refresh state, it must equal a plain count(*) of the same filter.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const DAY = 86_400_000;
const BASE = Date.UTC(2026, 9, 1); // 2026-10-01T00:00:00Z

/** Rows over 12 days: at midnight, at the last millisecond of a day, mid-day, with varied lookups. */
function rowsAround(offsetDays: number, tag: string) {
  const at = (day: number, ms: number) => new Date(BASE + (day + offsetDays) * DAY + ms);
  const rows = [];
  for (let day = 0; day < 12; day += 1) {
    rows.push({ createdDate: at(day, 0), resourceType: 'ORDER', action: 'CREATE', origin: 'WEBAPP', resourceId: tag });
    rows.push({
      createdDate: at(day, DAY - 1),
      resourceType: 'INVOICE',
      action: 'UPDATE',
      origin: 'API',
      resourceId: tag,
    });
    rows.push({
      createdDate: at(day, 13 * 3_600_000 + 7),
      resourceType: 'ORDER',
      action: 'UPDATE',
      origin: 'MOBILE',
      resourceId: tag,
    });
  }
  return rows;
}

const FILTERS: InteractionFilter[] = [
  {},
  { action: 'UPDATE' },
  { resourceType: 'ORDER', origin: 'WEBAPP' },
  { action: 'update', resourceType: 'invoice', origin: 'api' },
  { startDate: '2026-10-03' },
  { endDate: '2026-10-05' },
  { startDate: '2026-10-03', endDate: '2026-10-08', action: 'CREATE' },
  { startDate: '2026-10-03T13:00:00.007Z', endDate: '2026-10-09T23:59:59.999Z' },
  { startDate: '2026-10-03T00:00:00.001Z', endDate: '2026-10-09T00:00:00.000Z', resourceType: 'ORDER' },
  { startDate: '2026-10-02T23:59:59.999Z', endDate: '2026-10-10T00:00:00.000Z', origin: 'API' },
  // Less than a whole day: counted by the index, not the daily counts.
  { startDate: '2026-10-04T06:00:00Z', endDate: '2026-10-04T20:00:00Z' },
  { action: 'NO_SUCH_ACTION' },
];

async function plainCount(filter: InteractionFilter): Promise<number> {
  // The reference: count(*) over the rows themselves, through the same WHERE the list uses.
  const { where, params } = interactionWhere(parseInteractionFilter(filter));
  const [{ total }] = await t.database.db.sql.query<{ total: number }>(
    `SELECT count(*) AS total FROM interactions ${where}`,
    params,
  );
  return Number(total);
}

async function expectExactTotals(stage: string) {
  for (const filter of FILTERS) {
    const expected = await plainCount(filter);
    expect({ stage, filter, total: await countInteractions(t.database.db, { filter }) }).toEqual({
      stage,
      filter,
      total: expected,
    });
  }
}

it('equals count(*) for every lookup/date filter before, between and after refreshes', async () => {
  await insertInteractions(t.database.db, [...rowsAround(0, 'a')]);
  await expectExactTotals('nothing refreshed');
  await refreshTimeline(t.database.db);
  await expectExactTotals('all covered');
  // Rows numbered after the refresh, some with a created_date in the past (inside the covered days).
  await insertInteractions(t.database.db, [...rowsAround(-1, 'b'), ...rowsAround(2, 'c')]);
  await expectExactTotals('covered + tail in covered days');
  await refreshTimeline(t.database.db);
  await expectExactTotals('covered again');
});

it('serves pagination.total of the REST list and GraphQL with the same exact value', async () => {
  const url = '/api/interactions?action=UPDATE&startDate=2026-10-03&endDate=2026-10-08&limit=5';
  const response = await api(t.app, t.keys.read).get(url);
  expect(response.status).toBe(200);
  const expected = await plainCount({ action: 'UPDATE', startDate: '2026-10-03', endDate: '2026-10-08' });
  expect(expected).toBeGreaterThan(5);
  expect(response.body.pagination).toMatchObject({
    total: expected,
    totalPages: Math.ceil(expected / 5),
    hasNext: true,
  });

  const graphql = await api(t.app, t.keys.read).graphql(
    `query { interactions(filter: { origin: "API" }, limit: 1) { pagination { total } } }`,
  );
  expect(graphql.body.data.interactions.pagination.total).toBe(await plainCount({ origin: 'API' }));
});

it('reads the daily counts instead of counting every matching row', async () => {
  await refreshTimeline(t.database.db);
  // The first count after a refresh learns the new covered_through (and may count twice); the next is one statement.
  await countInteractions(t.database.db, { filter: { action: 'UPDATE' } });
  t.queries.length = 0;
  await countInteractions(t.database.db, { filter: { action: 'UPDATE' } });
  const statements = t.queries.filter((sql) => /count\(\*\)|interaction_daily_counts/.test(sql));
  expect(statements).toHaveLength(1);
  expect(statements[0]).toContain('interaction_daily_counts');
  expect(statements[0]).toContain('interaction_number > $1');
});

it('still refuses a start after the end', async () => {
  const response = await api(t.app, t.keys.read).get('/api/interactions?startDate=2026-10-05&endDate=2026-10-04');
  expect(response.status).toBe(400);
  expect(response.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'startDate' } });
});

it('skips the count when the first page holds every match, and counts when more follow', async () => {
  const countStatements = () => t.queries.filter((sql) => /count\(\*\)/.test(sql) && !/pg_/.test(sql));
  t.queries.length = 0;
  const few = await api(t.app, t.keys.read).get('/api/interactions?resourceId=b&limit=100');
  expect(countStatements()).toHaveLength(0);
  expect(few.status).toBe(200);
  expect(few.body.data).toHaveLength(await plainCount({ resourceId: 'b' }));
  expect(few.body.data.length).toBeGreaterThan(5);
  expect(few.body.pagination).toMatchObject({
    total: few.body.data.length,
    totalPages: 1,
    hasNext: false,
    nextCursor: null,
  });

  t.queries.length = 0;
  const more = await api(t.app, t.keys.read).get('/api/interactions?resourceId=b&limit=5');
  expect(more.body.pagination.total).toBe(few.body.data.length);
  expect(countStatements()).toHaveLength(1);
});
