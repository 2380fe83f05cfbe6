/**
 * What the console's integrity views read: `interactionProofs` (a page of proofs in bounded requests, each the same as
 * the single proof), and the last verification stored by the verify route and its GraphQL twin, with the refusals.
 */
import { generateSigningKey } from '../../src/integrity/signing-key';
import { getLastIntegrityVerify } from '../../src/integrity/last-verify';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { createOrderResourceType, orderBody } from '../helpers/factories';
import { restoreLog, sealEverything, snapshotLog } from '../helpers/integrity';

let t: TestApp;
const key = generateSigningKey();
const sealed: string[] = [];
const late: string[] = [];
const UNKNOWN = '0193a2b4-0000-7000-8000-0000000000ff';

const PROOFS = `query($ids: [ID!]!) {
  interactionProofs(ids: $ids) {
    proofs { interactionId leafIndex treeSize leafHash path canonical matches checkpoint { seq } }
    unsealed
    orphaned
    checkpoints { seq merkleRoot signature }
  }
}`;
const LAST = `{ lastIntegrityVerify { verifiedAt durationMs verifiedBy
  report { ok checkpoints rows fromCheckpoint throughCheckpoint problems { kind interactionId fields } } } }`;

const write = async (resourceId: string) =>
  (await api(t.app, t.keys.write).post('/api/interactions').send(orderBody(resourceId)).expect(201)).body
    .interactionId as string;

beforeAll(async () => {
  t = await createTestApp({}, { integrityKey: key });
  await createOrderResourceType(t);
  for (let i = 0; i < 7; i += 1) sealed.push(await write(`console-${i}`));
  expect((await sealEverything(t.database.db, key, 4)).map((c) => c.rowCount)).toEqual([4, 3]);
  for (let i = 0; i < 2; i += 1) late.push(await write(`console-late-${i}`));
});
afterAll(() => t.close());

describe('interactionProofs', () => {
  it('proves each sealed interaction as the single proof does, lists the others, and each checkpoint once', async () => {
    const ids = [late[0], ...sealed.slice().reverse(), UNKNOWN, late[1]];
    const res = await api(t.app, t.keys.read).graphql(PROOFS, { ids });
    expect(res.body.errors).toBeUndefined();
    const set = res.body.data.interactionProofs;
    expect(set.proofs.map((p: { interactionId: string }) => p.interactionId)).toEqual(sealed.slice().reverse());
    expect(set.unsealed).toEqual([late[0], UNKNOWN, late[1]]);
    expect(set.orphaned).toEqual([]);
    expect(set.checkpoints.map((c: { seq: number }) => c.seq)).toEqual([1, 2]);
    for (const proof of set.proofs) {
      const single = await api(t.app, t.keys.read).get(`/api/interactions/${proof.interactionId}/proof`).expect(200);
      const { checkpoint, ...rest } = single.body;
      expect(proof).toEqual({ ...rest, checkpoint: { seq: checkpoint.seq } });
      expect(proof.matches).toBe(true);
    }
  });

  it('reads the database a fixed number of times, whatever the number of ids', async () => {
    const count = async (ids: string[]) => {
      t.queries.length = 0;
      const res = await api(t.app, t.keys.read).graphql(PROOFS, { ids });
      expect(res.body.errors).toBeUndefined();
      return t.queries.filter((sql) => !/api_keys/.test(sql)).length;
    };
    const one = await count([sealed[0]]);
    expect(await count([...sealed, ...late])).toBe(one);
    expect(one).toBeLessThanOrEqual(4);
  });

  it('says false for a row edited in the database, and the canonical text shows the edit', async () => {
    await t.database.db.sql.query(`UPDATE interactions SET interaction = '{"edited": true}' WHERE id = $1`, [
      sealed[1],
    ]);
    try {
      const res = await api(t.app, t.keys.read).graphql(PROOFS, { ids: [sealed[1], sealed[2]] });
      const [edited, clean] = res.body.data.interactionProofs.proofs;
      expect({ matches: edited.matches, canonical: JSON.parse(edited.canonical).interaction }).toEqual({
        matches: false,
        canonical: { edited: true },
      });
      expect(clean.matches).toBe(true);
    } finally {
      await t.database.db.sql.query(`UPDATE interactions SET interaction = '{"total": 1}' WHERE id = $1`, [sealed[1]]);
    }
  });

  it('names the interactions whose checkpoint was deleted', async () => {
    const sql = t.database.db.sql;
    await snapshotLog(sql);
    try {
      await sql.query('DELETE FROM integrity_checkpoints WHERE seq = 1');
      const res = await api(t.app, t.keys.read).graphql(PROOFS, { ids: [sealed[0], sealed[5]] });
      expect(res.body.data.interactionProofs).toMatchObject({ orphaned: [sealed[0]], unsealed: [] });
      expect(res.body.data.interactionProofs.checkpoints.map((c: { seq: number }) => c.seq)).toEqual([2]);
      await api(t.app, t.keys.read).get(`/api/interactions/${sealed[0]}/proof`).expect(404);
    } finally {
      await restoreLog(sql);
    }
  });

  it('answers an empty list with nothing', async () => {
    const res = await api(t.app, t.keys.read).graphql(PROOFS, { ids: [] });
    expect(res.body.data.interactionProofs).toEqual({ proofs: [], unsealed: [], orphaned: [], checkpoints: [] });
  });

  it.each([
    ['more than 100 ids', Array.from({ length: 101 }, () => UNKNOWN)],
    ['a bad uuid', [sealed[0] ?? UNKNOWN, 'not-a-uuid']],
    ['a NUL byte', ['0193a2b4-0000-7000-8000-00000000\u000000']],
  ])('refuses %s with BAD_USER_INPUT naming ids (200, as every refused GraphQL argument)', async (_name, ids) => {
    const res = await api(t.app, t.keys.read).graphql(PROOFS, { ids: ids.map((id) => id || sealed[0]) });
    expect(res.status).toBe(200);
    expect(res.body.data).toBeNull();
    expect(res.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'ids' } });
  });

  it('needs the read scope', async () => {
    const res = await api(t.app, t.keys.write).graphql(PROOFS, { ids: [sealed[0]] });
    expect(res.status).toBe(403);
    expect(res.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });
});

describe('lastIntegrityVerify', () => {
  it('is null before the first verification', async () => {
    const res = await api(t.app, t.keys.read).graphql(LAST);
    expect(res.body).toEqual({
      data: { lastIntegrityVerify: { verifiedAt: null, durationMs: null, verifiedBy: null, report: null } },
    });
    const rest = await api(t.app, t.keys.read).get('/api/integrity/verify/last').expect(200);
    expect(rest.body).toEqual({ verifiedAt: null, durationMs: null, verifiedBy: null, report: null });
  });

  it('keeps neither a refused nor a forbidden verification', async () => {
    await api(t.app, t.keys.admin).post('/api/integrity/verify').send({ from: 0 }).expect(400);
    await api(t.app, t.keys.read).post('/api/integrity/verify').send({}).expect(403);
    const gql = await api(t.app, t.keys.read).graphql('mutation { verifyIntegrity { ok } }');
    expect(gql.status).toBe(403);
    expect(await getLastIntegrityVerify(t.database.db)).toBeNull();
  });

  it('holds the report of the last verification, by REST or GraphQL, for every reader', async () => {
    const before = Date.now();
    const rest = await api(t.app, t.keys.admin).post('/api/integrity/verify').send({}).expect(200);
    const first = (await api(t.app, t.keys.read).graphql(LAST)).body.data.lastIntegrityVerify;
    expect(first).toMatchObject({
      verifiedBy: 'admin',
      report: { ok: true, checkpoints: 2, rows: 7, fromCheckpoint: 1, throughCheckpoint: 2, problems: [] },
    });
    expect(first.report).toEqual({
      ok: rest.body.ok,
      checkpoints: rest.body.checkpoints,
      rows: rest.body.rows,
      fromCheckpoint: rest.body.fromCheckpoint,
      throughCheckpoint: rest.body.throughCheckpoint,
      problems: [],
    });
    expect(Date.parse(first.verifiedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(first.durationMs).toBeGreaterThanOrEqual(0);

    // The GraphQL twin replaces it; what is stored is what any instance on this database reads.
    await t.database.db.sql.query(`UPDATE interactions SET user_id = 'mallory' WHERE id = $1`, [sealed[6]]);
    try {
      const gql = await api(t.app, t.keys.admin).graphql('mutation { verifyIntegrity(input: { from: 2 }) { ok } }');
      expect(gql.body.data.verifyIntegrity.ok).toBe(false);
    } finally {
      await t.database.db.sql.query(`UPDATE interactions SET user_id = NULL WHERE id = $1`, [sealed[6]]);
    }
    const second = (await api(t.app, t.keys.read).graphql(LAST)).body.data.lastIntegrityVerify;
    expect(second.report).toEqual({
      ok: false,
      checkpoints: 1,
      rows: 3,
      fromCheckpoint: 2,
      throughCheckpoint: 2,
      problems: [{ kind: 'row-altered', interactionId: sealed[6], fields: ['userId'] }],
    });
    // The REST twin answers the same.
    const twin = await api(t.app, t.keys.read).get('/api/integrity/verify/last').expect(200);
    expect(twin.body).toMatchObject({ verifiedAt: second.verifiedAt, verifiedBy: 'admin', report: { ok: false } });
    expect(twin.body.report.problems).toEqual([
      expect.objectContaining({ kind: 'row-altered', checkpoint: 2, interactionId: sealed[6], fields: ['userId'] }),
    ]);
    const stored = await getLastIntegrityVerify(t.database.db);
    expect(stored?.verifiedAt.toISOString()).toBe(second.verifiedAt);
    expect(stored?.report.problems).toHaveLength(1);
  });

  it('needs the read scope', async () => {
    const res = await api(t.app, t.keys.write).graphql(LAST);
    expect(res.status).toBe(403);
    await api(t.app, t.keys.write).get('/api/integrity/verify/last').expect(403);
  });
});
