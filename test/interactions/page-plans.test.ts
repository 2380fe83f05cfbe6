import { openDatabase, type Database } from '../../src/db/database';
import { findInteractions } from '../../src/interactions/interaction.find';
import { createTestDatabase, TEST_DATABASE_KIND, type TestDatabase } from '../helpers/database';
import { insertInteractions, type InsertedInteraction } from '../helpers/factories';

// Plans, prepared statements and partitions are PostgreSQL's; PGlite runs the same statements in the other tests.
const onPostgres = TEST_DATABASE_KIND === 'postgres' ? describe : describe.skip;

const DAY = 86_400_000;

onPostgres('the plan of a page without an offset (PostgreSQL)', () => {
  let test: TestDatabase;
  /** One connection, so that every statement is prepared, planned and looked at on the same session. */
  let one: Database;
  let rows: InsertedInteraction[];
  const now = Date.now();

  beforeAll(async () => {
    test = await createTestDatabase();
    // Rows a day apart over 70 days: three or four monthly partitions, two actions.
    rows = await insertInteractions(
      test.db,
      Array.from({ length: 70 }, (_, i) => ({
        resourceId: `plan-${i}`,
        action: i % 2 === 0 ? 'CREATE' : 'UPDATE',
        createdDate: new Date(now - i * DAY - 60_000).toISOString(),
      })),
    );
    await test.db.sql.query('ANALYZE interactions');
    one = await openDatabase({ kind: 'postgres', url: test.url!, poolSize: 1 });
  });

  afterAll(async () => {
    await one?.close();
    await test?.close();
  });

  const plansOf = async (like: string) =>
    one.sql.query<{ generic: number; custom: number }>(
      `SELECT generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements
        WHERE statement LIKE $1`,
      [like],
    );

  it('answers each range with its own rows, and PostgreSQL keeps one plan for every range', async () => {
    for (let days = 3; days <= 60; days += 7) {
      const start = new Date(now - days * DAY);
      const page = await findInteractions(one, {
        filter: { action: 'CREATE', startDate: start.toISOString() },
        limit: 5,
      });
      const expected = rows
        .filter((row, i) => i % 2 === 0 && new Date(row.createdDate).getTime() >= start.getTime())
        .sort((a, b) => new Date(b.createdDate).getTime() - new Date(a.createdDate).getTime());
      expect(page.items.map((item) => item.id)).toEqual(expected.slice(0, 5).map((row) => row.id));
      expect(page.pagination.total).toBe(expected.length);
    }
    // Nine executions of one text: the first five are planned for their values, as PostgreSQL always does, and it
    // then keeps the generic plan, because a plan made without the range costs the same as one made with it.
    const [plans] = await plansOf('%FROM interactions WHERE action_id =%LIMIT 6');
    expect(plans.custom + plans.generic).toBe(9);
    expect(plans.generic).toBe(4);
  });

  it('reads a page after a cursor, and a deep page, with the same rows as the first pages', async () => {
    const filter = { action: 'UPDATE', startDate: new Date(now - 40 * DAY).toISOString() };
    const first = await findInteractions(one, { filter, limit: 4 });
    const next = await findInteractions(one, { filter, limit: 4, cursor: first.pagination.nextCursor });
    const deep = await findInteractions(one, { filter, limit: 4, page: 2 });
    const all = await findInteractions(one, { filter, limit: 8 });
    expect([...first.items, ...next.items].map((item) => item.id)).toEqual(all.items.map((item) => item.id));
    expect(deep.items.map((item) => item.id)).toEqual(next.items.map((item) => item.id));
  });
});
