import { api, createTestApp, type TestApp } from '../helpers/app';
import { createOrderResourceType, orderBody } from '../helpers/factories';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await createOrderResourceType(t);
  // One batch: the same created_date for all, so the order falls to interaction_number (newest first).
  const response = await api(t.app, t.keys.write)
    .post('/api/interactions/batch')
    .send({
      interactions: Array.from({ length: 7 }, (_, i) =>
        orderBody(`paging-${i}`, { action: i % 2 ? 'UPDATE' : 'CREATE' }),
      ),
    });
  if (response.status !== 201) throw new Error(`setup failed: ${response.status}`);
});
afterAll(() => t.close());

it('returns a deep page in newest-first order (deferred join keeps the order)', async () => {
  const response = await api(t.app, t.keys.read).get('/api/interactions?limit=2&page=2');
  expect(response.status).toBe(200);
  expect(response.body.data.map((row: { resourceId: string }) => row.resourceId)).toEqual(['paging-4', 'paging-3']);
  expect(response.body.pagination).toEqual({
    page: 2,
    limit: 2,
    total: 7,
    totalPages: 4,
    hasNext: true,
    hasPrev: true,
    nextCursor: expect.any(String),
  });
});

it('applies the filter inside the page query', async () => {
  const response = await api(t.app, t.keys.read).get('/api/interactions?action=CREATE&limit=3&page=2');
  expect(response.status).toBe(200);
  expect(response.body.data.map((row: { resourceId: string }) => row.resourceId)).toEqual(['paging-0']);
  expect(response.body.pagination.total).toBe(4);
});
