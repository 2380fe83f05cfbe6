/**
 * EXPLAIN ANALYZE of the statements behind the hot reads, as the service sends them, on a partitioned database:
 * which partitions each one touches (pruning) and through which index.
 *
 *   node -r ts-node/register/transpile-only bench/plans.ts postgresql://…/bench_run
 */
import { BENCH_DB_LIMITS } from './db-limits';
import { Client } from 'pg';
import { findActivity } from '../src/activity/activity.service';
import { openDatabase } from '../src/db/database';
import { findInteractions, getInteraction } from '../src/interactions/interaction.find';
import { getTimeline } from '../src/timeline/timeline.read';
import { findTraceInteractions, findTraceSummaries } from '../src/traces/trace.service';

async function main(url: string) {
  const captured: { sql: string; params: unknown[] }[] = [];
  const db = await openDatabase({ kind: 'postgres', limits: BENCH_DB_LIMITS, url, poolSize: 1 });
  const plain = new Client({ connectionString: url });
  await plain.connect();
  const original = db.sql.query.bind(db.sql);
  db.sql.query = (async (sql: string, params: unknown[] = [], options?: unknown) => {
    captured.push({ sql, params });
    return original(sql, params, options as never);
  }) as typeof db.sql.query;
  const [sample] = (
    await plain.query(
      `SELECT id, resource_id AS "resourceId", uow_id AS "uowId" FROM interactions
       WHERE created_date < now() - interval '40 days' ORDER BY created_date DESC LIMIT 1`,
    )
  ).rows;
  const day = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
  const cases: [string, () => Promise<unknown>][] = [
    ['get by id', () => getInteraction(db, { id: sample.id })],
    ['list by resource', () => findInteractions(db, { filter: { resourceId: sample.resourceId } })],
    ['list, no filter, page 1', () => findInteractions(db, { filter: {}, limit: 50 })],
    [
      'list by action and 30 days, page 200',
      () => findInteractions(db, { filter: { action: 'CREATE', startDate: day(30), endDate: day(0) }, page: 200 }),
    ],
    ['timeline days=90', () => getTimeline(db, { days: 90 })],
    ['trace page', () => findTraceInteractions(db, { uowId: sample.uowId })],
    ['trace summary', () => findTraceSummaries(db, [sample.uowId])],
    ['activity', () => findActivity(db, { query: { resources: [{ resourceId: sample.resourceId }] } })],
  ];
  for (const [name, run] of cases) {
    captured.length = 0;
    await run();
    for (const { sql, params } of captured) {
      if (/^\s*(SELECT 1|SELECT covered_through)/.test(sql)) continue;
      const { rows } = await plain.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${sql}`, params);
      const plan = rows.map((row: Record<string, string>) => row['QUERY PLAN']);
      const touched = new Set(plan.join('\n').match(/interactions_p\d{8}|interactions_default/g) ?? []);
      const never = plan.filter((line: string) => /never executed/.test(line)).length;
      process.stdout.write(
        `\n## ${name}\npartitions named: ${touched.size}, nodes never executed: ${never}\n${plan.join('\n')}\n`,
      );
    }
  }
  await plain.end();
  await db.close();
}

main(process.argv[2] ?? 'postgresql://postgres@127.0.0.1:5432/bench_run').catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
