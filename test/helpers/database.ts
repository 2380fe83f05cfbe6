import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openDatabase, type Database } from '../../src/db/database';
import { migrate } from '../../src/db/migrator';

/** Which database the suite runs on: PostgreSQL when DATABASE_URL is set, else PGlite in memory. */
export const TEST_DATABASE_KIND: 'postgres' | 'pglite' = process.env.DATABASE_URL ? 'postgres' : 'pglite';

/** A fresh database for one test file: a new PGlite, or a new PostgreSQL database dropped on close. */
export interface TestDatabase {
  db: Database;
  /** Connection string of the PostgreSQL database (null on PGlite). */
  url: string | null;
  close(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Creates an empty (unmigrated) database. */
export async function createEmptyDatabase(onQuery?: (sql: string) => void): Promise<TestDatabase> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const db = await openDatabase({ kind: 'pglite', dataDir: null, onQuery });
    return { db, url: null, close: () => db.close() };
  }
  const name = `itest_${Date.now()}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(adminUrl, name);
  const db = await openDatabase({ kind: 'postgres', url, poolSize: 5, onQuery });
  return {
    db,
    url,
    async close() {
      await db.close();
      const cleanup = new Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

/** Creates a fresh database with every migration applied. */
export async function createTestDatabase(onQuery?: (sql: string) => void): Promise<TestDatabase> {
  const test = await createEmptyDatabase(onQuery);
  await migrate(test.db);
  return test;
}
