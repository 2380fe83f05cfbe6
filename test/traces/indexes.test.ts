import { randomUUID } from 'node:crypto';
import { findActivity, findActivityGroupInteractions, parseActivityQuery } from '../../src/activity/activity.service';
import type { Database, SqlExecutor } from '../../src/db/database';
import { countInteractions } from '../../src/interactions/interaction.count';
import { getTimeline } from '../../src/timeline/timeline.read';
import { refreshTimeline } from '../../src/timeline/timeline.refresh';
import { findTraceInteractions, findTraceSummaries, getTrace, getTraceTimeline } from '../../src/traces/trace.service';
import { createTestDatabase, TEST_DATABASE_KIND, type TestDatabase } from '../helpers/database';
import { insertInteraction, ensureResourceTypes } from '../helpers/factories';

// Plans only mean something on PostgreSQL with realistic statistics; PGlite runs every other test of this domain.
const onPostgres = TEST_DATABASE_KIND === 'postgres' ? describe : describe.skip;
if (TEST_DATABASE_KIND !== 'postgres') {
  it.skip('index plans are checked on PostgreSQL only (set DATABASE_URL)', () => undefined);
}

let test: TestDatabase;
const uow = randomUUID();
const plans: string[] = [];

/** The real database, but every statement the services send is EXPLAINed first (with its parameters). */
function explaining(db: Database): Database {
  const sql: SqlExecutor = {
    async query<T>(text: string, params: unknown[] = []) {
      const rows = await db.sql.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, params);
      plans.push(rows.map((row) => row['QUERY PLAN']).join('\n'));
      return db.sql.query<T>(text, params);
    },
    exec: (text) => db.sql.exec(text),
  };
  return { ...db, sql };
}

/** Partition index name → the partitioned index it belongs to (interactions_p20261101_uow_id_… → interactions_uow_idx). */
let parentIndexes: [string, string][] = [];

async function planOf(run: (db: Database) => Promise<unknown>): Promise<string> {
  plans.length = 0;
  await run(explaining(test.db));
  // Plans name each partition's own index; the assertions below name the index declared on interactions.
  return parentIndexes.reduce(
    (plan, [child, parent]) => plan.split(` ${child} `).join(` ${parent} `),
    plans.join('\n----\n'),
  );
}

/** No partition holding rows is read by a sequential scan (empty ones, cost 0, may be). */
function expectNoSeqScan(plan: string) {
  const scans = plan.split('\n').filter((line) => /Seq Scan on interactions/.test(line));
  expect(scans.filter((line) => !/cost=0\.00\.\.0\.00 /.test(line))).toEqual([]);
}

function expectIndexUse(plan: string) {
  // interactions is partitioned (ADR 030): the planner may "scan" a partition it knows to be empty (the months created
  // ahead, the default partition) sequentially at cost 0; a sequential scan of any partition with rows is a miss.
  expectNoSeqScan(plan);
  expect(plan).toMatch(
    /(Index Scan|Index Only Scan|Bitmap Index Scan) (Backward )?using interactions_\w+ on interactions|Bitmap Index Scan on interactions_\w+/,
  );
}

onPostgres('indexes (EXPLAIN on 100,000 rows)', () => {
  beforeAll(async () => {
    test = await createTestDatabase();
    const db = test.db;
    await ensureResourceTypes(db, ['ORDER', 'PAYMENT']);
    // 100,000 rows in 2,000 units of work over 5,000 resources, set-based.
    await db.sql.exec(`
      INSERT INTO interactions (id, resource_id, resource_type_id, action_id, origin_id, interaction, uow_id, user_id, created_date,
        interaction_timestamp)
      SELECT gen_random_uuid(), 'res-' || (g % 5000), (SELECT id FROM resource_types WHERE mnemonic = 'ORDER'),
        (SELECT id FROM actions WHERE mnemonic = 'CREATE'), (SELECT id FROM origins WHERE mnemonic = 'API'),
        jsonb_build_object('n', g, 'pad', repeat('x', 100)),
        ('00000000-0000-4000-8000-' || lpad(to_hex(g % 2000), 12, '0'))::uuid, 'user-' || (g % 300),
        now() - (g || ' seconds')::interval, CASE WHEN g % 3 = 0 THEN now() - (g || ' seconds')::interval END
      FROM generate_series(1, 100000) AS g`);
    parentIndexes = (
      await db.sql.query<{ child: string; parent: string }>(
        `SELECT c.relname AS child, p.relname AS parent FROM pg_inherits i
           JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent WHERE p.relkind = 'I'`,
      )
    ).map((row) => [row.child, row.parent]);
    // The trace under test: 5,000 interactions (a large unit of work), half with a custom timestamp.
    await db.sql.query(
      `INSERT INTO interactions (id, resource_id, resource_type_id, action_id, origin_id, interaction, uow_id, user_id,
         created_date, interaction_timestamp)
       SELECT gen_random_uuid(), 'res-' || (g % 7), (SELECT id FROM resource_types WHERE mnemonic = 'PAYMENT'),
         (SELECT id FROM actions WHERE mnemonic = 'UPDATE'), (SELECT id FROM origins WHERE mnemonic = 'WEBAPP'),
         jsonb_build_object('pad', repeat('y', 100)), $1, 'user-1', now() - (g || ' ms')::interval,
         CASE WHEN g % 2 = 0 THEN now() - (g || ' ms')::interval END
       FROM generate_series(1, 5000) AS g`,
      [uow],
    );
    await insertInteraction(db, {
      origin: 'API',
      uowId: uow,
      resourceId: 'res-1',
      resourceType: 'ORDER',
      userId: 'user-1',
    });
    // Statistics and the visibility map as autovacuum would leave them in production.
    await db.sql.exec('VACUUM ANALYZE interactions');
  });
  afterAll(() => test?.close());

  it('finds a trace by uowId through an index', async () => {
    expectIndexUse(await planOf((db) => getTrace(db, { uowId: uow })));
  });

  it('reads a trace page in chronological order through the trace index, without sorting', async () => {
    const plan = await planOf((db) => findTraceInteractions(db, { uowId: uow, page: 1, limit: 1000 }));
    expectIndexUse(plan);
    expect(plan.split('\n----\n')[0]).toMatch(/interactions_uow_chrono_idx/);
    // Across partitions the order comes from a Merge Append of the index scans ("Sort Key"), not a Sort node.
    expect(plan.split('\n----\n')[0]).not.toMatch(/Sort {2}\(/);
  });

  it('reads the timeline through an index (the planner may walk the chronological index or sort a bitmap scan)', async () => {
    expectIndexUse(await planOf((db) => getTraceTimeline(db, { uowId: uow })));
  });

  it('summarises only the interactions numbered above the stored summary, through the number index', async () => {
    await findTraceSummaries(test.db, [uow]); // stores the summary of the settled interactions
    const plan = await planOf((db) => findTraceSummaries(db, [uow, randomUUID()]));
    expectIndexUse(plan);
    expect(plan).toMatch(/(Index (Only )?Scan using|Bitmap Index Scan on) interactions_uow_number_idx/);
  });

  it('finds activity by resource through the activity index', async () => {
    const query = { resources: [{ resourceId: 'res-1', resourceType: 'ORDER' }, { resourceId: 'res-2' }] };
    const plan = await planOf((db) => findActivity(db, { query, limit: 50 }));
    expectIndexUse(plan);
    expect(plan).toMatch(/interactions_activity_idx/);
  });

  it("reads activity groups' interactions through an index", async () => {
    const match = parseActivityQuery({ resources: [{ resourceId: 'res-1' }] });
    expectIndexUse(
      await planOf((db) => findActivityGroupInteractions(db, [{ userId: 'user-1', uowId: uow, match, limit: 10 }])),
    );
  });

  // The list's exact total (pagination.total): the narrowing filters are counted from their index alone.
  it.each([
    ['resourceId', { resourceId: 'res-42' }],
    ['userId', { userId: 'user-7' }],
    ['uowId', { uowId: uow }],
    ['externalReference', { externalReference: 'ext-1' }],
  ])('counts a %s filter with an index-only scan', async (_name, filter) => {
    const plan = await planOf((db) => countInteractions(db, { filter }));
    expect(plan).toMatch(/Index Only Scan using interactions_\w+ on interactions/);
    expectNoSeqScan(plan);
  });

  // The daily counts cannot answer a resource's or a user's timeline: it is counted live, and must not scan the table.
  it.each([
    ['resourceId', { resourceId: 'res-42' }, /interactions_(resource|activity)_idx/],
    ['userId', { userId: 'user-7' }, /interactions_user_idx/],
  ])('counts the 90-day timeline of one %s through its index', async (_name, filter, index) => {
    const plan = await planOf((db) => getTimeline(db, { days: 90, filter }));
    expectIndexUse(plan);
    expect(plan).toMatch(index);
  });

  it('counts lookup/date filters (and no filter) from the daily counts, reading only the uncovered rows live', async () => {
    await refreshTimeline(test.db);
    for (const filter of [{}, { action: 'CREATE' }, { resourceType: 'ORDER', startDate: '2020-01-01' }]) {
      const plan = await planOf((db) => countInteractions(db, { filter }));
      expect(plan).toMatch(/interaction_daily_counts/);
      expectNoSeqScan(plan);
    }
  });
});
