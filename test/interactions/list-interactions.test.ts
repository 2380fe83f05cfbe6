import { randomUUID } from 'node:crypto';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { createLookupRow, insertInteraction, SYSTEM, type InsertedInteraction } from '../helpers/factories';

let t: TestApp;
const U1 = randomUUID();
const U2 = randomUUID();
const U3 = randomUUID();
/** The filter fixture, in created order: r1 oldest … r5 newest. */
const rows: Record<'r1' | 'r2' | 'r3' | 'r4' | 'r5', InsertedInteraction> = {} as never;
/** Rows of the pagination fixture, newest first. */
let pageRows: InsertedInteraction[];

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.db;
  const order = await createLookupRow(db, 'resourceType', {
    mnemonic: 'ORDER',
    icon: '📦',
    fontColorHex: '#fff',
    bgColorHex: '#f59e0b',
  });
  const payment = await createLookupRow(db, 'resourceType', { mnemonic: 'PAYMENT' });
  const { CREATE, UPDATE } = SYSTEM.actions;
  const { WEBAPP, API } = SYSTEM.origins;
  // r3 sits on the last millisecond of 2024-03-01, r4 on the first of 2024-03-02: the date-only endDate boundary.
  rows.r1 = await insertInteraction(db, {
    resourceId: 'order-1',
    resourceTypeId: order.id,
    actionId: CREATE,
    originId: WEBAPP,
    uowId: U1,
    userId: 'alice',
    externalReference: 'ext-1',
    createdDate: '2024-03-01T00:00:00.000Z',
  });
  rows.r2 = await insertInteraction(db, {
    resourceId: 'order-1',
    resourceTypeId: order.id,
    actionId: UPDATE,
    originId: API,
    uowId: U1,
    userId: 'bob',
    createdDate: '2024-03-01T12:00:00.000Z',
  });
  rows.r3 = await insertInteraction(db, {
    resourceId: 'pay-1',
    resourceTypeId: payment.id,
    actionId: CREATE,
    originId: API,
    uowId: U2,
    userId: 'alice',
    externalReference: 'ext-2',
    createdDate: '2024-03-01T23:59:59.999Z',
  });
  rows.r4 = await insertInteraction(db, {
    resourceId: 'pay-1',
    resourceTypeId: payment.id,
    actionId: UPDATE,
    originId: WEBAPP,
    uowId: U2,
    createdDate: '2024-03-02T00:00:00.000Z',
  });
  rows.r5 = await insertInteraction(db, {
    resourceId: 'order-2',
    resourceTypeId: order.id,
    actionId: CREATE,
    originId: WEBAPP,
    uowId: U3,
    userId: 'alice',
    createdDate: '2024-03-03T08:00:00.000Z',
  });
  // Pagination fixture: five rows of one resource in 2023, the last two sharing a created date (tie → number).
  const inserted: InsertedInteraction[] = [];
  for (const createdDate of ['2023-01-01', '2023-01-02', '2023-01-03', '2023-01-04', '2023-01-04']) {
    inserted.push(await insertInteraction(db, { resourceId: 'paged', resourceTypeId: payment.id, createdDate }));
  }
  pageRows = inserted.reverse();
});
afterAll(() => t.close());

const list = (query: string) => api(t.app, t.keys.read).get(`/api/interactions${query}`);
const idsOf = (res: { body: { data: { interactionId: string }[] } }) => res.body.data.map((item) => item.interactionId);
const ids = (...names: (keyof typeof rows)[]) => names.map((name) => rows[name].id);
/** The filter fixture only: excludes the 2023 pagination rows. */
const FIXTURE = 'startDate=2024-01-01';

describe('GET /api/interactions: shape', () => {
  it('returns {data, pagination} with every documented item field', async () => {
    const res = await list(`?interactionId=${rows.r1.id}`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['data', 'pagination']);
    expect(res.body.data).toHaveLength(1);
    expect(res.body.data[0]).toEqual({
      interactionId: rows.r1.id,
      interactionNumber: rows.r1.interactionNumber,
      resourceId: 'order-1',
      resourceTypeId: expect.any(String),
      actionId: SYSTEM.actions.CREATE,
      originId: SYSTEM.origins.WEBAPP,
      resourceTypeMnemonic: 'ORDER',
      resourceTypeIcon: '📦',
      resourceTypeFontColorHex: '#fff',
      resourceTypeBgColorHex: '#f59e0b',
      actionMnemonic: 'CREATE',
      actionIcon: '➕',
      actionFontColorHex: '#ffffff',
      actionBgColorHex: '#15803d',
      originMnemonic: 'WEBAPP',
      originIcon: '🌐',
      originFontColorHex: '#ffffff',
      originBgColorHex: '#2563eb',
      interaction: null,
      externalReference: 'ext-1',
      externalResponse: null,
      uowId: U1,
      userId: 'alice',
      createdDate: '2024-03-01T00:00:00.000Z',
      interactionTimestamp: null,
    });
  });

  it('lists newest first by createdDate', async () => {
    const res = await list(`?${FIXTURE}`);
    expect(idsOf(res)).toEqual(ids('r5', 'r4', 'r3', 'r2', 'r1'));
  });

  it('orders rows with the same createdDate by interactionNumber, highest first', async () => {
    const res = await list('?resourceId=paged&limit=2');
    expect(res.body.data.map((item: { interactionNumber: number }) => item.interactionNumber)).toEqual([
      pageRows[0].interactionNumber,
      pageRows[1].interactionNumber,
    ]);
    expect(pageRows[0].interactionNumber).toBeGreaterThan(pageRows[1].interactionNumber);
  });
});

describe('GET /api/interactions: each filter alone', () => {
  it.each<[string, () => string, () => string[]]>([
    ['resourceId', () => '?resourceId=order-1', () => ids('r2', 'r1')],
    ['interactionId', () => `?interactionId=${rows.r3.id}`, () => ids('r3')],
    ['uowId', () => `?uowId=${U2}`, () => ids('r4', 'r3')],
    ['externalReference', () => '?externalReference=ext-1', () => ids('r1')],
    ['userId', () => '?userId=alice', () => ids('r5', 'r3', 'r1')],
    ['action', () => `?action=UPDATE`, () => ids('r4', 'r2')],
    ['action (lower-case mnemonic)', () => `?action=update`, () => ids('r4', 'r2')],
    ['resourceType', () => `?resourceType=ORDER`, () => ids('r5', 'r2', 'r1')],
    ['origin', () => `?origin=API`, () => ids('r3', 'r2')],
    ['startDate (date-only, from the start of that UTC day)', () => '?startDate=2024-03-02', () => ids('r5', 'r4')],
    ['startDate (date-time, inclusive)', () => '?startDate=2024-03-01T12:00:00Z', () => ids('r5', 'r4', 'r3', 'r2')],
    ['endDate (date-only, the whole UTC day)', () => `?${FIXTURE}&endDate=2024-03-01`, () => ids('r3', 'r2', 'r1')],
    ['endDate (date-time, inclusive)', () => `?${FIXTURE}&endDate=2024-03-01T12:00:00.000Z`, () => ids('r2', 'r1')],
  ])('filters by %s', async (_name, query, expected) => {
    const res = await list(query());
    expect(res.status).toBe(200);
    expect(idsOf(res)).toEqual(expected());
    expect(res.body.pagination.total).toBe(expected().length);
  });

  it('returns an empty page for an unknown mnemonic', async () => {
    const res = await list('?action=NEVER_HEARD_OF');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
    expect(res.body.pagination).toEqual({
      page: 1,
      limit: 50,
      total: 0,
      totalPages: 0,
      hasNext: false,
      hasPrev: false,
      nextCursor: null,
    });
  });
});

describe('GET /api/interactions: filters combined', () => {
  it.each<[string, string, () => string[]]>([
    ['userId + action + origin', '?userId=alice&action=CREATE&origin=WEBAPP', () => ids('r5', 'r1')],
    ['resourceType + date-only endDate', `?resourceType=ORDER&${FIXTURE}&endDate=2024-03-01`, () => ids('r2', 'r1')],
    ['startDate + endDate on the same day', '?startDate=2024-03-01&endDate=2024-03-01', () => ids('r3', 'r2', 'r1')],
    ['uowId + resourceId', `?uowId=${U1}&resourceId=order-1&action=UPDATE`, () => ids('r2')],
    ['resourceId + externalReference', '?resourceId=pay-1&externalReference=ext-2', () => ids('r3')],
    ['filters no row matches', '?resourceId=order-2&origin=API', () => []],
  ])('%s', async (_name, query, expected) => {
    const res = await list(query);
    expect(res.status).toBe(200);
    expect(idsOf(res)).toEqual(expected());
  });
});

describe('GET /api/interactions: bad filters', () => {
  it.each([
    ['startDate=yesterday', 'startDate'],
    ['endDate=2024-02-30', 'endDate'],
    ['startDate=2024-03-02&endDate=2024-03-01', 'startDate'],
    ['uowId=not-a-uuid', 'uowId'],
    ['interactionId=42', 'interactionId'],
    ['action=no-dashes', 'action'],
  ])('is 400 VALIDATION_ERROR for %s', async (query, field) => {
    const res = await list(`?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field } });
  });

  it('is 400 VALIDATION_ERROR for a filter given twice', async () => {
    const res = await list('?userId=alice&userId=bob');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
  });
});

describe('GET /api/interactions: pagination', () => {
  const page = (query: string) => list(`?resourceId=paged&${query}`);

  it('defaults to page 1 and limit 50', async () => {
    const res = await page('');
    expect(res.body.pagination).toEqual({
      page: 1,
      limit: 50,
      total: 5,
      totalPages: 1,
      hasNext: false,
      hasPrev: false,
      nextCursor: null,
    });
  });

  it('first page: hasNext, no hasPrev', async () => {
    const res = await page('limit=2&page=1');
    expect(res.body.pagination).toEqual({
      page: 1,
      limit: 2,
      total: 5,
      totalPages: 3,
      hasNext: true,
      hasPrev: false,
      nextCursor: expect.any(String),
    });
    expect(idsOf(res)).toEqual([pageRows[0].id, pageRows[1].id]);
  });

  it('middle page: hasNext and hasPrev', async () => {
    const res = await page('limit=2&page=2');
    expect(res.body.pagination).toEqual({
      page: 2,
      limit: 2,
      total: 5,
      totalPages: 3,
      hasNext: true,
      hasPrev: true,
      nextCursor: expect.any(String),
    });
    expect(idsOf(res)).toEqual([pageRows[2].id, pageRows[3].id]);
  });

  it('last (partial) page: hasPrev, no hasNext', async () => {
    const res = await page('limit=2&page=3');
    expect(res.body.pagination).toEqual({
      page: 3,
      limit: 2,
      total: 5,
      totalPages: 3,
      hasNext: false,
      hasPrev: true,
      nextCursor: null,
    });
    expect(idsOf(res)).toEqual([pageRows[4].id]);
  });

  it('a full last page has no hasNext', async () => {
    const res = await page('limit=5&page=1');
    expect(res.body.pagination).toEqual({
      page: 1,
      limit: 5,
      total: 5,
      totalPages: 1,
      hasNext: false,
      hasPrev: false,
      nextCursor: null,
    });
    expect(res.body.data).toHaveLength(5);
  });

  it('past the end: empty data, hasPrev, no hasNext', async () => {
    const res = await page('limit=2&page=4');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([]);
    expect(res.body.pagination).toEqual({
      page: 4,
      limit: 2,
      total: 5,
      totalPages: 3,
      hasNext: false,
      hasPrev: true,
      nextCursor: null,
    });
  });

  it('takes a limit above 100 as 100', async () => {
    const res = await page('limit=500');
    expect(res.status).toBe(200);
    expect(res.body.pagination.limit).toBe(100);
  });

  it('accepts limit 100 and limit 1', async () => {
    expect((await page('limit=100')).body.pagination.limit).toBe(100);
    expect((await page('limit=1')).body.pagination).toMatchObject({ limit: 1, totalPages: 5 });
  });

  it.each(['limit=0', 'limit=abc', 'limit=-1', 'limit=1.5', 'limit=', 'page=0', 'page=-2', 'page=abc', 'page=1.5'])(
    'is 400 VALIDATION_ERROR for %s',
    async (query) => {
      const res = await page(query);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(res.body.error.details.field).toBe(query.split('=')[0]);
    },
  );
});

describe('GET /api/interactions/:id', () => {
  it('returns one item in the list shape', async () => {
    const [fromList] = (await list(`?interactionId=${rows.r4.id}`)).body.data;
    const res = await api(t.app, t.keys.read).get(`/api/interactions/${rows.r4.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(fromList);
    expect(res.body).toMatchObject({
      resourceTypeMnemonic: 'PAYMENT',
      actionMnemonic: 'UPDATE',
      originMnemonic: 'WEBAPP',
    });
  });

  it('is 404 NOT_FOUND for an unknown id', async () => {
    const res = await api(t.app, t.keys.read).get(`/api/interactions/${randomUUID()}`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('is 400 VALIDATION_ERROR for an id that is not a UUID', async () => {
    const res = await api(t.app, t.keys.read).get('/api/interactions/12345');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
  });
});
