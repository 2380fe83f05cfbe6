import { randomBytes } from 'node:crypto';
import { makePGliteTemplates, PGLITE_TEMPLATE_ENV } from './helpers/pglite-template';
import { TEST_RUN_ENV, testRunId } from './helpers/test-run';

/**
 * Jest globalSetup: gives this run an id (unless .ci/run chose one) before the workers start, so they inherit it
 * and every PostgreSQL test database of the run carries it in its name; on PGlite, makes the dumps its databases
 * start from.
 */
export default async function globalSetup(): Promise<void> {
  if (!process.env[TEST_RUN_ENV]) process.env[TEST_RUN_ENV] = `r${randomBytes(5).toString('hex')}`;
  testRunId(); // fails the run now, not in a worker, when a chosen id cannot be part of a database name
  // On PGlite, the databases the workers open start from dumps made here, once (test/helpers/pglite-template.ts).
  if (!process.env.DATABASE_URL) process.env[PGLITE_TEMPLATE_ENV] = await makePGliteTemplates();
}
