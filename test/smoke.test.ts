import { api, createTestApp, type TestApp } from './helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

it('creates and lists', async () => {
  const admin = api(t.app, t.keys.admin);
  const rt = await admin.post('/api/resource-types').send({ mnemonic: 'order', icon: '📦', bgColorHex: '#f59e0b', fontColorHex: '#fff' });
  console.log(rt.status, rt.body);
  const created = await api(t.app, t.keys.write).post('/api/interactions').set('x-userid', 'u1').send({ resourceId: 'order-456', resourceType: 'ORDER', action: 'CREATE', origin: 'WEBAPP', interaction: { total: 1 } });
  console.log(created.status, created.body);
  const list = await api(t.app, t.keys.read).get('/api/interactions?limit=2');
  console.log(list.status, JSON.stringify(list.body, null, 1));
  const gql = await api(t.app, t.keys.read).graphql('{ interactions { items { id resourceType { mnemonic } } pagination { total } } }');
  console.log(gql.status, JSON.stringify(gql.body));
});
