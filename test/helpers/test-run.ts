/**
 * The test run's id, shared by the jest workers through the environment: globalSetup sets it, the database helper
 * names every PostgreSQL test database `itest_<run>_…`, and globalTeardown (and .ci/run) find this run's leftovers by
 * that prefix without touching databases of another run going on at the same time on the same server.
 */
export const TEST_RUN_ENV = 'ITEST_RUN_ID';

/** Lower-case letters and digits only: the id becomes part of an unquoted database name. */
const RUN_ID = /^[a-z0-9]{1,24}$/;

/** The current run's id: from ITEST_RUN_ID (set by globalSetup or by .ci/run), else `adhoc` (a script, not jest). */
export function testRunId(env: NodeJS.ProcessEnv = process.env): string {
  const id = env[TEST_RUN_ENV];
  if (id === undefined || id === '') return 'adhoc';
  if (!RUN_ID.test(id)) throw new Error(`${TEST_RUN_ENV}=${id}: use 1-24 lower-case letters or digits`);
  return id;
}

/** The LIKE pattern of a run's test databases (`_` escaped: it is a LIKE wildcard). */
export function runDatabasePattern(id: string): string {
  return `itest\\_${id}\\_%`;
}
