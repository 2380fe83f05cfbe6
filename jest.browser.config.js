// Browser tests of the web console (playwright-core + Debian's chromium): `npm run test:browser`, run once in CI
// after the suite (they exercise the UI, not the database, so PGlite is enough).
const base = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  testMatch: ['**/test/console/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 1,
};
