/**
 * Timeline benchmark on PostgreSQL: loads BENCH_ROWS interactions (default 1,000,000) spread over 180 days
 * into its own database, rolls them into the daily counts, then times `GET /api/interactions/timeline?days=90`
 * over HTTP through the real app, with and without a live tail, and the refreshes themselves (incremental over
 * the tail, full rebuild). Prints one JSON document.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres node -r ts-node/register/transpile-only bench/timeline.ts
 *
 * Env: BENCH_DATABASE (default bench_timeline; dropped and re-created unless it already holds BENCH_ROWS rows
 * and BENCH_FRESH is unset), BENCH_ROWS, BENCH_REQUESTS (default 1000 per scenario), BENCH_TAIL_ROWS (rows
 * written after the refresh for the live-tail scenarios, default 10,000; the first scenario stops at the
 * default TIMELINE_REFRESH_ROWS, the most a running service lets the tail grow).
 */
import { BENCH_DB_LIMITS } from './db-limits';
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import pino from 'pino';
import { buildApp } from '../src/app';
import { createLogger } from '../src/observability/logger';
import { createApiKey } from '../src/auth/api-key.service';
import { loadConfig } from '../src/config';
import { openDatabase, type Database } from '../src/db/database';
import { migrate } from '../src/db/migrator';
import { getTimeline } from '../src/timeline/timeline.read';
import { refreshTimeline } from '../src/timeline/timeline.refresh';

const RESOURCE_TYPES = ['ORDER', 'PAYMENT', 'CUSTOMER', 'INVOICE', 'SHIPMENT', 'PRODUCT', 'CART', 'REFUND'];
const DAYS = 180;

function intEnv(name: string, fallback: number): number {
  const value = process.env[name];
  return value ? Number(value) : fallback;
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function prepareDatabase(
  adminUrl: string,
  name: string,
  rows: number,
): Promise<{ db: Database; loaded: boolean }> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error('BENCH_DATABASE must be a plain identifier');
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  let reuse = false;
  if (exists && !process.env.BENCH_FRESH) {
    const probe = new Client({ connectionString: withDatabase(adminUrl, name) });
    await probe.connect();
    const count = await probe
      .query('SELECT count(*)::int AS n FROM interactions')
      .then((result) => result.rows[0].n as number)
      .catch(() => -1);
    await probe.end();
    reuse = count >= rows;
  }
  if (!reuse) {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  }
  await admin.end();
  const db = await openDatabase({
    kind: 'postgres',
    limits: BENCH_DB_LIMITS,
    url: withDatabase(adminUrl, name),
    poolSize: 10,
  });
  await migrate(db);
  return { db, loaded: !reuse };
}

/** Set-based load: one INSERT … SELECT generate_series per chunk, random lookups and times over DAYS days. */
async function load(db: Database, rows: number): Promise<number> {
  const started = performance.now();
  for (const mnemonic of RESOURCE_TYPES) {
    await db.sql.query(
      `INSERT INTO resource_types (id, mnemonic, name) VALUES (gen_random_uuid(), $1, initcap($1)) ON CONFLICT (mnemonic) DO NOTHING`,
      [mnemonic],
    );
  }
  // Secondary indexes are rebuilt once after the load instead of maintained row by row (several times faster);
  // the primary key and the interaction_number index stay.
  const indexes = await db.sql.query<{ name: string; definition: string }>(
    `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
      WHERE schemaname = current_schema() AND tablename = 'interactions'
        AND indexname NOT IN ('interactions_pkey', 'interactions_interaction_number_key')`,
  );
  for (const index of indexes) await db.sql.exec(`DROP INDEX "${index.name}"`);
  const chunk = 250_000;
  for (let done = 0; done < rows; done += chunk) {
    const size = Math.min(chunk, rows - done);
    await db.sql.query(
      `WITH rt AS (SELECT array_agg(id ORDER BY mnemonic) AS ids FROM resource_types),
            ac AS (SELECT array_agg(id ORDER BY mnemonic) AS ids FROM actions),
            og AS (SELECT array_agg(id ORDER BY mnemonic) AS ids FROM origins)
       INSERT INTO interactions (id, resource_id, resource_type_id, action_id, origin_id, interaction, uow_id, user_id, created_date)
       SELECT gen_random_uuid(), 'res-' || (g % 50000), rt.ids[1 + (g % cardinality(rt.ids))],
              ac.ids[1 + ((g / 7) % cardinality(ac.ids))], og.ids[1 + ((g / 13) % cardinality(og.ids))],
              jsonb_build_object('n', g), gen_random_uuid(), 'user-' || (g % 1000),
              now() - random() * interval '${DAYS} days'
         FROM generate_series($1::int, $2::int) AS g, rt, ac, og`,
      [done + 1, done + size],
    );
    process.stderr.write(`loaded ${done + size}/${rows}\n`);
  }
  for (const index of indexes) await db.sql.exec(index.definition);
  await db.sql.exec('ANALYZE interactions');
  return Math.round(performance.now() - started);
}

function summarize(times: number[]) {
  times.sort((a, b) => a - b);
  return {
    p50Ms: percentile(times, 50),
    p95Ms: percentile(times, 95),
    p99Ms: percentile(times, 99),
    meanMs: Math.round((times.reduce((a, b) => a + b, 0) / times.length) * 100) / 100,
  };
}

/** The service call alone (SQL + bucket filling), without HTTP, auth or GraphQL. */
async function measureService(db: Database, requests: number) {
  for (let i = 0; i < 20; i += 1) await getTimeline(db, { days: 90 });
  const times: number[] = [];
  for (let i = 0; i < requests; i += 1) {
    const started = performance.now();
    await getTimeline(db, { days: 90 });
    times.push(performance.now() - started);
  }
  return { path: 'getTimeline(db, { days: 90 }) in-process', requests, ...summarize(times) };
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, index)] * 100) / 100;
}

async function measure(baseUrl: string, key: string, path: string, requests: number) {
  const call = async () => {
    const response = await fetch(`${baseUrl}${path}`, { headers: { 'x-api-key': key } });
    if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as { data: { count: number }[] };
  };
  for (let i = 0; i < 20; i += 1) await call(); // warm-up: connections, plans, caches
  const times: number[] = [];
  let total = 0;
  for (let i = 0; i < requests; i += 1) {
    const started = performance.now();
    const body = await call();
    times.push(performance.now() - started);
    if (i === 0) total = body.data.reduce((sum, entry) => sum + entry.count, 0);
  }
  return { path, requests, counted: total, ...summarize(times) };
}

async function main() {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('Set DATABASE_URL to a PostgreSQL server (the benchmark creates its own database).');
  const name = process.env.BENCH_DATABASE ?? 'bench_timeline';
  const rows = intEnv('BENCH_ROWS', 1_000_000);
  const requests = intEnv('BENCH_REQUESTS', 1000);
  const tailRows = intEnv('BENCH_TAIL_ROWS', 10_000);

  const { db, loaded } = await prepareDatabase(adminUrl, name, rows);
  const loadMs = loaded ? await load(db, rows) : null;
  // The first refresh after a load rolls every row up (from covered_through 0); on a reused database it adds nothing.
  const refresh = await refreshTimeline(db);
  const [{ viewRows }] = await db.sql.query<{ viewRows: number }>(
    'SELECT count(*) AS "viewRows" FROM interaction_daily_counts',
  );
  const [{ total }] = await db.sql.query<{ total: number }>('SELECT count(*) AS total FROM interactions');

  const config = loadConfig({
    DATABASE_URL: withDatabase(adminUrl, name),
    TIMELINE_REFRESH_SECONDS: '0',
    TIMELINE_REFRESH_ROWS: '0',
  });
  const thresholdRows = Math.min(loadConfig({}).timelineRefreshRows, tailRows);
  // Request logs go to /dev/null: their cost stays in the figures, their lines stay out of the JSON report.
  const app = await buildApp({ db, config, logger: createLogger({ destination: pino.destination('/dev/null') }) });
  const server = app.listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { key } = await createApiKey(db, { name: `bench-${Date.now()}`, scopes: ['read'] });

  const scenarios = [];
  scenarios.push(await measure(baseUrl, key, '/api/interactions/timeline?days=90', requests));
  scenarios.push(
    await measure(baseUrl, key, '/api/interactions/timeline?days=90&resourceType=ORDER&action=CREATE', requests),
  );
  scenarios.push(
    await measure(baseUrl, key, '/api/interactions/timeline?days=1&granularity=hour', Math.min(requests, 200)),
  );
  scenarios.push(await measureService(db, requests));
  // The floor every authenticated route pays (API key check, GraphQL execution, one small query).
  const floor = await measure(baseUrl, key, '/api/actions', requests);
  scenarios.push({ ...floor, counted: undefined, note: 'authenticated-route floor, not timeline work' });
  // Rows written since the last refresh are counted live: time days=90 with such a tail, first as long as the
  // row threshold of a running service lets it grow, then BENCH_TAIL_ROWS.
  const writeTail = (from: number, to: number) =>
    db.sql.query(
      `INSERT INTO interactions (id, resource_id, resource_type_id, action_id, origin_id, uow_id)
       SELECT gen_random_uuid(), 'tail-' || g, (SELECT id FROM resource_types ORDER BY mnemonic LIMIT 1),
              (SELECT id FROM actions ORDER BY mnemonic LIMIT 1), (SELECT id FROM origins ORDER BY mnemonic LIMIT 1), gen_random_uuid()
         FROM generate_series($1::int, $2::int) AS g`,
      [from, to],
    );
  const days90 = '/api/interactions/timeline?days=90';
  if (thresholdRows > 0 && thresholdRows < tailRows) {
    await writeTail(1, thresholdRows);
    const atThreshold = await measure(baseUrl, key, days90, requests);
    scenarios.push({
      ...atThreshold,
      note: `${thresholdRows} rows written after the last refresh (TIMELINE_REFRESH_ROWS default)`,
    });
    await writeTail(thresholdRows + 1, tailRows);
  } else {
    await writeTail(1, tailRows);
  }
  const tail = await measure(baseUrl, key, days90, requests);
  scenarios.push({ ...tail, note: `${tailRows} rows written after the last refresh` });
  // An incremental refresh costs the tail, not the table.
  const incremental = await refreshTimeline(db);
  const afterIncremental = await measure(baseUrl, key, days90, requests);
  scenarios.push({ ...afterIncremental, note: `after the incremental refresh of the ${tailRows}-row tail` });
  // Leave the database as loaded: drop the tail and rebuild the counts without it (the full path, timed).
  await db.sql.query(`DELETE FROM interactions WHERE resource_id LIKE 'tail-%'`);
  const full = await refreshTimeline(db, { full: true });
  await db.sql.exec('VACUUM ANALYZE interaction_daily_counts');

  server.close();
  await db.close();
  const result = {
    machine: { cores: cpus().length, loadAverage: loadavg().map((value) => Math.round(value * 100) / 100) },
    benchmark: 'timeline',
    database: 'postgresql',
    interactions: total,
    spreadDays: DAYS,
    loadMs,
    refreshMs: refresh?.durationMs ?? null,
    refreshRolledUp: refresh?.rolledUp ?? null,
    incrementalRefresh: { rows: incremental?.rolledUp ?? null, ms: incremental?.durationMs ?? null },
    fullRefreshMs: full?.durationMs ?? null,
    viewRows,
    scenarios,
    target: 'days=90 p50 < 10 ms',
    met: scenarios[0].p50Ms < 10,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
