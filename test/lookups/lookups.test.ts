import { randomUUID } from 'node:crypto';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { createLookupRow, insertInteraction, SYSTEM } from '../helpers/factories';
import type { LookupKind } from '../../src/lookups/lookup.service';

let t: TestApp;
let baseResourceTypeId: string;
beforeAll(async () => {
  t = await createTestApp();
  baseResourceTypeId = (await createLookupRow(t.database.db, 'resourceType', { mnemonic: 'BASE' })).id;
});
afterAll(() => t.close());

const admin = () => api(t.app, t.keys.admin);

const LOOKUP_KEYS = [
  'bgColorHex',
  'createdDate',
  'description',
  'fontColorHex',
  'icon',
  'id',
  'isSystem',
  'mnemonic',
  'name',
  'updatedDate',
];

interface KindCase {
  kind: LookupKind;
  path: string;
  /** A seeded system lookup of this kind, or null (resource types have none: the test makes one). */
  systemMnemonic: string | null;
}

const KINDS: KindCase[] = [
  { kind: 'resourceType', path: '/api/resource-types', systemMnemonic: null },
  { kind: 'action', path: '/api/actions', systemMnemonic: 'CREATE' },
  { kind: 'origin', path: '/api/origins', systemMnemonic: 'WEBAPP' },
];

describe.each(KINDS)('$path', ({ kind, path, systemMnemonic }) => {
  // Mnemonics are unique per table, so each kind can use the same names; prefix keeps them apart from seeds.
  const create = (body: Record<string, unknown>) => admin().post(path).send(body);

  describe('list', () => {
    it('returns {data:[…]} sorted by mnemonic with the documented fields', async () => {
      await create({ mnemonic: 'LIST_B' }).expect(201);
      await create({ mnemonic: 'LIST_A' }).expect(201);
      const res = await admin().get(path);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body)).toEqual(['data']);
      const mnemonics = res.body.data.map((row: { mnemonic: string }) => row.mnemonic);
      expect(mnemonics).toEqual([...mnemonics].sort());
      expect(mnemonics).toEqual(expect.arrayContaining(['LIST_A', 'LIST_B']));
      for (const row of res.body.data) expect(Object.keys(row).sort()).toEqual(LOOKUP_KEYS);
    });

    if (systemMnemonic) {
      it('includes the seeded system lookups', async () => {
        const res = await admin().get(path);
        const seeded = res.body.data.find((row: { mnemonic: string }) => row.mnemonic === systemMnemonic);
        expect(seeded).toMatchObject({ mnemonic: systemMnemonic, isSystem: true });
      });
    }

    it('is readable with a read key', async () => {
      const res = await api(t.app, t.keys.read).get(path);
      expect(res.status).toBe(200);
    });
  });

  describe('get', () => {
    it('returns one lookup by id', async () => {
      const created = await create({ mnemonic: 'GET_ME', name: 'Get me', icon: '🎯' }).expect(201);
      const res = await admin().get(`${path}/${created.body.id}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(created.body);
    });

    it('is 404 NOT_FOUND for an unknown id', async () => {
      const res = await admin().get(`${path}/${randomUUID()}`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    });

    it('is 400 VALIDATION_ERROR for an id that is not a UUID', async () => {
      const res = await admin().get(`${path}/not-a-uuid`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    });
  });

  describe('create', () => {
    it('is 201 with the stored lookup; the mnemonic is upper-cased and the name defaults to it', async () => {
      const res = await create({ mnemonic: 'order_line', icon: '📦', fontColorHex: '#FFF', bgColorHex: '#F59E0B' });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(LOOKUP_KEYS);
      expect(res.body).toMatchObject({
        mnemonic: 'ORDER_LINE',
        name: 'ORDER_LINE',
        description: null,
        icon: '📦',
        fontColorHex: '#fff',
        bgColorHex: '#f59e0b',
        isSystem: false,
      });
      expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Date(res.body.createdDate).toISOString()).toBe(res.body.createdDate);
    });

    it('stores name and description as given', async () => {
      const res = await create({ mnemonic: 'DESCRIBED', name: 'Described', description: 'A described lookup' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: 'Described', description: 'A described lookup' });
    });

    it.each(['1ABC', 'A-B', '', 'X'.repeat(65), 'A B'])(
      'is 400 VALIDATION_ERROR for the mnemonic %j',
      async (mnemonic) => {
        const res = await create({ mnemonic });
        expect(res.status).toBe(400);
        expect(res.body.error.code).toBe('VALIDATION_ERROR');
      },
    );

    it('is 400 VALIDATION_ERROR without a mnemonic', async () => {
      const res = await create({ name: 'No mnemonic' });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    });

    it.each([
      ['fontColorHex', 'red'],
      ['bgColorHex', '#12345'],
      ['bgColorHex', 'f59e0b'],
    ])('is 400 VALIDATION_ERROR for %s %j', async (field, value) => {
      const res = await create({ mnemonic: 'BAD_COLOUR', [field]: value });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(res.body.error.details).toEqual({ field });
    });

    it('is 409 CONFLICT for a duplicate mnemonic, whatever its case', async () => {
      await create({ mnemonic: 'DUPLICATE' }).expect(201);
      const res = await create({ mnemonic: 'duplicate' });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('CONFLICT');
    });

    it('is 400 VALIDATION_ERROR for a body that is not a JSON object', async () => {
      const res = await admin().post(path).set('content-type', 'application/json').send('[1,2]');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    });
  });

  describe('patch', () => {
    it('changes the given fields only and moves updatedDate', async () => {
      const created = await create({ mnemonic: 'PATCH_ME', name: 'Before', icon: '🅰' }).expect(201);
      const res = await admin().patch(`${path}/${created.body.id}`).send({ name: 'After', bgColorHex: '#000' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: created.body.id,
        mnemonic: 'PATCH_ME',
        name: 'After',
        icon: '🅰',
        bgColorHex: '#000',
      });
      expect(new Date(res.body.updatedDate).getTime()).toBeGreaterThanOrEqual(
        new Date(created.body.updatedDate).getTime(),
      );
      const read = await admin().get(`${path}/${created.body.id}`);
      expect(read.body).toEqual(res.body);
    });

    it('renames the mnemonic, upper-cased', async () => {
      const created = await create({ mnemonic: 'RENAME_ME' }).expect(201);
      const res = await admin().patch(`${path}/${created.body.id}`).send({ mnemonic: 'renamed' });
      expect(res.status).toBe(200);
      expect(res.body.mnemonic).toBe('RENAMED');
    });

    it('clears an optional field given as null', async () => {
      const created = await create({ mnemonic: 'CLEAR_ME', icon: '🧹' }).expect(201);
      const res = await admin().patch(`${path}/${created.body.id}`).send({ icon: null });
      expect(res.status).toBe(200);
      expect(res.body.icon).toBeNull();
    });

    it('is 409 CONFLICT when the new mnemonic is taken', async () => {
      await create({ mnemonic: 'TAKEN' }).expect(201);
      const created = await create({ mnemonic: 'WANTS_TAKEN' }).expect(201);
      const res = await admin().patch(`${path}/${created.body.id}`).send({ mnemonic: 'TAKEN' });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('CONFLICT');
    });

    it('is 400 VALIDATION_ERROR for a bad colour', async () => {
      const created = await create({ mnemonic: 'PATCH_COLOUR' }).expect(201);
      const res = await admin().patch(`${path}/${created.body.id}`).send({ fontColorHex: 'blue' });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    });

    it('is 404 NOT_FOUND for an unknown id', async () => {
      const res = await admin().patch(`${path}/${randomUUID()}`).send({ name: 'x' });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    });

    it('is 400 VALIDATION_ERROR for an id that is not a UUID', async () => {
      const res = await admin().patch(`${path}/nope`).send({ name: 'x' });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    });
  });

  describe('delete', () => {
    it('is 200 with the deleted lookup, which is then gone', async () => {
      const created = await create({ mnemonic: 'DELETE_ME' }).expect(201);
      const res = await admin().delete(`${path}/${created.body.id}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual(created.body);
      await admin().get(`${path}/${created.body.id}`).expect(404);
    });

    it('is 409 CONFLICT while interactions use it', async () => {
      const created = await create({ mnemonic: 'IN_USE' }).expect(201);
      const refs = {
        resourceTypeId: baseResourceTypeId,
        actionId: SYSTEM.actions.CREATE,
        originId: SYSTEM.origins.WEBAPP,
      };
      await insertInteraction(t.database.db, { ...refs, [`${kind}Id`]: created.body.id });
      const res = await admin().delete(`${path}/${created.body.id}`);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('CONFLICT');
      await admin().get(`${path}/${created.body.id}`).expect(200);
    });

    it('is 409 CONFLICT for a system lookup', async () => {
      const id = systemMnemonic
        ? (await admin().get(path)).body.data.find((row: { mnemonic: string }) => row.mnemonic === systemMnemonic).id
        : await markedSystem(kind);
      const res = await admin().delete(`${path}/${id}`);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('CONFLICT');
      await admin().get(`${path}/${id}`).expect(200);
    });

    it('is 404 NOT_FOUND for an unknown id', async () => {
      const res = await admin().delete(`${path}/${randomUUID()}`);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    });

    it('is 400 VALIDATION_ERROR for an id that is not a UUID', async () => {
      const res = await admin().delete(`${path}/123`);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    });
  });

  it('keeps the mnemonic of a system lookup (PATCH → 409)', async () => {
    const id = systemMnemonic
      ? (await admin().get(path)).body.data.find((row: { mnemonic: string }) => row.mnemonic === systemMnemonic).id
      : await markedSystem(kind);
    const res = await admin().patch(`${path}/${id}`).send({ mnemonic: 'SOMETHING_ELSE' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('CONFLICT');
  });
});

/** Resource types have no seeded system rows: make one the way an operator's migration would. */
async function markedSystem(kind: LookupKind): Promise<string> {
  const row = await createLookupRow(t.database.db, kind, { mnemonic: `SYS_${randomUUID().slice(0, 8)}` });
  await t.database.db.prisma.resourceType.update({ where: { id: row.id }, data: { isSystem: true } });
  return row.id;
}
