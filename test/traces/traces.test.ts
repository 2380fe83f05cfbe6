import { randomUUID } from 'node:crypto';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { insertInteraction, ensureResourceTypes } from '../helpers/factories';

let t: TestApp;
const uow = randomUUID();
const otherUow = randomUUID();
// Insertion order differs from chronological order on purpose: custom timestamps, default (created) ones, a tie.
const ids: Record<'A' | 'B' | 'C' | 'D' | 'E', string> = { A: '', B: '', C: '', D: '', E: '' };

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.db;
  await ensureResourceTypes(db, ['ORDER', 'PAYMENT']);
  // A: custom timestamp 10:00:05, recorded over REST with the documented headers.
  const a = await api(t.app, t.keys.write)
    .post('/api/interactions')
    .set('x-uowid', uow)
    .set('x-userid', 'u2')
    .set('x-interaction-timestamp', '2024-01-01T10:00:05Z')
    .send({
      resourceId: 'order-1',
      resourceType: 'ORDER',
      action: 'CREATE',
      origin: 'WEBAPP',
      interaction: { big: 'json' },
    });
  expect(a.status).toBe(201);
  ids.A = a.body.interactionId;
  // B: no custom timestamp, recorded at 10:00:00.
  ids.B = (
    await insertInteraction(db, {
      uowId: uow,
      resourceId: 'order-1',
      resourceType: 'ORDER',
      action: 'READ',
      origin: 'API',
      userId: 'u1',
      createdDate: '2024-01-01T10:00:00Z',
    })
  ).id;
  // C: same custom timestamp as A, later interaction number.
  ids.C = (
    await insertInteraction(db, {
      uowId: uow,
      resourceId: 'pay-1',
      resourceType: 'PAYMENT',
      action: 'UPDATE',
      origin: 'API',
      userId: null,
      interactionTimestamp: '2024-01-01T10:00:05Z',
    })
  ).id;
  // D: no custom timestamp, recorded at 10:00:10.250.
  ids.D = (
    await insertInteraction(db, {
      uowId: uow,
      resourceId: 'order-2',
      resourceType: 'ORDER',
      action: 'DELETE',
      origin: 'MOBILE',
      userId: 'u1',
      createdDate: '2024-01-01T10:00:10.250Z',
    })
  ).id;
  // E: recorded now, but happened first.
  ids.E = (
    await insertInteraction(db, {
      uowId: uow,
      resourceId: 'order-1',
      resourceType: 'ORDER',
      action: 'LOGIN',
      origin: 'SYSTEM',
      userId: 'u10',
      interactionTimestamp: '2024-01-01T09:59:59Z',
    })
  ).id;
  // Another unit of work that must never leak in.
  await insertInteraction(db, {
    origin: 'API',
    uowId: otherUow,
    resourceId: 'order-1',
    resourceType: 'ORDER',
    createdDate: '2024-01-01T10:00:01Z',
  });
});
afterAll(() => t.close());

const chronological = () => [ids.E, ids.B, ids.A, ids.C, ids.D];

describe('GET /api/traces/:uowId', () => {
  it('lists the interactions chronologically: custom timestamp else created date, ties by interaction number', async () => {
    const res = await api(t.app, t.keys.read).get(`/api/traces/${uow}`);
    expect(res.status).toBe(200);
    expect(res.body.uowId).toBe(uow);
    expect(res.body.data.map((item: { interactionId: string }) => item.interactionId)).toEqual(chronological());
  });

  it('returns items exactly in the list item shape of GET /api/interactions/:id', async () => {
    const [trace, single] = await Promise.all([
      api(t.app, t.keys.read).get(`/api/traces/${uow}?limit=1`),
      api(t.app, t.keys.read).get(`/api/interactions/${ids.E}`),
    ]);
    expect(trace.body.data[0]).toEqual(single.body);
  });

  it('has the default pagination object (limit 1,000)', async () => {
    const res = await api(t.app, t.keys.read).get(`/api/traces/${uow}`);
    expect(res.body.pagination).toEqual({
      page: 1,
      limit: 1000,
      total: 5,
      totalPages: 1,
      hasNext: false,
      hasPrev: false,
    });
  });

  it('pages with page and limit', async () => {
    const res = await api(t.app, t.keys.read).get(`/api/traces/${uow}?page=2&limit=2`);
    expect(res.status).toBe(200);
    expect(res.body.data.map((item: { interactionId: string }) => item.interactionId)).toEqual([ids.A, ids.C]);
    expect(res.body.pagination).toEqual({ page: 2, limit: 2, total: 5, totalPages: 3, hasNext: true, hasPrev: true });
  });

  it('takes a limit above 10,000 as 10,000', async () => {
    const res = await api(t.app, t.keys.read).get(`/api/traces/${uow}?limit=50000`);
    expect(res.body.pagination.limit).toBe(10000);
  });

  it('refuses limit 0 with 400 VALIDATION_ERROR', async () => {
    const res = await api(t.app, t.keys.read).get(`/api/traces/${uow}?limit=0`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
  });

  it('answers 404 NOT_FOUND for an unknown uowId', async () => {
    const res = await api(t.app, t.keys.read).get(`/api/traces/${randomUUID()}`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('answers 400 VALIDATION_ERROR for a uowId that is not a UUID', async () => {
    const res = await api(t.app, t.keys.read).get('/api/traces/not-a-uuid');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'uowId' } });
  });

  it('needs the read scope', async () => {
    const res = await api(t.app, t.keys.write).get(`/api/traces/${uow}`);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });
});

describe('GET /api/traces/:uowId/timeline', () => {
  it('places each interaction at its offset from the first, with mnemonics', async () => {
    const res = await api(t.app, t.keys.read).get(`/api/traces/${uow}/timeline`);
    expect(res.status).toBe(200);
    expect(res.body.uowId).toBe(uow);
    expect(res.body.data.map((e: { interactionId: string }) => e.interactionId)).toEqual(chronological());
    expect(res.body.data.map((e: { offsetMs: number }) => e.offsetMs)).toEqual([0, 1000, 6000, 6000, 11250]);
    expect(res.body.data[4]).toEqual({
      interactionId: ids.D,
      interactionNumber: expect.any(Number),
      timestamp: '2024-01-01T10:00:10.250Z',
      offsetMs: 11250,
      resourceId: 'order-2',
      resourceType: 'ORDER',
      action: 'DELETE',
      origin: 'MOBILE',
      userId: 'u1',
    });
  });

  it('shows the custom timestamp when one was given and a null user as null', async () => {
    const res = await api(t.app, t.keys.read).get(`/api/traces/${uow}/timeline`);
    expect(res.body.data[3]).toMatchObject({
      interactionId: ids.C,
      timestamp: '2024-01-01T10:00:05.000Z',
      userId: null,
    });
  });

  it('answers 404 for an unknown uowId and 400 for a malformed one', async () => {
    const [unknown, malformed] = await Promise.all([
      api(t.app, t.keys.read).get(`/api/traces/${randomUUID()}/timeline`),
      api(t.app, t.keys.read).get('/api/traces/123/timeline'),
    ]);
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect([malformed.status, malformed.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);
  });
});

describe('GET /api/traces/:uowId/summary', () => {
  it('computes the documented numbers of a hand-built trace', async () => {
    const res = await api(t.app, t.keys.read).get(`/api/traces/${uow}/summary`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      uowId: uow,
      totalInteractions: 5,
      startTime: '2024-01-01T09:59:59.000Z',
      endTime: '2024-01-01T10:00:10.250Z',
      durationMs: 11250,
      uniqueActions: ['CREATE', 'DELETE', 'LOGIN', 'READ', 'UPDATE'],
      resourceTypes: ['ORDER', 'PAYMENT'],
      origins: ['API', 'MOBILE', 'SYSTEM', 'WEBAPP'],
      resourceCount: 3,
      userIds: ['u1', 'u10', 'u2'],
      retainedFrom: null,
    });
  });

  it('gives a one-interaction trace a zero duration', async () => {
    const res = await api(t.app, t.keys.read).get(`/api/traces/${otherUow}/summary`);
    expect(res.body).toMatchObject({ totalInteractions: 1, durationMs: 0, userIds: [], resourceCount: 1 });
  });

  it('answers 404 for an unknown uowId and 400 for a malformed one', async () => {
    const [unknown, malformed] = await Promise.all([
      api(t.app, t.keys.read).get(`/api/traces/${randomUUID()}/summary`),
      api(t.app, t.keys.read).get('/api/traces/zzz/summary'),
    ]);
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect([malformed.status, malformed.body.error.code]).toEqual([400, 'VALIDATION_ERROR']);
  });
});

describe('GraphQL trace(uowId)', () => {
  it('reads nothing but the existence check when only uowId is asked for', async () => {
    t.queries.length = 0;
    const res = await api(t.app, t.keys.read).graphql('query($u: ID!) { trace(uowId: $u) { uowId } }', { u: uow });
    expect(res.body).toEqual({ data: { trace: { uowId: uow } } });
    const traceQueries = t.queries.filter((sql) => /uow_id/.test(sql));
    expect(traceQueries).toHaveLength(1);
    expect(traceQueries[0]).toMatch(/LIMIT 1/);
  });

  it('resolves interactions, timeline and summary together', async () => {
    const res = await api(t.app, t.keys.read).graphql(
      `query($u: ID!) { trace(uowId: $u) {
         interactions(page: 1, limit: 2) { items { id } pagination { total hasNext } }
         timeline { interactionId offsetMs }
         summary { totalInteractions durationMs uniqueActions }
       } }`,
      { u: uow },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.trace.interactions).toEqual({
      items: [{ id: ids.E }, { id: ids.B }],
      pagination: { total: 5, hasNext: true },
    });
    expect(res.body.data.trace.timeline).toHaveLength(5);
    expect(res.body.data.trace.summary).toEqual({
      totalInteractions: 5,
      durationMs: 11250,
      uniqueActions: ['CREATE', 'DELETE', 'LOGIN', 'READ', 'UPDATE'],
    });
  });

  it('reports NOT_FOUND for an unknown uowId', async () => {
    const res = await api(t.app, t.keys.read).graphql('query($u: ID!) { trace(uowId: $u) { uowId } }', {
      u: randomUUID(),
    });
    expect(res.body.errors[0].extensions.code).toBe('NOT_FOUND');
  });
});

describe('GraphQL Interaction.trace', () => {
  it("gives each interaction its unit of work's summary", async () => {
    const res = await api(t.app, t.keys.read).graphql(
      `{ interactions(limit: 10) { items { uowId trace { uowId totalInteractions startTime } } } }`,
    );
    expect(res.body.errors).toBeUndefined();
    for (const item of res.body.data.interactions.items) {
      expect(item.trace.uowId).toBe(item.uowId);
      expect(item.trace.totalInteractions).toBe(item.uowId === uow ? 5 : 1);
    }
  });

  it('loads the summaries of all listed interactions in one statement', async () => {
    t.queries.length = 0;
    await api(t.app, t.keys.read).graphql(`{ interactions(limit: 10) { items { trace { totalInteractions } } } }`);
    expect(t.queries.filter((sql) => /LEFT JOIN trace_summaries/.test(sql))).toHaveLength(1);
  });
});
