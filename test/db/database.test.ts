import { openDatabase, type Database } from '../../src/db/database';
import { createTestDatabase } from '../helpers/database';

// Graceful shutdown closes the database after the last request; a background statement (an API key's last-used
// hint is written fire-and-forget) may still be running then. close() must wait for it, not hang or cut it off.

it('close() waits for a statement still in flight and then resolves', async () => {
  const test = await createTestDatabase();
  let settled = false;
  const pending = test.db.sql.query('SELECT pg_sleep(0.2)').then(
    () => (settled = true),
    () => (settled = true),
  );
  await test.close();
  expect(settled).toBe(true);
  await pending;
});

// Hot statements are named prepared statements on PostgreSQL (planned once per connection), unless turned off.
const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;
onPostgres('prepared statements', () => {
  const preparedCount = (db: Database) =>
    db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE '%prepared-probe%'`,
    );

  it.each([
    [true, 1],
    [false, 0],
  ])('preparedStatements %s → %i prepared statement(s) for a text run twice', async (preparedStatements, expected) => {
    const url = process.env.DATABASE_URL as string;
    // One connection, so the probe and the catalogue query share the session whose statements they show.
    const db = await openDatabase({ kind: 'postgres', url, poolSize: 1, preparedStatements });
    try {
      for (const value of [1, 2]) {
        const rows = await db.sql.query<{ v: number }>(`SELECT $1::int AS v /* prepared-probe */`, [value], {
          prepare: true,
        });
        expect(rows).toEqual([{ v: value }]);
      }
      expect(await preparedCount(db)).toEqual([{ n: expected }]);
    } finally {
      await db.close();
    }
  });
});

// Request statements run without JIT compilation (tens of ms a statement once a plan's estimate passes
// jit_above_cost, ADR 110); maintenance transactions keep it for their long scans, with their own timeout.
onPostgres('JIT', () => {
  it('is off for request statements and on inside a maintenance transaction, with its statement timeout', async () => {
    const url = process.env.DATABASE_URL as string;
    const db = await openDatabase({ kind: 'postgres', url, poolSize: 1 });
    try {
      expect(await db.sql.query(`SELECT current_setting('jit') AS jit`)).toEqual([{ jit: 'off' }]);
      const inside = await db.transaction(
        (tx) => tx.query(`SELECT current_setting('jit') AS jit, current_setting('statement_timeout') AS timeout`),
        { statementLimit: 'maintenance' },
      );
      expect(inside).toEqual([{ jit: 'on', timeout: expect.stringMatching(/^\d+(ms|s|min)$/) }]);
      const request = await db.transaction((tx) => tx.query(`SELECT current_setting('jit') AS jit`));
      expect(request).toEqual([{ jit: 'off' }]);
      // SET LOCAL ended with its transaction: the connection is back to the request settings.
      expect(await db.sql.query(`SELECT current_setting('jit') AS jit`)).toEqual([{ jit: 'off' }]);
    } finally {
      await db.close();
    }
  });

  it('keeps the settings of PGOPTIONS', async () => {
    const url = process.env.DATABASE_URL as string;
    const before = process.env.PGOPTIONS;
    process.env.PGOPTIONS = '-c work_mem=7MB';
    const db = await openDatabase({ kind: 'postgres', url, poolSize: 1 });
    try {
      expect(
        await db.sql.query(`SELECT current_setting('jit') AS jit, current_setting('work_mem') AS "workMem"`),
      ).toEqual([{ jit: 'off', workMem: '7MB' }]);
    } finally {
      if (before === undefined) delete process.env.PGOPTIONS;
      else process.env.PGOPTIONS = before;
      await db.close();
    }
  });
});
