import { announceChange } from '../../src/db/change-events';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { createOrderResourceType, orderBody } from '../helpers/factories';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await createOrderResourceType(t);
});
afterAll(() => t.close());

const lookupQueries = (from: number) =>
  t.queries.slice(from).filter((sql) => /FROM (resource_types|actions|origins)\b/.test(sql)).length;

it('serves repeated creates without lookup queries once warm', async () => {
  const writer = api(t.app, t.keys.write);
  await writer.post('/api/interactions').send(orderBody('cache-warm'));
  const from = t.queries.length;
  const response = await writer.post('/api/interactions').send(orderBody('cache-hit'));
  expect(response.status).toBe(201);
  expect(lookupQueries(from)).toBe(0);
});

it('sees a renamed lookup at once (the old mnemonic is unknown, the new one works)', async () => {
  const admin = api(t.app, t.keys.admin);
  const created = await admin.post('/api/resource-types').send({ mnemonic: 'INVOICE' });
  const writer = api(t.app, t.keys.write);
  expect((await writer.post('/api/interactions').send(orderBody('rename-0', { resourceType: 'INVOICE' }))).status).toBe(
    201,
  );
  expect((await admin.patch(`/api/resource-types/${created.body.id}`).send({ mnemonic: 'BILL' })).status).toBe(200);
  const old = await writer.post('/api/interactions').send(orderBody('rename-1', { resourceType: 'INVOICE' }));
  expect(old.status).toBe(400);
  expect(old.body.error.code).toBe('UNKNOWN_LOOKUP');
  expect((await writer.post('/api/interactions').send(orderBody('rename-2', { resourceType: 'BILL' }))).status).toBe(
    201,
  );
});

it('shows changed badge fields in lists after an update', async () => {
  const admin = api(t.app, t.keys.admin);
  const list = await admin.get('/api/resource-types');
  const order = list.body.data.find((row: { mnemonic: string }) => row.mnemonic === 'ORDER');
  await api(t.app, t.keys.write).post('/api/interactions').send(orderBody('badge-0'));
  await admin.patch(`/api/resource-types/${order.id}`).send({ icon: '🧾' });
  const page = await api(t.app, t.keys.read).get('/api/interactions?resourceId=badge-0');
  expect(page.body.data[0].resourceTypeIcon).toBe('🧾');
});

it('refuses a revoked key at once, although valid keys are cached', async () => {
  const admin = api(t.app, t.keys.admin);
  const key = await admin.post('/api/keys').send({ name: 'short-lived', scopes: ['read'] });
  expect(key.status).toBe(201);
  expect((await api(t.app, key.body.key).get('/api/interactions')).status).toBe(200);
  expect((await admin.delete(`/api/keys/${key.body.id}`)).status).toBe(200);
  const after = await api(t.app, key.body.key).get('/api/interactions');
  expect(after.status).toBe(401);
});

it('drops cached lookups when a change is announced (what the NOTIFY listener does for other instances)', async () => {
  const writer = api(t.app, t.keys.write);
  await writer.post('/api/interactions').send(orderBody('announce-0'));
  await announceChange(t.database.db, 'resourceType');
  const from = t.queries.length;
  await writer.post('/api/interactions').send(orderBody('announce-1'));
  expect(lookupQueries(from)).toBeGreaterThan(0);
});
