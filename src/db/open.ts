import type { Config } from '../config';
import { lockDataDir } from './data-dir-lock';
import { openDatabase, type Database, type OpenDatabaseOptions } from './database';
import { migrate } from './migrator';

/** What the caller of openMigratedDatabase may add to the configuration. */
type OpenMigratedDatabaseOptions = Extract<OpenDatabaseOptions, { kind: 'postgres' }>;

/** The configured PostgreSQL connection (DATABASE_URL), as every pool of the service opens it; null for PGlite. */
export function postgresOptions(config: Config) {
  if (!config.databaseUrl) return null;
  return {
    url: config.databaseUrl,
    poolSize: config.databasePoolSize,
    preparedStatements: config.databasePreparedStatements,
    limits: {
      statementTimeoutMs: config.databaseStatementTimeoutMs,
      maintenanceStatementTimeoutMs: config.databaseMaintenanceStatementTimeoutMs,
      connectTimeoutMs: config.databaseConnectTimeoutMs,
    },
  };
}

/**
 * Opens the configured database (PostgreSQL when DATABASE_URL is set, else PGlite under DATA_DIR) and migrates it.
 * A PGlite data directory is locked for this process until close() (ADR 090): a second process on the same directory
 * (a second `npm start`, a CLI while the service runs) gets DataDirInUseError instead of corrupting or losing writes.
 */
export async function openMigratedDatabase(
  config: Config,
  { onAvailabilityChange }: Pick<OpenMigratedDatabaseOptions, 'onAvailabilityChange'> = {},
): Promise<{ db: Database; applied: string[] }> {
  const lock = config.databaseUrl ? null : lockDataDir(config.dataDir);
  let db: Database;
  try {
    const postgres = postgresOptions(config);
    db = await openDatabase(
      postgres ? { kind: 'postgres', ...postgres, onAvailabilityChange } : { kind: 'pglite', dataDir: config.dataDir },
    );
  } catch (error) {
    lock?.release();
    throw error;
  }
  if (lock) {
    const close = db.close.bind(db);
    db = {
      ...db,
      async close() {
        try {
          await close();
        } finally {
          lock.release();
        }
      },
    };
  }
  try {
    const { applied } = await migrate(db);
    return { db, applied };
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}
