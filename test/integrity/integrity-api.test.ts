/**
 * The integrity API over HTTP, as a client uses it: checkpoints (paged, latest), an interaction's inclusion proof
 * checked here against the root recomputed from the rows by plain functions of this file, the admin verify route
 * finding a committed edit, the GraphQL twins, and the refusals (scope, bad input, nothing sealed, sealing off).
 */
import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { canonicalJson } from '../../src/integrity/canonical';
import { loadOrCreateSigningKey, type SigningKey } from '../../src/integrity/signing-key';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { createOrderResourceType, orderBody } from '../helpers/factories';
import { TAMPER_NAMES, findings, restoreLog, sealEverything, snapshotLog, tampers } from '../helpers/integrity';

let t: TestApp;
let dir: string;
let key: SigningKey;
const ids: string[] = [];

const sha256 = (...parts: (Buffer | string)[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};
/** RFC 6962 MTH over leaf hashes, written out plainly. */
const mth = (leaves: Buffer[]): Buffer => {
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha256(Buffer.from([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
};
/** RFC 9162 2.1.3.2, written out plainly: the root an audit path leads to. */
const rootFromPath = (leaf: Buffer, index: number, size: number, path: Buffer[]) => {
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (fn % 2 === 1 || fn === sn) {
      r = sha256(Buffer.from([1]), p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = sha256(Buffer.from([1]), r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return r;
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'integrity-api-'));
  key = await loadOrCreateSigningKey(path.join(dir, 'key.pem'));
  t = await createTestApp({}, { integrityKey: key });
  await createOrderResourceType(t);
  for (let i = 0; i < 7; i += 1) {
    const res = await api(t.app, t.keys.write)
      .post('/api/interactions')
      .send(orderBody(`proof-${i}`, { interaction: { i, note: 'é' }, externalResponse: [i] }))
      .expect(201);
    ids.push((res.body as { interactionId: string }).interactionId);
  }
  expect((await sealEverything(t.database.db, key, 4)).map((c) => c.rowCount)).toEqual([4, 3]);
});
afterAll(async () => {
  await t.close();
  await rm(dir, { recursive: true, force: true });
});

describe('checkpoints over REST', () => {
  it('pages newest first with the key id, and each is signed by the key', async () => {
    const first = await api(t.app, t.keys.read).get('/api/integrity/checkpoints?limit=1').expect(200);
    expect(first.body).toMatchObject({ nextBefore: 2, keyId: key.keyId, publicKey: key.publicKeyPem });
    expect(first.body.data.map((c: { seq: number }) => c.seq)).toEqual([2]);
    const second = await api(t.app, t.keys.read).get('/api/integrity/checkpoints?limit=1&before=2').expect(200);
    expect(second.body.data.map((c: { seq: number; rowCount: number }) => [c.seq, c.rowCount])).toEqual([[1, 4]]);
    expect(second.body.nextBefore).toBeNull();

    const latest = await api(t.app, t.keys.read).get('/api/integrity/checkpoints/latest').expect(200);
    expect(latest.body).toEqual(first.body.data[0]);
    const { signature, checkpointHash, ...fields } = latest.body as Record<string, unknown>;
    const message = Buffer.from(canonicalJson({ format: 'interactions-checkpoint/1', ...fields }));
    const publicKey = createPublicKey(key.publicKeyPem);
    expect(verify(null, message, publicKey, Buffer.from(signature as string, 'base64'))).toBe(true);
    expect(sha256(message).toString('hex')).toBe(checkpointHash);
  });

  it('refuses bad paging with 400 naming the parameter', async () => {
    for (const query of ['limit=0', 'limit=1001', 'before=0', 'before=x', 'limit=1.5']) {
      const res = await api(t.app, t.keys.read).get(`/api/integrity/checkpoints?${query}`).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(res.body.error.details.field).toBe(query.split('=')[0]);
    }
  });
});

describe('inclusion proofs', () => {
  it("prove each sealed row against the root recomputed here from the rows' canonical JSON", async () => {
    for (const [n, id] of ids.slice(0, 4).entries()) {
      const res = await api(t.app, t.keys.read).get(`/api/interactions/${id}/proof`).expect(200);
      const proof = res.body as {
        checkpoint: { seq: number; merkleRoot: string };
        leafIndex: number;
        treeSize: number;
        leafHash: string;
        path: string[];
        canonical: string;
        matches: boolean;
      };
      expect(proof).toMatchObject({ leafIndex: n, treeSize: 4, matches: true, checkpoint: { seq: 1 } });
      // The row as a client reads it, in the documented canonical form, built here without the service's code.
      const row = (await api(t.app, t.keys.read).get(`/api/interactions/${id}`).expect(200)).body;
      const expected = JSON.stringify({
        actionId: row.actionId,
        createdDate: row.createdDate,
        externalReference: row.externalReference,
        externalResponse: row.externalResponse,
        id: row.interactionId,
        interaction: { i: row.interaction.i, note: row.interaction.note },
        interactionNumber: row.interactionNumber,
        interactionTimestamp: row.interactionTimestamp,
        originId: row.originId,
        resourceId: row.resourceId,
        resourceTypeId: row.resourceTypeId,
        uowId: row.uowId,
        userId: row.userId,
      });
      expect(proof.canonical).toBe(expected);
      const leaf = sha256(Buffer.from([0]), expected);
      expect(proof.leafHash).toBe(leaf.toString('hex'));
      const root = rootFromPath(
        leaf,
        proof.leafIndex,
        proof.treeSize,
        proof.path.map((p) => Buffer.from(p, 'hex')),
      );
      expect(root.toString('hex')).toBe(proof.checkpoint.merkleRoot);
    }
    // The same root, from all four rows at once.
    const leaves = await Promise.all(
      ids.slice(0, 4).map(async (id) => {
        const res = await api(t.app, t.keys.read).get(`/api/interactions/${id}/proof`);
        return sha256(Buffer.from([0]), res.body.canonical as string);
      }),
    );
    const latest = await api(t.app, t.keys.read).get('/api/integrity/checkpoints?limit=2');
    expect(mth(leaves).toString('hex')).toBe(latest.body.data[1].merkleRoot);
  });

  it('answers 404 for an unsealed or unknown interaction and 400 for a bad id', async () => {
    const res = await api(t.app, t.keys.write).post('/api/interactions').send(orderBody('proof-late')).expect(201);
    const late = (await api(t.app, t.keys.read).get(`/api/interactions/${res.body.interactionId}/proof`).expect(404))
      .body;
    expect(late.error.code).toBe('NOT_FOUND');
    await api(t.app, t.keys.read).get('/api/interactions/0193a2b4-0000-7000-8000-0000000000ff/proof').expect(404);
    const bad = await api(t.app, t.keys.read).get('/api/interactions/not-a-uuid/proof').expect(400);
    expect(bad.body.error.details.field).toBe('id');
  });
});

describe('POST /api/integrity/verify', () => {
  it('is for admin keys, and checks its body', async () => {
    await api(t.app, t.keys.read).post('/api/integrity/verify').send({}).expect(403);
    const res = await api(t.app, t.keys.admin).post('/api/integrity/verify').send({ from: 0 }).expect(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    await api(t.app, t.keys.admin).post('/api/integrity/verify').send({ everything: true }).expect(400);
  });

  it('verifies clean, then names a row edited in the database, field and all', async () => {
    const clean = await api(t.app, t.keys.admin).post('/api/integrity/verify').send({}).expect(200);
    expect(clean.body).toMatchObject({ ok: true, checkpoints: 2, rows: 7, problems: [] });

    await t.database.db.sql.query(`UPDATE interactions SET external_response = '[99]' WHERE id = $1`, [ids[5]]);
    try {
      const found = await api(t.app, t.keys.admin).post('/api/integrity/verify').send({ from: 2 }).expect(200);
      expect(found.body.ok).toBe(false);
      expect(found.body.problems).toEqual([
        expect.objectContaining({
          kind: 'row-altered',
          checkpoint: 2,
          interactionId: ids[5],
          fields: ['externalResponse'],
        }),
      ]);
      const proof = await api(t.app, t.keys.read).get(`/api/interactions/${ids[5]}/proof`).expect(200);
      expect(proof.body.matches).toBe(false);
      // The GraphQL twin says the same.
      const gql = await api(t.app, t.keys.admin).graphql(
        'mutation { verifyIntegrity(input: { from: 2 }) { ok problems { kind interactionId fields } } }',
      );
      expect(gql.body.data.verifyIntegrity).toEqual({
        ok: false,
        problems: [{ kind: 'row-altered', interactionId: ids[5], fields: ['externalResponse'] }],
      });
    } finally {
      await t.database.db.sql.query(`UPDATE interactions SET external_response = '[5]' WHERE id = $1`, [ids[5]]);
    }
    const again = await api(t.app, t.keys.admin).post('/api/integrity/verify').send({}).expect(200);
    expect(again.body.ok).toBe(true);
  });
});

describe('POST /api/integrity/verify names each edit made in the database', () => {
  const edits = () =>
    tampers(
      ids.map((id, i) => ({ id, interactionNumber: i + 1 })),
      2,
    );
  it.each(TAMPER_NAMES)('%s', async (name) => {
    const sql = t.database.db.sql;
    const tamper = edits().find((candidate) => candidate.name === name)!;
    await snapshotLog(sql);
    try {
      await tamper.apply(sql);
      const res = await api(t.app, t.keys.admin).post('/api/integrity/verify').send({}).expect(200);
      expect(res.body.ok).toBe(false);
      expect(findings(res.body.problems, tamper.expected)).toEqual(tamper.expected);
    } finally {
      await restoreLog(sql);
    }
    const clean = await api(t.app, t.keys.admin).post('/api/integrity/verify').send({}).expect(200);
    expect(clean.body.ok).toBe(true);
  });
});

describe('GraphQL', () => {
  it('has the checkpoints, the latest and the proof', async () => {
    const res = await api(t.app, t.keys.read).graphql(
      `query($id: ID!) {
        integrityCheckpoints(first: 5) { checkpoints { seq rowCount } nextBefore keyId }
        latestIntegrityCheckpoint { seq }
        interactionProof(id: $id) { leafIndex treeSize matches checkpoint { seq } }
      }`,
      { id: ids[6] },
    );
    expect(res.body.data).toEqual({
      integrityCheckpoints: {
        checkpoints: [
          { seq: 2, rowCount: 3 },
          { seq: 1, rowCount: 4 },
        ],
        nextBefore: null,
        keyId: key.keyId,
      },
      latestIntegrityCheckpoint: { seq: 2 },
      interactionProof: { leafIndex: 2, treeSize: 3, matches: true, checkpoint: { seq: 2 } },
    });
  });
});

describe('with sealing off', () => {
  it('has no checkpoints, 404 for the latest and 409 for verify', async () => {
    const off = await createTestApp({ CHECKPOINT_SECONDS: '0' });
    try {
      const page = await api(off.app, off.keys.read).get('/api/integrity/checkpoints').expect(200);
      expect(page.body).toEqual({ data: [], nextBefore: null, keyId: null, publicKey: null });
      await api(off.app, off.keys.read).get('/api/integrity/checkpoints/latest').expect(404);
      const res = await api(off.app, off.keys.admin).post('/api/integrity/verify').send({}).expect(409);
      expect(res.body.error.code).toBe('CONFLICT');
    } finally {
      await off.close();
    }
  });
});
