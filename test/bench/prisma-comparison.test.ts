import { randomUUID } from 'node:crypto';
import { comparePrismaAndRaw, type OperationName } from '../../bench/prisma';
import { createTestDatabase, TEST_DATABASE_KIND, type TestDatabase } from '../helpers/database';
import { insertInteraction, ensureResourceTypes } from '../helpers/factories';

// The comparison shares a pg pool between Prisma and raw SQL: PostgreSQL only, like `npm run bench`.
const onPostgres = TEST_DATABASE_KIND === 'postgres' ? describe : describe.skip;
if (TEST_DATABASE_KIND !== 'postgres') {
  it.skip('the Prisma/raw comparison runs on PostgreSQL only (set DATABASE_URL)', () => undefined);
}

let test: TestDatabase;

onPostgres('comparePrismaAndRaw', () => {
  beforeAll(async () => {
    test = await createTestDatabase();
  });
  afterAll(async () => {
    await test?.close();
  });

  it('times every hot-path operation both ways, agrees on the results and removes the rows it wrote', async () => {
    await ensureResourceTypes(test.db, ['ORDER']);
    const rows = [];
    for (let i = 0; i < 60; i += 1) {
      rows.push(
        await insertInteraction(test.db, {
          origin: 'API',
          resourceId: i < 55 ? 'res-1' : 'res-2',
          resourceType: 'ORDER',
          uowId: randomUUID(),
          createdDate: new Date(Date.UTC(2026, 0, 1, 0, i % 3)),
        }),
      );
    }
    const samples = {
      ids: rows.map((row) => row.id),
      resourceIds: ['res-1', 'res-2'],
      userIds: [],
      uowIds: [],
      actions: ['CREATE'],
      resourceTypes: ['ORDER'],
      deepCursors: [],
    };

    const comparison = await comparePrismaAndRaw(test.url as string, {
      seconds: 0.2,
      concurrency: 2,
      samples,
      warmupSeconds: 0,
      userId: 'bench-prisma-test',
    });

    const names: OperationName[] = ['getById', 'listByResource', 'lookupByMnemonic', 'insertSingle'];
    expect(Object.keys(comparison.operations).sort()).toEqual([...names].sort());
    for (const name of names) {
      const operation = comparison.operations[name];
      expect({ name, sameResult: operation.sameResult }).toEqual({ name, sameResult: true });
      for (const side of [operation.prisma, operation.raw]) {
        expect(side.errors).toBe(0);
        expect(side.ops).toBeGreaterThan(0);
        expect(side.opsPerSecond).toBeGreaterThan(0);
        expect(side.statementsPerOp).toBeGreaterThan(0);
        expect(side.cpuMsPerOp).toBeGreaterThan(0);
        expect(side.latencyMs.p50).not.toBeNull();
        expect(side.latencyMs.p99).toBeGreaterThanOrEqual(side.latencyMs.p50 as number);
      }
      expect(operation.rawToPrismaOpsRatio).toBeGreaterThan(0);
    }
    // Every insert (both sides and the result check's two) was removed again; the fixture rows were not.
    const { insertSingle } = comparison.operations;
    expect(comparison.cleanup).toEqual({
      userId: 'bench-prisma-test',
      rowsRemoved: insertSingle.prisma.ops + insertSingle.raw.ops + 2,
    });
    const [{ left, total }] = await test.db.sql.query<{ left: number; total: number }>(
      `SELECT count(*) FILTER (WHERE user_id = 'bench-prisma-test') AS left, count(*) AS total FROM interactions`,
    );
    expect({ left, total }).toEqual({ left: 0, total: 60 });
  });
});
