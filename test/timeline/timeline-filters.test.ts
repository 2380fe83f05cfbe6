import { randomUUID } from 'node:crypto';
import { refreshTimeline } from '../../src/timeline/timeline.refresh';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { insertInteractions, type InteractionRow } from '../helpers/factories';

// The chart answers the same question as the table: the timeline takes every filter of the list, and for any
// filter the sum of its buckets equals the list's total over the same range (issue 14, defect 3). Lookup filters are
// answered from the daily counts; the others are counted from the table.

let t: TestApp;
const uow = randomUUID();
const rows: InteractionRow[] = [];

beforeAll(async () => {
  t = await createTestApp();
  const day = (n: number, hour: number) => new Date(Date.UTC(2024, 2, n, hour)).toISOString();
  for (let n = 1; n <= 6; n += 1) {
    for (let hour = 0; hour < 24; hour += 5) {
      rows.push({
        createdDate: day(n, hour),
        resourceType: n % 2 ? 'ORDER' : 'PAYMENT',
        action: hour % 2 ? 'UPDATE' : 'CREATE',
        resourceId: `r-${hour % 3}`,
        userId: `user-${n % 3}`,
        uowId: n === 3 ? uow : randomUUID(),
        externalReference: hour === 10 ? 'ext-10' : null,
      });
    }
  }
  await insertInteractions(t.database.db, rows);
  // Half of the rows covered by the daily counts, half live: both parts must be filtered alike.
  await refreshTimeline(t.database.db);
  await insertInteractions(
    t.database.db,
    rows.map((row) => ({ ...row, uowId: row.uowId === uow ? uow : randomUUID() })),
  );
});
afterAll(() => t.close());

const FILTERS: Record<string, string>[] = [
  {},
  { resourceId: 'r-1' },
  { userId: 'user-2' },
  { uowId: uow },
  { externalReference: 'ext-10' },
  { externalReference: 'nope' },
  { resourceType: 'PAYMENT' },
  { action: 'UPDATE', origin: 'WEBAPP' },
  { resourceType: 'ORDER', userId: 'user-1' },
  { resourceId: 'r-2', action: 'CREATE' },
];

async function listTotal(filter: Record<string, string>, range: Record<string, string>): Promise<number> {
  const res = await api(t.app, t.keys.read)
    .get('/api/interactions')
    .query({ ...filter, ...range, limit: 1 });
  expect(res.status).toBe(200);
  return res.body.pagination.total;
}

async function timelineSum(filter: Record<string, string>, query: Record<string, string>): Promise<number> {
  const res = await api(t.app, t.keys.read)
    .get('/api/interactions/timeline')
    .query({ ...filter, ...query });
  expect(res.status).toBe(200);
  return res.body.data.reduce((sum: number, bucket: { count: number }) => sum + bucket.count, 0);
}

describe.each(FILTERS)('timeline with %j', (filter) => {
  it('day buckets sum to the list total of the same range', async () => {
    const range = { startDate: '2024-03-02', endDate: '2024-03-05' };
    const expected = await listTotal(filter, range);
    expect(await timelineSum(filter, range)).toBe(expected);
  });

  it('hour buckets sum to the list total of the same range', async () => {
    const range = { startDate: '2024-03-03T00:00:00Z', endDate: '2024-03-04T23:59:59Z' };
    const expected = await listTotal(filter, range);
    expect(await timelineSum(filter, { ...range, granularity: 'hour' })).toBe(expected);
  });
});

it('a non-lookup filter really narrows the chart (not the whole log counted)', async () => {
  const all = await timelineSum({}, { startDate: '2024-03-01', endDate: '2024-03-06' });
  const one = await timelineSum({ resourceId: 'r-1' }, { startDate: '2024-03-01', endDate: '2024-03-06' });
  expect(all).toBe(rows.length * 2);
  expect(one).toBeGreaterThan(0);
  expect(one).toBeLessThan(all);
});

it('GraphQL timeline takes the same filters', async () => {
  const res = await api(t.app, t.keys.read).graphql(
    `query($filter: TimelineFilterInput) {
      timeline(startDate: "2024-03-01", endDate: "2024-03-06", filter: $filter) { data { count } }
    }`,
    { filter: { userId: 'user-0', uowId: uow } },
  );
  const sum = res.body.data.timeline.data.reduce((s: number, b: { count: number }) => s + b.count, 0);
  expect(sum).toBeGreaterThan(0);
  expect(sum).toBe(
    await listTotal({ userId: 'user-0', uowId: uow }, { startDate: '2024-03-01', endDate: '2024-03-06' }),
  );
});

it('refuses a malformed filter value naming it', async () => {
  const res = await api(t.app, t.keys.read).get('/api/interactions/timeline').query({ uowId: 'not-a-uuid' });
  expect(res.status).toBe(400);
  expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'uowId' } });
});
