import { types } from 'pg';
import type { Database, OpenDatabaseOptions } from './database.types';
import { DATABASE_LIMIT_DEFAULTS } from './limits';
import { openPGlite } from './pglite';
import { openPostgres } from './postgres';

export type {
  Database,
  DatabaseLimits,
  OpenDatabaseOptions,
  QueryOptions,
  SqlExecutor,
  TransactionOptions,
} from './database.types';

// bigint columns (interaction_number, count(*)) arrive as JS numbers from raw queries: every value the
// service stores stays far below 2^53, and callers expect JSON numbers.
types.setTypeParser(types.builtins.INT8, (value) => Number(value));

/** Opens PostgreSQL (pooled) or an embedded PGlite database with a Prisma client over the same connection(s). */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const onQuery = options.onQuery ?? (() => undefined);
  return options.kind === 'postgres'
    ? openPostgres(options.url, {
        poolSize: options.poolSize ?? 10,
        preparedStatements: options.preparedStatements ?? true,
        limits: { ...DATABASE_LIMIT_DEFAULTS, ...options.limits },
        onQuery,
        onAvailabilityChange: options.onAvailabilityChange,
      })
    : openPGlite(options.dataDir, onQuery, options.loadDataDir);
}
