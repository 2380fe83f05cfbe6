/**
 * The test helper's own contract: a PostgreSQL test database is dropped on close, even when the test closed its
 * connection first (it handed the database to a service) or closes twice, and its name carries this run's id.
 */
import { Client } from 'pg';
import { createEmptyDatabase, TEST_DATABASE_KIND } from '../helpers/database';
import { testRunId } from '../helpers/test-run';

const onPostgres = TEST_DATABASE_KIND === 'postgres' ? it : it.skip;

async function exists(name: string): Promise<boolean> {
  const admin = new Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  try {
    return (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  } finally {
    await admin.end();
  }
}

const nameOf = (url: string | null) => new URL(url!).pathname.slice(1);

onPostgres('names the database after this run', async () => {
  const database = await createEmptyDatabase();
  try {
    expect(nameOf(database.url)).toMatch(new RegExp(`^itest_${testRunId()}_\\d+_[0-9a-f]{8}$`));
  } finally {
    await database.close();
  }
});

onPostgres('drops the database when the test already closed its connection', async () => {
  const database = await createEmptyDatabase();
  const name = nameOf(database.url);
  await database.db.close();
  await database.close();
  expect(await exists(name)).toBe(false);
});

onPostgres('closes twice without an error', async () => {
  const database = await createEmptyDatabase();
  const name = nameOf(database.url);
  await Promise.all([database.close(), database.close()]);
  await expect(database.close()).resolves.toBeUndefined();
  expect(await exists(name)).toBe(false);
});

it('closes a PGlite database twice without an error', async () => {
  if (TEST_DATABASE_KIND !== 'pglite') return;
  const database = await createEmptyDatabase();
  await database.close();
  await expect(database.close()).resolves.toBeUndefined();
});
