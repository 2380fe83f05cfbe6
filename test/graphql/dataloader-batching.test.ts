import { api, createTestApp, type TestApp } from '../helpers/app';
import { createLookupRow, insertInteraction, SYSTEM } from '../helpers/factories';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.db;
  const resourceTypes = await Promise.all(
    ['ORDER', 'PAYMENT', 'INVOICE', 'USER', 'CART'].map((mnemonic) =>
      createLookupRow(db, 'resourceType', { mnemonic }),
    ),
  );
  const actions = Object.values(SYSTEM.actions);
  const origins = Object.values(SYSTEM.origins);
  // 100 rows spread over 5 resource types × 4 actions × 4 origins, so every page references many lookups.
  for (let i = 0; i < 100; i += 1) {
    await insertInteraction(db, {
      resourceId: `r-${i}`,
      resourceTypeId: resourceTypes[i % resourceTypes.length].id,
      actionId: actions[i % actions.length],
      originId: origins[Math.floor(i / 5) % origins.length],
    });
  }
});
afterAll(() => t.close());

const QUERY = `query($limit: Int) {
  interactions(limit: $limit) {
    items {
      id
      resourceType { id mnemonic icon }
      action { id mnemonic icon }
      origin { id mnemonic icon }
    }
  }
}`;

/** Runs the query and returns how many SQL statements it sent and how many items it returned. */
async function statementsFor(limit: number): Promise<{ statements: string[]; items: number }> {
  t.queries.length = 0;
  const res = await api(t.app, t.keys.read).graphql(QUERY, { limit });
  expect(res.status).toBe(200);
  expect(res.body.errors).toBeUndefined();
  // The key's last-used hint is written fire-and-forget, at most once a minute: a warm-up request takes it.
  return { statements: [...t.queries], items: res.body.data.interactions.items.length };
}

beforeAll(async () => {
  await statementsFor(1);
});

it('loads resourceType, action and origin of 100 interactions in a bounded number of statements', async () => {
  const { statements, items } = await statementsFor(100);
  expect(items).toBe(100);
  // authenticate (1) + page and count (2) + one batch per lookup kind (3); without loaders it would be 306.
  expect(statements.length).toBeLessThanOrEqual(6);
});

it('sends as many statements for 90 rows as for 10', async () => {
  // Both pages leave rows after them, so both also count (a page holding every match needs no count).
  const ten = await statementsFor(10);
  const ninety = await statementsFor(90);
  expect(ten.items).toBe(10);
  expect(ninety.items).toBe(90);
  expect(ninety.statements.length).toBe(ten.statements.length);
});

it('queries each lookup table at most once per request (not at all when the lookup cache holds the rows)', async () => {
  const { statements } = await statementsFor(100);
  for (const table of ['resource_types', 'actions', 'origins']) {
    const touching = statements.filter((sql) => new RegExp(`FROM\\s+"?(public"?\\.)?"?${table}"?`, 'i').test(sql));
    expect(touching.length).toBeLessThanOrEqual(1);
  }
});
