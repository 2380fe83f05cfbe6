import { readFileSync } from 'node:fs';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

// The migrations are hand-written SQL; prisma/schema.prisma must describe the same database. Each model is created
// with every field set, read back, updated and deleted through db.prisma: a column missing on either side, a wrong
// type or a NOT NULL the model does not know fails here.

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase();
});
afterAll(() => test.close());

const prisma = () => test.db.prisma;

describe.each(['resourceType', 'action', 'origin'] as const)('%s', (model) => {
  // The three delegates have the same shape; one typed view keeps the test free of casts per call.
  const delegate = () => prisma()[model as 'resourceType'];

  it('creates, reads, updates and deletes a row with every field', async () => {
    const id = uuidv7();
    const created = await delegate().create({
      data: {
        id,
        mnemonic: `SCHEMA_${model.toUpperCase()}`,
        name: 'Schema check',
        description: 'every column',
        icon: '🧪',
        fontColorHex: '#fff',
        bgColorHex: '#000000',
        isSystem: false,
      },
    });
    expect(created).toMatchObject({ id, icon: '🧪', isSystem: false });
    expect(created.createdDate).toBeInstanceOf(Date);
    expect(created.updatedDate).toBeInstanceOf(Date);

    const read = await delegate().findUnique({ where: { mnemonic: `SCHEMA_${model.toUpperCase()}` } });
    expect(read).toEqual(created);

    const updated = await delegate().update({
      where: { id },
      data: { name: 'Changed', description: null, icon: null, fontColorHex: null, bgColorHex: null, isSystem: true },
    });
    expect(updated).toMatchObject({ name: 'Changed', description: null, icon: null, isSystem: true });

    await delegate().delete({ where: { id } });
    expect(await delegate().findUnique({ where: { id } })).toBeNull();
  });
});

describe('Interaction', () => {
  it('creates, reads (with relations), updates and deletes a row with every field', async () => {
    const resourceType = await prisma().resourceType.create({
      data: { id: uuidv7(), mnemonic: 'SCHEMA_RT', name: 'RT' },
    });
    const id = uuidv7();
    const uowId = uuidv7();
    const created = await prisma().interaction.create({
      data: {
        id,
        resourceId: 'schema-1',
        resourceTypeId: resourceType.id,
        actionId: '00000000-0000-7000-8000-00000000a001',
        originId: '00000000-0000-7000-8000-00000000b001',
        interaction: { nested: { list: [1, 2] } },
        externalReference: 'ext',
        externalResponse: ['ok'],
        uowId,
        userId: 'user-1',
        interactionTimestamp: new Date('2024-01-01T00:00:00.123Z'),
      },
    });
    expect(typeof created.interactionNumber).toBe('bigint');
    expect(created.createdDate).toBeInstanceOf(Date);

    // The primary key is (id, createdDate): the table is partitioned by createdDate (ADR 030).
    const key = { id_createdDate: { id, createdDate: created.createdDate } };
    const read = await prisma().interaction.findUnique({
      where: key,
      include: { resourceType: true, action: true, origin: true },
    });
    expect(read).toMatchObject({
      uowId,
      interaction: { nested: { list: [1, 2] } },
      externalResponse: ['ok'],
      interactionTimestamp: new Date('2024-01-01T00:00:00.123Z'),
      resourceType: { mnemonic: 'SCHEMA_RT' },
      action: { mnemonic: 'CREATE' },
      origin: { mnemonic: 'WEBAPP' },
    });
    expect(
      await prisma().interaction.findUnique({
        where: {
          interactionNumber_createdDate: {
            interactionNumber: created.interactionNumber,
            createdDate: created.createdDate,
          },
        },
      }),
    ).not.toBeNull();

    const updated = await prisma().interaction.update({
      where: key,
      data: {
        userId: null,
        externalReference: null,
        interactionTimestamp: null,
        actionId: '00000000-0000-7000-8000-00000000a003',
      },
    });
    expect(updated).toMatchObject({ userId: null, externalReference: null, interactionTimestamp: null });

    await expect(prisma().resourceType.delete({ where: { id: resourceType.id } })).rejects.toThrow();
    await prisma().interaction.delete({ where: key });
    await prisma().resourceType.delete({ where: { id: resourceType.id } });
    expect(await prisma().interaction.count({ where: { id } })).toBe(0);
  });
});

describe('ApiKey', () => {
  it('creates, reads, updates and deletes a row with every field', async () => {
    const id = uuidv7();
    const created = await prisma().apiKey.create({
      data: { id, name: 'schema', prefix: 'ik_schema_', keyHash: 'f'.repeat(64), scopes: ['read', 'write'] },
    });
    expect(created).toMatchObject({ scopes: ['read', 'write'], lastUsedDate: null, revokedDate: null });
    expect(await prisma().apiKey.findUnique({ where: { keyHash: 'f'.repeat(64) } })).toEqual(created);
    const now = new Date();
    const updated = await prisma().apiKey.update({
      where: { id },
      data: { lastUsedDate: now, revokedDate: now, scopes: ['admin'] },
    });
    expect(updated).toMatchObject({ lastUsedDate: now, revokedDate: now, scopes: ['admin'] });
    await prisma().apiKey.delete({ where: { id } });
    expect(await prisma().apiKey.count({ where: { id } })).toBe(0);
  });
});

describe('indexes and constraints', () => {
  const schema = readFileSync(path.resolve(__dirname, '../../prisma/schema.prisma'), 'utf8');

  it('every @@index map name of schema.prisma exists in the database', async () => {
    const names = [...schema.matchAll(/@@index\(.*map: "([^"]+)"/g)].map((match) => match[1]);
    expect(names.length).toBeGreaterThan(0);
    const rows = await test.db.sql.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE schemaname = 'public'`,
    );
    const existing = new Set(rows.map((row) => row.indexname));
    expect(names.filter((name) => !existing.has(name))).toEqual([]);
  });

  it('every @unique field has a unique index named as Prisma names it', async () => {
    const rows = await test.db.sql.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexdef LIKE 'CREATE UNIQUE INDEX%'`,
    );
    expect(rows.map((row) => row.indexname)).toEqual(
      expect.arrayContaining([
        'resource_types_mnemonic_key',
        'actions_mnemonic_key',
        'origins_mnemonic_key',
        'interactions_interaction_number_key',
        'api_keys_key_hash_key',
      ]),
    );
  });

  it('every table of the database is a model of schema.prisma (or Prisma bookkeeping)', async () => {
    const mapped = new Set([...schema.matchAll(/@@map\("([^"]+)"\)/g)].map((match) => match[1]));
    // The partitions of interactions are storage of the one modelled table, not tables of their own.
    const rows = await test.db.sql.query<{ table_name: string }>(
      `SELECT c.relname AS table_name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition`,
    );
    const unmodelled = rows
      .map((row) => row.table_name)
      .filter((name) => !mapped.has(name) && name !== '_prisma_migrations');
    expect(unmodelled).toEqual([]);
  });

  it('every column of a modelled table is a field of its model', async () => {
    const models = [...schema.matchAll(/model (\w+) \{([\s\S]*?)\n\}/g)].map((match) => ({
      name: match[1],
      body: match[2],
    }));
    const modelNames = new Set(models.map((model) => model.name));
    for (const { body } of models) {
      const table = /@@map\("([^"]+)"\)/.exec(body)?.[1];
      if (!table) continue;
      // A field line is `name Type…`; a field whose type is another model is a relation, not a column.
      const columns = body
        .split('\n')
        .map((line) => line.trim().split(/\s+/))
        .filter(
          ([name, type]) =>
            /^\w+$/.test(name ?? '') && type !== undefined && !modelNames.has(type.replace(/[?[\]]/g, '')),
        )
        .map((parts) => /@map\("([^"]+)"\)/.exec(parts.join(' '))?.[1] ?? parts[0]);
      const rows = await test.db.sql.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1`,
        [table],
      );
      expect({ table, columns: rows.map((row) => row.column_name).sort() }).toEqual({ table, columns: columns.sort() });
    }
  });
});

describe('IdempotencyKey', () => {
  it('creates, reads, updates and deletes a row with every field', async () => {
    const apiKeyId = uuidv7();
    const ids = [uuidv7(), uuidv7()];
    const created = await prisma().idempotencyKey.create({
      data: { apiKeyId, key: 'schema-key', requestHash: 'a'.repeat(64), interactionIds: ids },
    });
    expect(created).toMatchObject({ apiKeyId, key: 'schema-key', interactionIds: ids });
    const where = { apiKeyId_key: { apiKeyId, key: 'schema-key' } };
    expect(await prisma().idempotencyKey.findUnique({ where })).toEqual(created);
    const updated = await prisma().idempotencyKey.update({
      where,
      data: { requestHash: 'b'.repeat(64), interactionIds: [ids[0]] },
    });
    expect(updated).toMatchObject({ requestHash: 'b'.repeat(64), interactionIds: [ids[0]] });
    await prisma().idempotencyKey.delete({ where });
    expect(await prisma().idempotencyKey.count({ where: { apiKeyId } })).toBe(0);
  });
});

describe('TraceSummary', () => {
  it('creates, reads, updates and deletes a row with every field', async () => {
    const uowId = uuidv7();
    const now = new Date();
    const created = await prisma().traceSummary.create({
      data: {
        uowId,
        uptoNumber: BigInt(10),
        total: BigInt(3),
        startTime: now,
        endTime: now,
        actionIds: [uuidv7()],
        resourceTypeIds: [uuidv7()],
        originIds: [uuidv7()],
        userIds: ['u1'],
        resourceIds: ['r1', 'r2'],
      },
    });
    expect(created).toMatchObject({ uowId, total: BigInt(3), userIds: ['u1'], resourceIds: ['r1', 'r2'] });
    expect(await prisma().traceSummary.findUnique({ where: { uowId } })).toEqual(created);
    const updated = await prisma().traceSummary.update({ where: { uowId }, data: { total: BigInt(4), userIds: [] } });
    expect(updated).toMatchObject({ total: BigInt(4), userIds: [] });
    await prisma().traceSummary.delete({ where: { uowId } });
    expect(await prisma().traceSummary.count({ where: { uowId } })).toBe(0);
  });
});

describe('Retention tables', () => {
  it('create, read, update and delete a row with every field', async () => {
    const rangeStart = new Date('2020-01-01T00:00:00Z');
    const rangeEnd = new Date('2020-02-01T00:00:00Z');
    const dropped = await prisma().retentionDroppedRange.create({
      data: { rangeStart, rangeEnd, rowCount: BigInt(5), archiveFile: 'interactions-2020-01.ndjson.gz' },
    });
    expect(dropped).toMatchObject({ rangeStart, rangeEnd, rowCount: BigInt(5) });
    expect(dropped.droppedAt).toBeInstanceOf(Date);
    await prisma().retentionDroppedRange.update({ where: { rangeStart }, data: { archiveFile: null } });
    await prisma().retentionDroppedRange.delete({ where: { rangeStart } });

    const uowId = uuidv7();
    await prisma().retentionCutTrace.create({ data: { uowId, rangeEnd } });
    expect(await prisma().retentionCutTrace.count({ where: { uowId } })).toBe(1);
    await prisma().retentionCutTrace.delete({ where: { uowId_rangeEnd: { uowId, rangeEnd } } });

    const state = await prisma().retentionState.update({ where: { id: 1 }, data: { lastRunAt: rangeEnd } });
    expect(state.lastRunAt).toEqual(rangeEnd);
    await prisma().retentionState.update({ where: { id: 1 }, data: { lastRunAt: null } });
  });
});

describe('IntegrityVerifyState', () => {
  it('creates, reads, updates and deletes its one row with every field', async () => {
    const verifiedAt = new Date('2026-12-09T10:00:00.123Z');
    const report = { ok: true, checkpoints: 1, rows: 2, problems: [] };
    const created = await prisma().integrityVerifyState.create({
      data: { id: 1, report, verifiedAt, durationMs: 12, verifiedBy: 'admin' },
    });
    expect(created).toEqual({ id: 1, report, verifiedAt, durationMs: 12, verifiedBy: 'admin' });
    expect(await prisma().integrityVerifyState.findUnique({ where: { id: 1 } })).toEqual(created);
    const updated = await prisma().integrityVerifyState.update({
      where: { id: 1 },
      data: { report: { ok: false }, verifiedBy: null },
    });
    expect(updated).toMatchObject({ report: { ok: false }, verifiedBy: null });
    await expect(
      prisma().integrityVerifyState.create({ data: { id: 2, report, verifiedAt, durationMs: 1 } }),
    ).rejects.toThrow();
    await prisma().integrityVerifyState.delete({ where: { id: 1 } });
    expect(await prisma().integrityVerifyState.count()).toBe(0);
  });
});
