import { v7 as uuidv7 } from 'uuid';
import type { Database } from '../../src/db/database';
import { migrate, readMigrations } from '../../src/db/migrator';
import { claimIdempotencyKey } from '../../src/idempotency/idempotency.service';
import { createInteraction } from '../../src/interactions/interaction.create';
import { requestIds } from '../../src/interactions/interaction.ids';
import { insertInteractions } from '../../src/interactions/interaction.insert';
import { prepareInteraction } from '../../src/interactions/interaction.prepare';
import { listPartitions } from '../../src/partitions/partition.service';
import { getTimeline } from '../../src/timeline/timeline.read';
import { refreshTimeline } from '../../src/timeline/timeline.refresh';
import { findTraceSummaries } from '../../src/traces/trace.service';
import { createCliDatabase, runScript, type CliDatabase } from '../helpers/cli';

// A database as 0.1 (main before partitioning) leaves it: the migrations up to then, rows written with 0.1's insert
// (created_date from now(), ids made by the app), older rows from months ago, a rolled-back insert that used up a
// number, the timeline's daily counts refreshed, stored trace summaries and a live idempotency claim. Then the
// documented upgrade, `npm run db:partition`, runs as a command (a real 0.1 checkout is not available here, so the
// database is built from 0.1's migrations and its insert statement). Everything must come through as it was.

jest.setTimeout(180_000); // cold starts of ts-node on a busy 2-core machine

const PARTITIONING = '20261128000000_partitioned_interactions';
const ACTION = '00000000-0000-7000-8000-00000000a001';
const ORIGIN = '00000000-0000-7000-8000-00000000b001';
const API_KEY_ID = '00000000-0000-7000-8000-0000000000aa';
const IDEMPOTENCY_KEY = 'order-retry-1';
const OLD_TRACE = '00000000-0000-7000-8000-0000000000f1';

let store: CliDatabase;
beforeAll(async () => {
  store = await createCliDatabase();
});
afterAll(() => store.close());

// 0.1's insert statement (src/interactions/interaction.service.ts before partitioning), column for column.
const V01_INSERT = `INSERT INTO interactions (id, resource_id, resource_type_id, action_id, origin_id, interaction,
    external_reference, external_response, uow_id, user_id, interaction_timestamp)
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::uuid[], $6::jsonb[], $7::text[],
    $8::jsonb[], $9::uuid[], $10::text[], $11::timestamptz[])`;

// feed_xid (the live feed's position, ADR 100) is not a 0.1 column: a later migration gives every old row position 0.
const dump = async (db: Database, table: string, order: string) =>
  (
    await db.sql.query<{ row: Record<string, unknown> }>(
      `SELECT to_jsonb(t) - 'feed_xid' AS row FROM ${table} t ORDER BY ${order}`,
    )
  ).map((r) => r.row);
/** What the upgrade must carry over, table by table. */
const state = async (db: Database) => ({
  interactions: await dump(db, 'interactions', 'interaction_number'),
  dailyCounts: await dump(db, 'interaction_daily_counts', 'day, resource_type_id, action_id, origin_id'),
  refreshState: await dump(db, 'timeline_refresh_state', 'id'),
  traceSummaries: await dump(db, 'trace_summaries', 'uow_id'),
  idempotencyKeys: await dump(db, 'idempotency_keys', 'api_key_id, key'),
});
const uowIds = (rows: Record<string, unknown>[]) => [...new Set(rows.map((row) => row.uow_id as string))];

describe('upgrade of a 0.1 database with npm run db:partition', () => {
  let before: Awaited<ReturnType<typeof state>>;
  let summariesBefore: Awaited<ReturnType<typeof findTraceSummaries>>;
  let lastNumber: number;
  let claimedIds: string[];
  let upgrade: { applied: string[]; created: string[]; moved: number; partitions: { name: string }[] };

  beforeAll(async () => {
    const files = readMigrations();
    await store.use(async (db) => {
      await migrate(
        db,
        files.filter((file) => file.name < PARTITIONING),
      );
      await db.sql.query(`INSERT INTO resource_types (id, mnemonic, name) VALUES ($1, 'ORDER', 'Order')`, [uuidv7()]);
      const [{ id: rt }] = await db.sql.query<{ id: string }>(`SELECT id FROM resource_types WHERE mnemonic = 'ORDER'`);
      // 0.1 claimed the ids of an idempotent create first, then wrote them with its insert.
      claimedIds = (
        await claimIdempotencyKey(db, { apiKeyId: API_KEY_ID, key: IDEMPOTENCY_KEY, hash: 'h-1', count: 2 })
      ).ids;
      const n = 40;
      const arr = (make: (i: number) => string | null) =>
        `{${Array.from({ length: n }, (_, i) => make(i) ?? 'NULL').join(',')}}`;
      const ids = [...claimedIds, ...requestIds(n - 2)];
      await db.sql.query(V01_INSERT, [
        arr((i) => ids[i]),
        arr((i) => `"order-${i % 7}"`),
        arr(() => rt),
        arr(() => ACTION),
        arr(() => ORIGIN),
        arr((i) => (i % 3 === 0 ? null : `"{\\"i\\": ${i}, \\"text\\": \\"ä,\\\\\\"q\\\\\\"\\"}"`)),
        arr((i) => (i % 5 === 0 ? `"ext-${i}"` : null)),
        arr(() => null),
        arr((i) => `00000000-0000-7000-8000-${String(i % 4).padStart(12, '0')}`),
        arr((i) => (i % 2 ? `"user-${i}"` : null)),
        arr((i) => (i % 4 === 0 ? '2020-01-01T00:00:00.000Z' : null)),
      ]);
      // Rows recorded months ago (0.1 had no partitions: any created_date went into the one table), one unit of work.
      for (const at of ['2024-01-15T10:00:00Z', '2024-06-30T23:59:59.999Z', '2025-12-31T23:59:59.999Z']) {
        await db.sql.query(
          `INSERT INTO interactions (id, resource_id, resource_type_id, action_id, origin_id, uow_id, user_id, created_date)
           VALUES ($1, 'old', $2, $3, $4, $5, 'old-user', $6)`,
          [uuidv7(), rt, ACTION, ORIGIN, OLD_TRACE, at],
        );
      }
      // A rolled-back insert used up a number: numbering must go on after it, not reuse it.
      await db
        .transaction(async (tx) => {
          await tx.query(
            `INSERT INTO interactions (id, resource_id, resource_type_id, action_id, origin_id, uow_id)
             VALUES ($1, 'rolled-back', $2, $3, $4, $5)`,
            [uuidv7(), rt, ACTION, ORIGIN, uuidv7()],
          );
          throw new Error('roll back');
        })
        .catch(() => undefined);
      await refreshTimeline(db);
      before = await state(db);
      // Reading the traces stores the summary of the settled one (the old rows) as 0.1 did.
      summariesBefore = await findTraceSummaries(db, uowIds(before.interactions));
      before.traceSummaries = (await state(db)).traceSummaries;
      [{ lastNumber }] = await db.sql.query<{ lastNumber: number }>(
        `SELECT last_value AS "lastNumber" FROM interactions_interaction_number_seq`,
      );
    });
    const result = await runScript('partition', [], store.env);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    upgrade = JSON.parse(result.stdout);
    expect(upgrade.applied).toEqual([PARTITIONING, ...files.filter((f) => f.name > PARTITIONING).map((f) => f.name)]);
  });

  it('keeps every row, id, number and date, the daily counts, the stored trace summaries and the claims', async () => {
    expect(before.interactions).toHaveLength(43);
    expect(before.dailyCounts.length).toBeGreaterThan(0);
    expect(before.traceSummaries.map((row) => row.uow_id)).toEqual([OLD_TRACE]);
    expect(before.idempotencyKeys).toHaveLength(1);
    await store.use(async (db) => expect(await state(db)).toEqual(before));
  });

  it('the table is partitioned, and each row is in the partition of its month; the command lists them', async () => {
    await store.use(async (db) => {
      const [{ kind }] = await db.sql.query<{ kind: string }>(
        `SELECT relkind AS kind FROM pg_class WHERE relname = 'interactions'`,
      );
      expect(kind).toBe('p');
      const names = (await listPartitions(db.sql)).map((p) => p.name);
      expect(names).toEqual(
        expect.arrayContaining(['interactions_p20240101', 'interactions_p20240601', 'interactions_p20251201']),
      );
      expect(upgrade.partitions.map((p) => p.name)).toEqual(names);
      expect(upgrade.moved).toBe(0);
      const misplaced = await db.sql.query(
        `SELECT 1 FROM interactions WHERE tableoid::regclass::text <> 'interactions_p' || to_char(date_trunc('month', created_date AT TIME ZONE 'UTC'), 'YYYYMMDD')`,
      );
      expect(misplaced).toEqual([]);
    });
  });

  it('trace summaries answer as before, stored or not', async () => {
    await store.use(async (db) =>
      expect(await findTraceSummaries(db, uowIds(before.interactions))).toEqual(summariesBefore),
    );
  });

  it('a retry of the idempotent create returns the rows 0.1 wrote, writing nothing', async () => {
    await store.use(async (db) => {
      const claim = await claimIdempotencyKey(db, {
        apiKeyId: API_KEY_ID,
        key: IDEMPOTENCY_KEY,
        hash: 'h-1',
        count: 2,
      });
      expect(claim).toEqual({ ids: claimedIds, fresh: false });
      const [{ id: resourceTypeId }] = await db.sql.query<{ id: string }>(
        `SELECT id FROM resource_types WHERE mnemonic = 'ORDER'`,
      );
      const prepared = await Promise.all(
        claim.ids.map((id) =>
          prepareInteraction(db, { resourceId: 'retry', resourceTypeId, action: 'CREATE', origin: 'API' }, { id }),
        ),
      );
      const rows = await insertInteractions(db.sql, prepared, { idsMayExist: true });
      const numbers = (before.interactions as { id: string; interaction_number: number }[])
        .filter((row) => claimedIds.includes(row.id))
        .map((row) => row.interaction_number);
      expect(rows.map((row) => row.interactionNumber)).toEqual(numbers);
      const [{ count }] = await db.sql.query<{ count: number }>(`SELECT count(*) AS count FROM interactions`);
      expect(Number(count)).toBe(43);
    });
  });

  it('numbering goes on after the last number handed out, and new writes work', async () => {
    await store.use(async (db) => {
      const [{ id: resourceTypeId }] = await db.sql.query<{ id: string }>(
        `SELECT id FROM resource_types WHERE mnemonic = 'ORDER'`,
      );
      const row = await createInteraction(db, {
        input: { resourceId: 'after-upgrade', resourceTypeId, action: 'CREATE', origin: 'API' },
      });
      expect(row.interactionNumber).toBe(lastNumber + 1);
    });
  });

  it('the timeline still counts every row', async () => {
    await store.use(async (db) => {
      const timeline = await getTimeline(db, {
        startDate: '2024-01-01',
        endDate: new Date(Date.now() + 86_400_000).toISOString(),
      });
      expect(timeline.data.reduce((sum, b) => sum + b.count, 0)).toBe(44);
    });
  });

  it('running the command again changes nothing', async () => {
    const result = await runScript('partition', [], store.env);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toMatchObject({ applied: [], created: [], moved: 0 });
  });
});
