import type { Express } from 'express';
import request from 'supertest';
import { buildApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/observability/logger';
import { createMetrics, type Metrics } from '../../src/observability/metrics';
import { startMaintenance } from '../../src/retention/maintenance';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { createLookupRow, insertInteraction } from '../helpers/factories';

// The service's maintenance path (what main.ts starts hourly) reports what it did on /metrics: partitions created,
// the run, and the partitions and rows it dropped; a round that finds today's run done counts nothing.

let test: TestDatabase;
let app: Express;
let metrics: Metrics;
const config = () => loadConfig({ RETENTION_DAYS: '30', DATABASE_URL: test.url ?? '' });

const scrape = async () => {
  const res = await request(app).get('/metrics').expect(200);
  const value = (name: string) => {
    const line = (res.text as string).split('\n').find((l) => l.startsWith(`${name} `));
    return line ? Number(line.slice(name.length + 1)) : undefined;
  };
  return {
    runs: value('interactions_retention_runs_total'),
    partitions: value('interactions_retention_dropped_partitions_total'),
    rows: value('interactions_retention_dropped_rows_total'),
    created: value('interactions_partitions_created_total'),
  };
};

const maintenanceRound = async () => {
  const maintenance = startMaintenance(test.db, {
    config: config(),
    log: createLogger({ level: 'silent' }),
    metrics,
    checkMs: 3_600_000,
  });
  await maintenance.ready();
  await maintenance.stop();
};

beforeAll(async () => {
  test = await createTestDatabase();
  const resourceTypeId = (await createLookupRow(test.db, 'resourceType', { mnemonic: 'METRIC' })).id;
  // Rows of two months long expired, written while no partition held them (they wait in the default partition).
  for (const at of ['2020-01-02T00:00:00Z', '2020-01-20T00:00:00Z', '2020-03-05T00:00:00Z']) {
    await insertInteraction(test.db, { resourceTypeId, createdDate: at });
  }
  await insertInteraction(test.db, { resourceTypeId });
  metrics = createMetrics(test.db);
  app = await buildApp({ db: test.db, config: config(), logger: createLogger({ level: 'silent' }), metrics });
});
afterAll(() => test.close());

it('before any maintenance the counters are at zero', async () => {
  expect(await scrape()).toEqual({ runs: 0, partitions: 0, rows: 0, created: 0 });
});

it('after a maintenance round /metrics counts the run, the partitions and rows it dropped, and the partitions made', async () => {
  await maintenanceRound();
  const after = await scrape();
  // Created: January and March 2020, out of the default partition (the migration made this month and two ahead).
  expect(after).toEqual({ runs: 1, partitions: 2, rows: 3, created: 2 });
  const [{ left }] = await test.db.sql.query<{ left: number }>(`SELECT count(*) AS left FROM interactions`);
  expect(Number(left)).toBe(1);
});

it('a round that finds today’s run done counts no run and no drop', async () => {
  const before = await scrape();
  await maintenanceRound();
  expect(await scrape()).toEqual(before);
});
