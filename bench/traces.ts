// Trace benchmark: one unit of work of 100,000 interactions among background traffic, on PostgreSQL.
// Measures summary, timeline and trace-page latency over HTTP (sequential requests) and the server's RSS, to show
// that summary and timeline are computed in the database rather than by loading the rows into Node.
//
//   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test node -r ts-node/register/transpile-only bench/traces.ts
//
// Options (environment): BENCH_TRACE_SIZE (100000), BENCH_BACKGROUND_ROWS (200000), BENCH_SUMMARY_RUNS (200),
// BENCH_TIMELINE_RUNS (10), BENCH_PAGE_RUNS (50), BENCH_KEEP=1 keeps the bench_traces database afterwards.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import pino from 'pino';
import { buildApp } from '../src/app';
import { createLogger } from '../src/observability/logger';
import { createApiKey } from '../src/auth/api-key.service';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import { migrate } from '../src/db/migrator';

const DB_NAME = 'bench_traces';
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const TRACE_SIZE = num('BENCH_TRACE_SIZE', 100_000);
const BACKGROUND_ROWS = num('BENCH_BACKGROUND_ROWS', 200_000);
const SUMMARY_RUNS = num('BENCH_SUMMARY_RUNS', 200);
const TIMELINE_RUNS = num('BENCH_TIMELINE_RUNS', 10);
const PAGE_RUNS = num('BENCH_PAGE_RUNS', 50);

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    runs: samples.length,
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted[sorted.length - 1]),
  };
}

/** One GET; the body is counted, not parsed (parsing a 30 MB timeline here would blur the server's RSS). */
function get(
  port: number,
  path: string,
  key: string,
): Promise<{ status: number; bytes: number; ms: number; body: string }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers: { 'x-api-key': key }, agent: keepAlive }, (res) => {
        let bytes = 0;
        let head = '';
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (head.length < 2048) head += chunk.toString('utf8', 0, Math.min(chunk.length, 2048));
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            bytes,
            ms: Number(process.hrtime.bigint() - started) / 1e6,
            body: head,
          }),
        );
        res.on('error', reject);
      })
      .on('error', reject);
  });
}
const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });

async function admin(url: string, sql: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function main() {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    console.error(
      'bench/traces.ts needs DATABASE_URL (PostgreSQL); it creates and drops its own database bench_traces.',
    );
    process.exit(2);
  }
  const url = new URL(adminUrl);
  url.pathname = `/${DB_NAME}`;
  await admin(adminUrl, `DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  await admin(adminUrl, `CREATE DATABASE ${DB_NAME}`);
  const db = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 10 });
  const uowId = randomUUID();
  try {
    await migrate(db);
    const fillStarted = Date.now();
    await db.sql.exec(`
      INSERT INTO resource_types (id, mnemonic, name) VALUES
        (gen_random_uuid(), 'ORDER', 'Order'), (gen_random_uuid(), 'PAYMENT', 'Payment'), (gen_random_uuid(), 'SHIPMENT', 'Shipment')`);
    // Background: BACKGROUND_ROWS interactions in units of work of 10, over 20,000 resources and 500 users.
    await db.sql.query(
      `INSERT INTO interactions (id, resource_id, resource_type_id, action_id, origin_id, interaction, uow_id, user_id,
         created_date, interaction_timestamp)
       SELECT gen_random_uuid(), 'res-' || (g % 20000), rt.ids[1 + g % 3], a.ids[1 + g % 6], o.ids[1 + g % 4],
         jsonb_build_object('n', g, 'note', repeat('x', 200)),
         md5('bg' || (g / 10))::uuid, 'user-' || (g % 500), now() - (g || ' seconds')::interval,
         CASE WHEN g % 4 = 0 THEN now() - (g || ' seconds')::interval END
       FROM generate_series(1, $1::int) AS g,
         (SELECT array_agg(id ORDER BY mnemonic) AS ids FROM resource_types) rt,
         (SELECT array_agg(id ORDER BY mnemonic) AS ids FROM actions) a,
         (SELECT array_agg(id ORDER BY mnemonic) AS ids FROM origins) o`,
      [BACKGROUND_ROWS],
    );
    // The trace: TRACE_SIZE interactions of one unit of work over an hour, a third with a custom timestamp,
    // 1,000 resources, 50 users, every action, origin and resource type, and JSON bodies the endpoints must not read.
    await db.sql.query(
      `INSERT INTO interactions (id, resource_id, resource_type_id, action_id, origin_id, interaction, uow_id, user_id,
         created_date, interaction_timestamp)
       SELECT gen_random_uuid(), 'order-' || (g % 1000), rt.ids[1 + g % 3], a.ids[1 + g % 6], o.ids[1 + g % 4],
         jsonb_build_object('step', g, 'payload', repeat('p', 300)),
         $2::uuid, CASE WHEN g % 10 = 0 THEN NULL ELSE 'user-' || (g % 50) END,
         now() - interval '1 hour' + (g * 36 || ' ms')::interval,
         CASE WHEN g % 3 = 0 THEN now() - interval '1 hour' + (g * 36 - 5 || ' ms')::interval END
       FROM generate_series(1, $1::int) AS g,
         (SELECT array_agg(id ORDER BY mnemonic) AS ids FROM resource_types) rt,
         (SELECT array_agg(id ORDER BY mnemonic) AS ids FROM actions) a,
         (SELECT array_agg(id ORDER BY mnemonic) AS ids FROM origins) o`,
      [TRACE_SIZE, uowId],
    );
    await db.sql.exec('VACUUM ANALYZE interactions');
    const fillSeconds = (Date.now() - fillStarted) / 1000;
    const [{ rows, tableMb, traceIndexMb }] = await db.sql.query<{
      rows: number;
      tableMb: number;
      traceIndexMb: number;
    }>(
      `SELECT (SELECT count(*) FROM interactions) AS rows,
         round(pg_total_relation_size('interactions') / 1048576.0, 1)::float8 AS "tableMb",
         round(pg_relation_size('interactions_uow_chrono_idx') / 1048576.0, 1)::float8 AS "traceIndexMb"`,
    );

    const { key } = await createApiKey(db, { name: 'bench', scopes: ['read'] });
    // Request logs go to /dev/null: their cost stays in the figures, their lines stay out of the JSON report.
    const app = await buildApp({
      db,
      config: loadConfig({ DATABASE_URL: url.toString() }),
      logger: createLogger({ destination: pino.destination('/dev/null') }),
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;

    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);
    const measure = async (path: string, runs: number, warmup: number) => {
      let bytes = 0;
      let first = '';
      // The first request is reported on its own: for the summary it is the one that aggregates the whole trace.
      const coldMs = Math.round((await get(port, path, key)).ms * 100) / 100;
      for (let i = 1; i < warmup; i++) await get(port, path, key);
      const samples: number[] = [];
      const rssBefore = process.memoryUsage().rss;
      peakRss = rssBefore;
      for (let i = 0; i < runs; i++) {
        const res = await get(port, path, key);
        if (res.status !== 200) throw new Error(`${path}: ${res.status} ${res.body}`);
        samples.push(res.ms);
        bytes = res.bytes;
        first ||= res.body;
      }
      const rssAfter = process.memoryUsage().rss;
      return {
        result: {
          coldMs,
          ...stats(samples),
          responseBytes: bytes,
          rssBeforeMb: mb(rssBefore),
          rssPeakMb: mb(peakRss),
          rssAfterMb: mb(rssAfter),
        },
        first,
      };
    };

    global.gc?.();
    const rssStart = process.memoryUsage().rss;
    const summary = await measure(`/api/traces/${uowId}/summary`, SUMMARY_RUNS, 10);
    const page = await measure(`/api/traces/${uowId}?page=50&limit=1000`, PAGE_RUNS, 3);
    const timeline = await measure(`/api/traces/${uowId}/timeline`, TIMELINE_RUNS, 2);
    clearInterval(sampler);

    const report = {
      bench: 'traces',
      database: 'postgresql',
      node: process.version,
      rows,
      traceSize: TRACE_SIZE,
      tableMb,
      traceIndexMb,
      fillSeconds,
      rssStartMb: mb(rssStart),
      summary: summary.result,
      summaryBody: JSON.parse(summary.first),
      tracePage50: page.result,
      timeline: timeline.result,
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    keepAlive.destroy();
    await new Promise((resolve) => server.close(resolve));
  } finally {
    await db.close();
    if (!process.env.BENCH_KEEP) await admin(adminUrl, `DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
