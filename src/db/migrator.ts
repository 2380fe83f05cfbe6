import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Database, SqlExecutor } from './database';
import { maintenanceTransaction } from './long-running';

/** The migrations shipped with the service, in Prisma's layout. */
export const MIGRATIONS_DIR = path.resolve(__dirname, '../../prisma/migrations');

// Any constant works; every instance uses the same one so concurrent starts apply each migration once.
const MIGRATION_LOCK_KEY = 72_707_369;

/** One migration file on disk. */
export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

/** Outcome of a `migrate` run. */
export interface MigrateResult {
  applied: string[];
  alreadyApplied: string[];
}

/** Reads `<dir>/<timestamp>_<name>/migration.sql` in name order with the SHA-256 of each file. */
export function readMigrations(dir: string = MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

// Prisma's own bookkeeping table, column for column, so `prisma migrate deploy` can take over later.
const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
}

async function appliedMigrations(tx: SqlExecutor): Promise<Map<string, string>> {
  const rows = await tx.query<AppliedRow>(
    `SELECT migration_name, checksum FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
  );
  return new Map(rows.map((row) => [row.migration_name, row.checksum]));
}

/**
 * Applies every pending migration, each in its own transaction under an advisory lock, and records it in
 * `_prisma_migrations`. Refuses (throws) when an applied migration's file has changed since.
 */
export async function migrate(db: Database, files: MigrationFile[] = readMigrations()): Promise<MigrateResult> {
  const result: MigrateResult = { applied: [], alreadyApplied: [] };
  await maintenanceTransaction(db, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.exec(CREATE_MIGRATIONS_TABLE);
  });
  for (const file of files) {
    await maintenanceTransaction(db, async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      const applied = await appliedMigrations(tx);
      const checksum = applied.get(file.name);
      if (checksum !== undefined) {
        if (checksum !== file.checksum) {
          throw new Error(
            `Migration ${file.name} was changed after it was applied (checksum ${checksum} in the database, ` +
              `${file.checksum} on disk). Restore the file; add a new migration for new changes.`,
          );
        }
        result.alreadyApplied.push(file.name);
        return;
      }
      const startedAt = new Date();
      await tx.exec(file.sql);
      await tx.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
         VALUES ($1, $2, now(), $3, $4, 1)`,
        [randomUUID(), file.checksum, file.name, startedAt],
      );
      result.applied.push(file.name);
    });
  }
  const known = new Set(files.map((file) => file.name));
  const unknown = [...(await appliedMigrations(db.sql)).keys()].filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new Error(`The database has migrations this build does not know: ${unknown.join(', ')}. Run a newer build.`);
  }
  return result;
}
