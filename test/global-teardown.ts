import { Client } from 'pg';
import { removePGliteTemplates } from './helpers/pglite-template';
import { runDatabasePattern, testRunId } from './helpers/test-run';

/**
 * Jest globalTeardown, the safety net behind TestDatabase.close(): drops every PostgreSQL database this run created
 * and did not drop, and names them, so a leak is visible and fixed where it happens instead of piling up on the
 * server. Only this run's prefix: another run on the same server may be using its databases right now. On PGlite,
 * removes the dumps globalSetup made.
 */
export default async function globalTeardown(): Promise<void> {
  removePGliteTemplates();
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) return;
  const pattern = runDatabasePattern(testRunId());
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const rows = (
      await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [pattern])
    ).rows;
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    if (rows.length > 0) {
      console.warn(
        `globalTeardown: dropped ${rows.length} test database(s) left behind by this run: ${rows
          .map((row) => row.datname)
          .join(', ')}`,
      );
    }
  } finally {
    await admin.end();
  }
}
