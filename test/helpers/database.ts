import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openDatabase, type Database } from '../../src/db/database';
import { migrate } from '../../src/db/migrator';
import { pgliteTemplate } from './pglite-template';
import { testRunId } from './test-run';

/** Which database the suite runs on: PostgreSQL when DATABASE_URL is set, else PGlite in memory. */
export const TEST_DATABASE_KIND: 'postgres' | 'pglite' = process.env.DATABASE_URL ? 'postgres' : 'pglite';

/** A fresh database for one test file: a new PGlite, or a new PostgreSQL database dropped on close. */
export interface TestDatabase {
  db: Database;
  /** Connection string of the PostgreSQL database (null on PGlite). */
  url: string | null;
  /** Closes the database and (PostgreSQL) drops it. Safe to call more than once, and after `db.close()`. */
  close(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/**
 * Runs `close` once: later calls get the first call's promise. Tests that hand the database to a child process close
 * `db` themselves and then the TestDatabase; a second pool.end() rejects, and the drop behind it used to be skipped.
 */
function once(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | null = null;
  return () => (closing ??= close());
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** A PGlite in memory: from a dump of the run's (test/helpers/pglite-template.ts), or new without one. */
async function openPGliteFrom(loadDataDir: Blob | undefined, onQuery?: (sql: string) => void): Promise<TestDatabase> {
  const db = await openDatabase({ kind: 'pglite', dataDir: null, loadDataDir, onQuery });
  return { db, url: null, close: once(() => db.close()) };
}

/** Creates an empty (unmigrated) database. */
export async function createEmptyDatabase(onQuery?: (sql: string) => void): Promise<TestDatabase> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) return openPGliteFrom(pgliteTemplate('empty'), onQuery);
  // The run id lets the suite's global teardown drop what a crashed or leaky file left, and only this run's.
  const name = `itest_${testRunId()}_${Date.now()}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  let db: Database;
  try {
    // Fixtures load in bulk (100,000 rows in one statement for the plan tests), which a busy CI machine can take longer
    // than the service's 5 s request limit over; tests of the limit itself open their own database with theirs.
    db = await openDatabase({ kind: 'postgres', url, poolSize: 5, onQuery, limits: { statementTimeoutMs: 120_000 } });
  } catch (error) {
    await dropDatabase(adminUrl, name).catch(() => undefined); // the open error is the one worth reporting
    throw error;
  }
  return {
    db,
    url,
    close: once(async () => {
      try {
        // A test may have closed `db` already (it handed the database to a service): ending twice rejects.
        await db.close().catch(() => undefined);
      } finally {
        await dropDatabase(adminUrl, name);
      }
    }),
  };
}

/** Creates a fresh database with every migration applied; drops it again if a migration fails. */
export async function createTestDatabase(onQuery?: (sql: string) => void): Promise<TestDatabase> {
  // On PGlite, the run's migrated dump: the same migrations, applied once (test/helpers/pglite-template.ts).
  const migrated = process.env.DATABASE_URL ? undefined : pgliteTemplate('migrated');
  if (migrated) return openPGliteFrom(migrated, onQuery);
  const test = await createEmptyDatabase(onQuery);
  try {
    await migrate(test.db);
  } catch (error) {
    await test.close().catch(() => undefined);
    throw error;
  }
  return test;
}
