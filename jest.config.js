/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Browser tests run on their own: `npm run test:browser` (jest.browser.config.js).
  testPathIgnorePatterns: ['/node_modules/', '/test/console/'],
  // Each file is transpiled on its own (isolatedModules in tsconfig.jest.json, where ts-jest 29.4 wants it): fast,
  // no type check here — `npm run typecheck` checks test/ with everything else.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json', diagnostics: false }] },
  setupFiles: ['reflect-metadata'],
  // A run id for this run's PostgreSQL test databases, and a teardown that drops (and names) any left behind.
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 120000,
  maxWorkers: 2,
  // Jest gives a worker 500 ms to exit once told to; then it kills it and prints "A worker process has failed to exit
  // gracefully". Measured here (2 cores, load 15): a worker that ran an app test exits with no handle left open
  // ('exit' 35 ms after its last file) but its ~300 MB process takes ~600 ms more to go away. Open handles are
  // still caught: a worker that never exits is killed after this and the warning shows.
  workerGracefulExitTimeout: 5000,
};
