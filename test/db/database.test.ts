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
