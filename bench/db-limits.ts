import { Client } from 'pg';
import { openDatabase, type Database } from '../src/db/database';

/**
 * Time limits of the bench's own database connections: loading a data set, rebuilding indexes and the baselines run
 * statements far longer than the service's 5 s request limit (DATABASE_STATEMENT_TIMEOUT_MS), which is for requests.
 */
export const BENCH_DB_LIMITS = { statementTimeoutMs: 3_600_000, maintenanceStatementTimeoutMs: 3_600_000 };

/** The value after `--name` on the command line of a one-measure bench script, or `fallback`. */
export function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** The PostgreSQL server the bench scripts use (`BENCH_ADMIN_URL`). */
export const BENCH_ADMIN_URL = process.env.BENCH_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** Drops and creates database `name` on the bench's server and opens it (unmigrated) with the bench's limits. */
export async function openFreshBenchDatabase(name: string): Promise<Database> {
  const admin = new Client({ connectionString: BENCH_ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(BENCH_ADMIN_URL);
  url.pathname = `/${name}`;
  return openDatabase({ kind: 'postgres', limits: BENCH_DB_LIMITS, url: url.toString(), poolSize: 2 });
}
