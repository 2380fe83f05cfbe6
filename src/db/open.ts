import type { Config } from '../config';
import { openDatabase, type Database } from './database';
import { migrate } from './migrator';

/** Opens the configured database (PostgreSQL when DATABASE_URL is set, else PGlite under DATA_DIR) and migrates it. */
export async function openMigratedDatabase(config: Config): Promise<{ db: Database; applied: string[] }> {
  const db = await openDatabase(
    config.databaseUrl
      ? {
          kind: 'postgres',
          url: config.databaseUrl,
          poolSize: config.databasePoolSize,
          preparedStatements: config.databasePreparedStatements,
        }
      : { kind: 'pglite', dataDir: config.dataDir },
  );
  try {
    const { applied } = await migrate(db);
    return { db, applied };
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}
