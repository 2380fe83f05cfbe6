import { randomUUID } from 'node:crypto';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { insertInteraction, ensureResourceTypes } from '../helpers/factories';

let t: TestApp;

// 5 units of work touch resource "small", 50 touch "big"; each has two interactions by its own user.
beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.db;
  await ensureResourceTypes(db, ['ORDER']);
  for (const [resourceId, count] of [
    ['small', 5],
    ['big', 50],
  ] as const) {
    for (let i = 0; i < count; i++) {
      const uowId = randomUUID();
      const userId = `${resourceId}-user-${i}`;
      await insertInteraction(db, {
        origin: 'API',
        uowId,
        userId,
        resourceId,
        resourceType: 'ORDER',
        action: 'CREATE',
      });
      await insertInteraction(db, {
        origin: 'API',
        uowId,
        userId,
        resourceId,
        resourceType: 'ORDER',
        action: 'UPDATE',
      });
    }
  }
});
afterAll(() => t.close());

const QUERY = `query($input: ActivityInput!, $limit: Int!) {
  activity(input: $input) {
    items { userId uowId interactions(limit: 5) { id resourceType { mnemonic } action { mnemonic } } }
  }
  interactions(limit: $limit) { items { id uowId trace { totalInteractions uniqueActions } } }
}`;

async function statementsFor(resourceId: string, size: number) {
  t.queries.length = 0;
  const res = await api(t.app, t.keys.read).graphql(QUERY, {
    input: { resources: [{ resourceId }], limit: 100 },
    limit: size,
  });
  expect(res.body.errors).toBeUndefined();
  expect(res.body.data.activity.items).toHaveLength(size);
  expect(res.body.data.interactions.items).toHaveLength(size);
  return { count: t.queries.length, data: res.body.data };
}

it('runs the same small number of statements for 5 and for 50 activity groups and traces', async () => {
  await statementsFor('small', 5); // warm-up: key lookup caches, last-used write
  const small = await statementsFor('small', 5);
  const big = await statementsFor('big', 50);
  expect(big.count).toBe(small.count);
  expect(big.count).toBeLessThanOrEqual(10);
});

it('still answers correctly when batched', async () => {
  const { data } = await statementsFor('big', 50);
  for (const group of data.activity.items) {
    expect(group.interactions).toHaveLength(2);
    expect(group.interactions.map((i: { action: { mnemonic: string } }) => i.action.mnemonic)).toEqual([
      'CREATE',
      'UPDATE',
    ]);
  }
  for (const item of data.interactions.items) {
    expect(item.trace).toEqual({ totalInteractions: 2, uniqueActions: ['CREATE', 'UPDATE'] });
  }
});
