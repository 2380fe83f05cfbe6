import { randomUUID } from 'node:crypto';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { insertInteraction, ensureResourceTypes } from '../helpers/factories';

let t: TestApp;
const U1 = randomUUID();
const U2 = randomUUID();
const U3 = randomUUID();
const U4 = randomUUID();

// Groups the fixtures form, by (userId, uowId):
//   G1 alice/U1: o-1 ORDER CREATE 03-01 10:00, o-2 ORDER UPDATE 10:05   G2 null/U1: o-1 ORDER READ 10:02
//   G3 bob/U2:   o-1 PAYMENT CREATE 03-02 08:00                         G4 null/U3: inv-9 INVOICE DELETE 03-03
//   G5 alice/U4: o-1 ORDER READ 02-01                                   plus x-1 (never asked for) in U1
beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.db;
  await ensureResourceTypes(db, ['ORDER', 'PAYMENT', 'INVOICE']);
  const row = (
    uowId: string,
    userId: string | null,
    resourceId: string,
    resourceType: string,
    action: string,
    createdDate: string,
  ) => insertInteraction(db, { origin: 'API', uowId, userId, resourceId, resourceType, action, createdDate });
  await row(U1, 'alice', 'o-1', 'ORDER', 'CREATE', '2024-03-01T10:00:00Z');
  await row(U1, 'alice', 'o-2', 'ORDER', 'UPDATE', '2024-03-01T10:05:00Z');
  await row(U1, null, 'o-1', 'ORDER', 'READ', '2024-03-01T10:02:00Z');
  await row(U2, 'bob', 'o-1', 'PAYMENT', 'CREATE', '2024-03-02T08:00:00Z');
  await row(U3, null, 'inv-9', 'INVOICE', 'DELETE', '2024-03-03T00:00:00Z');
  await row(U4, 'alice', 'o-1', 'ORDER', 'READ', '2024-02-01T00:00:00Z');
  await row(U1, 'alice', 'x-1', 'ORDER', 'DELETE', '2024-03-01T10:06:00Z');
});
afterAll(() => t.close());

const post = (body: unknown, query = '') =>
  api(t.app, t.keys.read)
    .post(`/api/activity${query}`)
    .send(body as object);
const groupKeys = (body: { data: { userId: string | null; uowId: string }[] }) =>
  body.data.map((g) => [g.userId, g.uowId]);

describe('POST /api/activity', () => {
  it('groups by user and unit of work, a null user being its own group, newest group first', async () => {
    const res = await post({ resources: [{ resourceId: 'o-1', resourceType: 'ORDER' }] });
    expect(res.status).toBe(200);
    expect(groupKeys(res.body)).toEqual([
      [null, U1],
      ['alice', U1],
      ['alice', U4],
    ]);
  });

  it('returns each group in the documented shape', async () => {
    const res = await post({ resources: [{ resourceId: 'o-1', resourceType: 'ORDER' }] });
    expect(res.body.data[1]).toEqual({
      userId: 'alice',
      uowId: U1,
      interactionCount: 1,
      firstInteractionAt: '2024-03-01T10:00:00.000Z',
      lastInteractionAt: '2024-03-01T10:00:00.000Z',
      resources: [{ resourceId: 'o-1', resourceType: 'ORDER' }],
      actions: ['CREATE'],
    });
  });

  it('matches any of several resources and lists the resources and actions each group touched, sorted', async () => {
    const res = await post({
      resources: [
        { resourceId: 'o-2', resourceType: 'ORDER' },
        { resourceId: 'o-1', resourceType: 'ORDER' },
      ],
    });
    expect(groupKeys(res.body)).toEqual([
      ['alice', U1],
      [null, U1],
      ['alice', U4],
    ]);
    expect(res.body.data[0]).toEqual({
      userId: 'alice',
      uowId: U1,
      interactionCount: 2,
      firstInteractionAt: '2024-03-01T10:00:00.000Z',
      lastInteractionAt: '2024-03-01T10:05:00.000Z',
      resources: [
        { resourceId: 'o-1', resourceType: 'ORDER' },
        { resourceId: 'o-2', resourceType: 'ORDER' },
      ],
      actions: ['CREATE', 'UPDATE'],
    });
  });

  it('matches a resource without a type under every type', async () => {
    const res = await post({ resources: [{ resourceId: 'o-1' }] });
    expect(groupKeys(res.body)).toEqual([
      ['bob', U2],
      [null, U1],
      ['alice', U1],
      ['alice', U4],
    ]);
    expect(res.body.data[0].resources).toEqual([{ resourceId: 'o-1', resourceType: 'PAYMENT' }]);
  });

  it('does not count an interaction twice when a resource is asked for with and without a type', async () => {
    const res = await post({
      resources: [{ resourceId: 'o-1', resourceType: 'ORDER' }, { resourceId: 'o-1' }, { resourceId: 'o-1' }],
    });
    expect(res.body.data.map((g: { interactionCount: number }) => g.interactionCount)).toEqual([1, 1, 1, 1]);
  });

  it('accepts a lower-case type mnemonic and matches nothing for an unknown one', async () => {
    const [lower, unknown] = await Promise.all([
      post({ resources: [{ resourceId: 'o-1', resourceType: 'payment' }] }),
      post({ resources: [{ resourceId: 'o-1', resourceType: 'NOPE' }] }),
    ]);
    expect(groupKeys(lower.body)).toEqual([['bob', U2]]);
    expect(unknown.status).toBe(200);
    expect(unknown.body).toEqual({
      data: [],
      pagination: { page: 1, limit: 50, total: 0, totalPages: 0, hasNext: false, hasPrev: false },
    });
  });

  it('limits to a date range on the recorded date; a date-only endDate includes that whole day', async () => {
    const res = await post({ resources: [{ resourceId: 'o-1' }], startDate: '2024-03-01', endDate: '2024-03-01' });
    expect(groupKeys(res.body)).toEqual([
      [null, U1],
      ['alice', U1],
    ]);
  });

  it('accepts date-time bounds', async () => {
    const res = await post({
      resources: [{ resourceId: 'o-1' }],
      startDate: '2024-03-01T10:01:00Z',
      endDate: '2024-03-02T08:00:00Z',
    });
    expect(groupKeys(res.body)).toEqual([
      ['bob', U2],
      [null, U1],
    ]);
  });

  it('pages groups with the usual pagination object (total counts groups)', async () => {
    const res = await post({ resources: [{ resourceId: 'o-1' }], page: 2, limit: 3 });
    expect(groupKeys(res.body)).toEqual([['alice', U4]]);
    expect(res.body.pagination).toEqual({ page: 2, limit: 3, total: 4, totalPages: 2, hasNext: false, hasPrev: true });
  });

  it('takes page and limit from the query string too', async () => {
    const res = await post({ resources: [{ resourceId: 'o-1' }] }, '?page=1&limit=2');
    expect(groupKeys(res.body)).toEqual([
      ['bob', U2],
      [null, U1],
    ]);
    expect(res.body.pagination).toMatchObject({ page: 1, limit: 2, total: 4, hasNext: true });
  });

  it('reports the total on a page past the end', async () => {
    const res = await post({ resources: [{ resourceId: 'o-1' }], page: 9, limit: 3 });
    expect(res.body).toEqual({
      data: [],
      pagination: { page: 9, limit: 3, total: 4, totalPages: 2, hasNext: false, hasPrev: true },
    });
  });

  it('defaults to 50 groups a page and takes more than 100 as 100', async () => {
    const [byDefault, tooMany] = await Promise.all([
      post({ resources: [{ resourceId: 'o-1' }] }),
      post({ resources: [{ resourceId: 'o-1' }], limit: 500 }),
    ]);
    expect(byDefault.body.pagination.limit).toBe(50);
    expect(tooMany.body.pagination.limit).toBe(100);
  });

  it.each([
    ['no resources', { resources: [] }],
    ['more than 100 resources', { resources: Array.from({ length: 101 }, (_, i) => ({ resourceId: `r-${i}` })) }],
    ['resources missing', {}],
    ['resources not an array', { resources: { resourceId: 'o-1' } }],
    ['an empty resourceId', { resources: [{ resourceId: '' }] }],
    ['a malformed type mnemonic', { resources: [{ resourceId: 'o-1', resourceType: '9x' }] }],
    ['a malformed startDate', { resources: [{ resourceId: 'o-1' }], startDate: 'yesterday' }],
    ['startDate after endDate', { resources: [{ resourceId: 'o-1' }], startDate: '2024-03-02', endDate: '2024-02-28' }],
    ['limit 0', { resources: [{ resourceId: 'o-1' }], limit: 0 }],
  ])('refuses %s with 400 VALIDATION_ERROR', async (_, body) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
  });

  it('accepts exactly 100 resources', async () => {
    const res = await post({
      resources: Array.from({ length: 100 }, (_, i) => ({ resourceId: i === 0 ? 'o-1' : `r-${i}` })),
    });
    expect(res.status).toBe(200);
    expect(res.body.pagination.total).toBe(4);
  });

  it('needs the read scope', async () => {
    const [forbidden, anonymous] = await Promise.all([
      api(t.app, t.keys.write)
        .post('/api/activity')
        .send({ resources: [{ resourceId: 'o-1' }] }),
      api(t.app, 'ik_unknown')
        .post('/api/activity')
        .send({ resources: [{ resourceId: 'o-1' }] }),
    ]);
    expect([forbidden.status, forbidden.body.error.code]).toEqual([403, 'FORBIDDEN']);
    expect([anonymous.status, anonymous.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
  });
});

describe('GraphQL activity(input)', () => {
  const query = `query($input: ActivityInput!, $limit: Int) {
    activity(input: $input) {
      items { userId uowId interactionCount interactions(limit: $limit) { resourceId userId action { mnemonic } createdDate } }
      pagination { total }
    }
  }`;

  it("gives each group its own matching interactions, chronologically, never another group's", async () => {
    const res = await api(t.app, t.keys.read).graphql(query, {
      input: {
        resources: [
          { resourceId: 'o-1', resourceType: 'ORDER' },
          { resourceId: 'o-2', resourceType: 'ORDER' },
        ],
      },
    });
    expect(res.body.errors).toBeUndefined();
    const [alice, anonymous] = res.body.data.activity.items;
    expect(alice.interactions.map((i: { resourceId: string }) => i.resourceId)).toEqual(['o-1', 'o-2']);
    expect(alice.interactions.every((i: { userId: string }) => i.userId === 'alice')).toBe(true);
    expect(anonymous.userId).toBeNull();
    expect(anonymous.interactions).toEqual([
      { resourceId: 'o-1', userId: null, action: { mnemonic: 'READ' }, createdDate: '2024-03-01T10:02:00.000Z' },
    ]);
  });

  it('limits the interactions of each group', async () => {
    const res = await api(t.app, t.keys.read).graphql(query, {
      input: { resources: [{ resourceId: 'o-1' }, { resourceId: 'o-2' }] },
      limit: 1,
    });
    expect(res.body.data.activity.items[1]).toMatchObject({ userId: 'alice', uowId: U1, interactionCount: 2 });
    expect(res.body.data.activity.items[1].interactions).toHaveLength(1);
  });

  it('reports BAD_USER_INPUT (VALIDATION_ERROR) for an empty resource list', async () => {
    const res = await api(t.app, t.keys.read).graphql(query, { input: { resources: [] } });
    expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});
