import { v7 as uuidv7 } from 'uuid';
import { openDatabase } from '../../src/db/database';
import { createInteraction } from '../../src/interactions/interaction.create';
import { findInteractions } from '../../src/interactions/interaction.find';
import { insertInteractions } from '../../src/interactions/interaction.insert';
import { prepareInteraction } from '../../src/interactions/interaction.prepare';
import { ensurePartitions, listPartitions } from '../../src/partitions/partition.service';
import { partitionName, periodStart } from '../../src/partitions/partition.period';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { createLookupRow, insertInteraction } from '../helpers/factories';

let test: TestDatabase;
let resourceTypeId: string;
beforeAll(async () => {
  test = await createTestDatabase();
  resourceTypeId = (await createLookupRow(test.db, 'resourceType', { mnemonic: 'PART' })).id;
});
afterAll(() => test.close());

const partitionOf = async (id: string) => {
  const [row] = await test.db.sql.query<{ part: string }>(
    `SELECT tableoid::regclass::text AS part FROM interactions WHERE id = $1`,
    [id],
  );
  return row?.part;
};

describe('partitions of interactions', () => {
  it('the table is range-partitioned by created_date with this month and the next two created ahead', async () => {
    const [{ strategy, key }] = await test.db.sql.query<{ strategy: string; key: string }>(
      `SELECT partstrat AS strategy, pg_get_partkeydef('interactions'::regclass) AS key
       FROM pg_partitioned_table WHERE partrelid = 'interactions'::regclass`,
    );
    expect(strategy).toBe('r');
    expect(key).toBe('RANGE (created_date)');
    const names = (await listPartitions(test.db.sql)).map((p) => p.name);
    let start = periodStart('month', Date.now());
    for (let i = 0; i < 3; i += 1) {
      expect(names).toContain(partitionName(start));
      const d = new Date(start);
      start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    }
    expect(names).toContain('interactions_default');
  });

  it('creates the periods ahead of a later date, at the configured interval, once however often it runs', async () => {
    const later = new Date(Date.UTC(2031, 4, 20, 12));
    const first = await ensurePartitions(test.db, { interval: 'week', now: later });
    // 2031-05-20 is a Tuesday: its ISO week starts on Monday the 19th.
    expect(first.created).toEqual(['interactions_p20310519', 'interactions_p20310526', 'interactions_p20310602']);
    const again = await ensurePartitions(test.db, { interval: 'week', now: later });
    expect(again.created).toEqual([]);
  });

  it('two runs at once (two connections on PostgreSQL) both succeed and create each partition once', async () => {
    // Without the advisory lock both would see the months missing and one would fail on "already exists".
    const other = test.url ? await openDatabase({ kind: 'postgres', url: test.url, poolSize: 2 }) : test.db;
    try {
      const now = new Date(Date.UTC(2033, 2, 10));
      const runs = await Promise.all([
        ensurePartitions(test.db, { interval: 'month', now }),
        ensurePartitions(other, { interval: 'month', now }),
      ]);
      expect(runs.flatMap((run) => run.created).sort()).toEqual([
        'interactions_p20330301',
        'interactions_p20330401',
        'interactions_p20330501',
      ]);
      const names = (await listPartitions(test.db.sql)).map((p) => p.name);
      expect(names.filter((name) => name.startsWith('interactions_p2033'))).toHaveLength(3);
    } finally {
      if (other !== test.db) await other.close();
    }
  });

  it('a change of interval fills only the gaps next to an existing partition', async () => {
    // Daily partitions from 2031-06-08 (a Sunday): the week partition of 2031-06-02 covers up to 2031-06-09.
    const result = await ensurePartitions(test.db, { interval: 'day', now: new Date(Date.UTC(2031, 5, 8, 5)) });
    expect(result.created).toEqual(['interactions_p20310609', 'interactions_p20310610']);
  });

  it('a write into a period without a partition succeeds and is moved into its own partition later', async () => {
    const row = await insertInteraction(test.db, { resourceTypeId, createdDate: '2029-02-03T04:05:06.789Z' });
    expect(await partitionOf(row.id)).toBe('interactions_default');
    const result = await ensurePartitions(test.db, { interval: 'month' });
    expect(result.created).toContain('interactions_p20290201');
    expect(result.moved).toBe(1);
    expect(await partitionOf(row.id)).toBe('interactions_p20290201');
    const page = await findInteractions(test.db, { filter: { startDate: '2029-02-01', endDate: '2029-02-28' } });
    expect(page.items.map((item) => [item.id, item.interactionNumber])).toEqual([[row.id, row.interactionNumber]]);
    const [{ count }] = await test.db.sql.query<{ count: number }>(
      `SELECT count(*) AS count FROM interactions_default`,
    );
    expect(Number(count)).toBe(0);
  });

  it('a service write takes its created_date from its UUID v7 id', async () => {
    const row = await createInteraction(test.db, {
      input: { resourceId: 'v7', resourceTypeId, action: 'CREATE', origin: 'API' },
    });
    const idMs = parseInt(row.id.replace(/-/g, '').slice(0, 12), 16);
    expect(new Date(row.createdDate).getTime()).toBe(idMs);
  });

  it('writing the same ids twice (idempotent path) stores each once, concurrently too', async () => {
    const ids = [uuidv7(), uuidv7()];
    const prepared = await Promise.all(
      ids.map((id) =>
        prepareInteraction(test.db, { resourceId: 'idem', resourceTypeId, action: 'CREATE', origin: 'API' }, { id }),
      ),
    );
    const [a, b] = await Promise.all([
      insertInteractions(test.db.sql, prepared, { idsMayExist: true }),
      insertInteractions(test.db.sql, prepared, { idsMayExist: true }),
    ]);
    expect(a.map((r) => r.interactionNumber)).toEqual(b.map((r) => r.interactionNumber));
    const [{ count }] = await test.db.sql.query<{ count: number }>(
      `SELECT count(*) AS count FROM interactions WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    expect(Number(count)).toBe(2);
  });

  it('an id written by 0.1 (created_date a little after the id time) is found, not written again', async () => {
    const id = uuidv7();
    const idMs = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    const legacy = await insertInteraction(test.db, { resourceTypeId, createdDate: new Date(idMs + 7) });
    await test.db.sql.query(`UPDATE interactions SET id = $1 WHERE interaction_number = $2`, [
      id,
      legacy.interactionNumber,
    ]);
    const prepared = await prepareInteraction(
      test.db,
      { resourceId: 'legacy', resourceTypeId, action: 'CREATE', origin: 'API' },
      { id },
    );
    const [row] = await insertInteractions(test.db.sql, [prepared], { idsMayExist: true });
    expect(row.interactionNumber).toBe(legacy.interactionNumber);
    const [{ count }] = await test.db.sql.query<{ count: number }>(
      `SELECT count(*) AS count FROM interactions WHERE id = $1`,
      [id],
    );
    expect(Number(count)).toBe(1);
  });
});
