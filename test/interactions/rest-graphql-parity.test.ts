import { randomUUID } from 'node:crypto';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { createLookupRow } from '../helpers/factories';

// REST runs the GraphQL resolvers in-process; this proves the two APIs return the same data for the same rows,
// mapping each GraphQL field to its documented REST name by hand (not through the REST presenter).

let t: TestApp;
const uowId = randomUUID();
beforeAll(async () => {
  t = await createTestApp();
  await createLookupRow(t.database.db, 'resourceType', {
    mnemonic: 'ORDER',
    icon: '📦',
    fontColorHex: '#fff',
    bgColorHex: '#123456',
  });
  await createLookupRow(t.database.db, 'resourceType', { mnemonic: 'PLAIN' });
  const write = api(t.app, t.keys.write);
  await write
    .post('/api/interactions')
    .set('x-uowid', uowId)
    .set('x-userid', 'alice')
    .set('x-interaction-timestamp', '2024-05-01T10:00:00Z')
    .send({
      resourceId: 'order-1',
      resourceType: 'ORDER',
      action: 'CREATE',
      origin: 'WEBAPP',
      interaction: { total: 12.5, lines: [{ sku: 'A', qty: 2 }] },
      externalReference: 'pay-77',
      externalResponse: { status: 'captured' },
    })
    .expect(201);
  await write
    .post('/api/interactions')
    .set('x-uowid', uowId)
    .send({ resourceId: 'order-1', resourceType: 'ORDER', action: 'UPDATE', origin: 'API' })
    .expect(201);
  await write
    .post('/api/interactions')
    .send({ resourceId: 'plain-1', resourceType: 'PLAIN', action: 'READ', origin: 'MOBILE', interaction: 'text' })
    .expect(201);
});
afterAll(() => t.close());

const LOOKUP = 'id mnemonic icon fontColorHex bgColorHex';
const FIELDS = `id interactionNumber resourceId resourceTypeId actionId originId
  resourceType { ${LOOKUP} } action { ${LOOKUP} } origin { ${LOOKUP} }
  interaction externalReference externalResponse uowId userId createdDate interactionTimestamp`;

interface GqlLookup {
  id: string;
  mnemonic: string;
  icon: string | null;
  fontColorHex: string | null;
  bgColorHex: string | null;
}

/** GraphQL interaction → documented REST list item, field by field. */
function asRest(item: Record<string, unknown>) {
  const resourceType = item.resourceType as GqlLookup;
  const action = item.action as GqlLookup;
  const origin = item.origin as GqlLookup;
  expect(resourceType.id).toBe(item.resourceTypeId);
  expect(action.id).toBe(item.actionId);
  expect(origin.id).toBe(item.originId);
  return {
    interactionId: item.id,
    interactionNumber: item.interactionNumber,
    resourceId: item.resourceId,
    resourceTypeId: item.resourceTypeId,
    actionId: item.actionId,
    originId: item.originId,
    resourceTypeMnemonic: resourceType.mnemonic,
    resourceTypeIcon: resourceType.icon,
    resourceTypeFontColorHex: resourceType.fontColorHex,
    resourceTypeBgColorHex: resourceType.bgColorHex,
    actionMnemonic: action.mnemonic,
    actionIcon: action.icon,
    actionFontColorHex: action.fontColorHex,
    actionBgColorHex: action.bgColorHex,
    originMnemonic: origin.mnemonic,
    originIcon: origin.icon,
    originFontColorHex: origin.fontColorHex,
    originBgColorHex: origin.bgColorHex,
    interaction: item.interaction,
    externalReference: item.externalReference,
    externalResponse: item.externalResponse,
    uowId: item.uowId,
    userId: item.userId,
    createdDate: item.createdDate,
    interactionTimestamp: item.interactionTimestamp,
  };
}

const gql = (query: string, variables?: Record<string, unknown>) => api(t.app, t.keys.read).graphql(query, variables);
const rest = (path: string) => api(t.app, t.keys.read).get(path);

it('the unfiltered list is the same data, in the same order, with the same pagination', async () => {
  const [r, g] = await Promise.all([
    rest('/api/interactions'),
    gql(
      `{ interactions { items { ${FIELDS} } pagination { page limit total totalPages hasNext hasPrev nextCursor } } }`,
    ),
  ]);
  expect(r.status).toBe(200);
  expect(g.body.errors).toBeUndefined();
  expect(r.body.data).toHaveLength(3);
  expect(r.body.data).toEqual(g.body.data.interactions.items.map(asRest));
  expect(r.body.pagination).toEqual(g.body.data.interactions.pagination);
});

it('a filtered, paged list is the same data', async () => {
  const filter = { uowId, resourceType: 'order', startDate: '2000-01-01', endDate: '2999-12-31' };
  const [r, g] = await Promise.all([
    rest(`/api/interactions?uowId=${uowId}&resourceType=order&startDate=2000-01-01&endDate=2999-12-31&limit=1&page=2`),
    gql(
      `query($filter: InteractionFilterInput) { interactions(filter: $filter, limit: 1, page: 2) {
        items { ${FIELDS} } pagination { page limit total totalPages hasNext hasPrev nextCursor } } }`,
      { filter },
    ),
  ]);
  expect(r.body.data).toHaveLength(1);
  expect(r.body.data).toEqual(g.body.data.interactions.items.map(asRest));
  expect(r.body.pagination).toEqual({ ...g.body.data.interactions.pagination, page: 2, total: 2, hasPrev: true });
});

it('get by id is the same data as interaction(id)', async () => {
  const list = await rest('/api/interactions');
  for (const item of list.body.data) {
    const [r, g] = await Promise.all([
      rest(`/api/interactions/${item.interactionId}`),
      gql(`query($id: ID!) { interaction(id: $id) { ${FIELDS} } }`, { id: item.interactionId }),
    ]);
    expect(r.status).toBe(200);
    expect(r.body).toEqual(asRest(g.body.data.interaction));
    expect(r.body).toEqual(item);
  }
});

it('the created response matches createInteraction for the same input', async () => {
  const body = {
    resourceId: 'parity-create',
    resourceType: 'ORDER',
    action: 'DELETE',
    origin: 'SYSTEM',
    interaction: { a: 1 },
  };
  const r = await api(t.app, t.keys.write).post('/api/interactions').set('x-userid', 'bob').send(body);
  const g = await api(t.app, t.keys.write).graphql(
    `mutation($input: CreateInteractionInput!) { createInteraction(input: $input) { ${FIELDS} } }`,
    { input: { ...body, userId: 'bob' } },
  );
  expect(r.status).toBe(201);
  expect(g.body.errors).toBeUndefined();
  // Two creations: only identity and time differ; every other field of the create response must agree.
  const ownPerRow = ['interactionId', 'interactionNumber', 'uowId', 'createdDate'];
  const fromGraphql: Record<string, unknown> = asRest(g.body.data.createInteraction);
  const shared = Object.keys(r.body).filter((key) => !ownPerRow.includes(key));
  expect(shared).toHaveLength(8);
  expect(Object.fromEntries(shared.map((key) => [key, r.body[key]]))).toEqual(
    Object.fromEntries(shared.map((key) => [key, fromGraphql[key]])),
  );
  for (const key of ownPerRow) expect(typeof r.body[key]).toBe(typeof fromGraphql[key]);
});

it('errors carry the same code in both APIs', async () => {
  const id = randomUUID();
  const [r, g] = await Promise.all([
    rest(`/api/interactions/${id}`),
    gql(`query($id: ID!) { interaction(id: $id) { id } }`, { id }),
  ]);
  expect(r.body.error.code).toBe('NOT_FOUND');
  expect(g.body.errors[0].extensions.code).toBe('NOT_FOUND');
  expect(g.body.errors[0].message).toBe(r.body.error.message);
});
