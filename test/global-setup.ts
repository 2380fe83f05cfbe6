import { randomBytes } from 'node:crypto';
import { TEST_RUN_ENV, testRunId } from './helpers/test-run';

/**
 * Jest globalSetup: gives this run an id (unless .ci/run chose one) before the workers start, so they inherit it
 * and every PostgreSQL test database of the run carries it in its name.
 */
export default async function globalSetup(): Promise<void> {
  if (!process.env[TEST_RUN_ENV]) process.env[TEST_RUN_ENV] = `r${randomBytes(5).toString('hex')}`;
  testRunId(); // fails the run now, not in a worker, when a chosen id cannot be part of a database name
}
