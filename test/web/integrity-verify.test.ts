/**
 * The console's in-browser check (web/src/integrity), run here on Node's WebCrypto against the real app: the message
 * it verifies is byte for byte what the service signs, and a sealed page verifies while an edited row, a forged
 * signature, a substituted row or a wrong path each say "does not match".
 */
import { createHash } from 'node:crypto';
import { checkpointMessage as serverMessage, type Checkpoint } from '../../src/integrity/checkpoint';
import { generateSigningKey } from '../../src/integrity/signing-key';
import { ConsoleInteractionProofsDocument, type ConsoleInteractionProofsQuery } from '../../web/src/generated/graphql';
import { checkpointMessage } from '../../web/src/integrity/checkpoint';
import { canonicalJson } from '../../web/src/integrity/jcs';
import { verifySeals } from '../../web/src/integrity/verify';
import { canonicalJson as serverCanonicalJson } from '../../src/integrity/canonical';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { createOrderResourceType, orderBody } from '../helpers/factories';
import { sealEverything } from '../helpers/integrity';

let t: TestApp;
const key = generateSigningKey();
const ids: string[] = [];
let late: string;
let sealed: Checkpoint[];

const proofsOf = async (asked: string[]) => {
  const res = await api(t.app, t.keys.read).graphql(ConsoleInteractionProofsDocument.toString(), { ids: asked });
  expect(res.body.errors).toBeUndefined();
  return res.body.data as ConsoleInteractionProofsQuery;
};
const states = async (asked: string[], edit?: (data: ConsoleInteractionProofsQuery) => void) => {
  const data = await proofsOf(asked);
  edit?.(data);
  const seals = await verifySeals(asked, data.interactionProofs, data.integrityCheckpoints.publicKey);
  return asked.map((id) => seals.get(id));
};

beforeAll(async () => {
  t = await createTestApp({}, { integrityKey: key });
  await createOrderResourceType(t);
  for (let i = 0; i < 11; i += 1) {
    const body = orderBody(`web-${i}`, { interaction: { i, text: 'héllo \u2028 "q"', nested: { b: 1, a: [2.5] } } });
    ids.push((await api(t.app, t.keys.write).post('/api/interactions').send(body).expect(201)).body.interactionId);
  }
  sealed = await sealEverything(t.database.db, key, 6);
  late = (await api(t.app, t.keys.write).post('/api/interactions').send(orderBody('web-late')).expect(201)).body
    .interactionId;
});
afterAll(() => t.close());

describe('the signed message', () => {
  it("is the service's checkpointMessage, for every checkpoint sealed", () => {
    expect(sealed.map((c) => c.seq)).toEqual([1, 2]);
    for (const checkpoint of sealed) {
      expect(checkpointMessage(checkpoint)).toBe(serverMessage(checkpoint).toString('utf8'));
    }
  });

  it('is the same for awkward values (escapes, big numbers, non-ASCII)', () => {
    const body = {
      seq: 9_007_199_254_740_991,
      after: '0',
      through: '123-\u00e9"\\\n',
      rowCount: 1,
      merkleRoot: 'ab'.repeat(32),
      previousHash: '0'.repeat(64),
      keyId: '\u2028\ud83d\ude00',
      sealedAt: '2026-12-09T10:00:00.000Z',
      checkpointHash: '',
      signature: '',
    };
    expect(checkpointMessage(body)).toBe(serverMessage({ ...body, format: 'interactions-checkpoint/1' }).toString());
  });

  it('canonicalises nested values as the service does', () => {
    const value = { z: [1, { y: null, b: 1e21, a: -0 }], a: 'é', é: true, B: 0.1 };
    expect(canonicalJson(value)).toBe(serverCanonicalJson(value));
  });
});

describe('verifySeals', () => {
  it('verifies every sealed row in its checkpoint and calls the late one not sealed yet', async () => {
    expect(await states([...ids, late])).toEqual([
      ...ids.slice(0, 6).map(() => ({ state: 'verified', seq: 1 })),
      ...ids.slice(6).map(() => ({ state: 'verified', seq: 2 })),
      { state: 'unsealed' },
    ]);
  });

  it('says "does not match" for a row edited in the database', async () => {
    await t.database.db.sql.query(`UPDATE interactions SET interaction = '{"i": 99}' WHERE id = $1`, [ids[2]]);
    try {
      expect(await states([ids[2], ids[3]])).toEqual([
        { state: 'mismatch', seq: 1, reason: 'the row as stored now does not hash to its sealed leaf' },
        { state: 'verified', seq: 1 },
      ]);
    } finally {
      await t.database.db.sql.query(`UPDATE interactions SET interaction = $2::jsonb WHERE id = $1`, [
        ids[2],
        JSON.stringify({ i: 2, text: 'héllo \u2028 "q"', nested: { b: 1, a: [2.5] } }),
      ]);
    }
    expect(await states([ids[2]])).toEqual([{ state: 'verified', seq: 1 }]);
  });

  it('does not take the service at its word: a forged signature, root, leaf, path or row each fail here', async () => {
    const forge = async (edit: (data: ConsoleInteractionProofsQuery) => void) => (await states([ids[7]], edit))[0];
    const checkpoint = (data: ConsoleInteractionProofsQuery) => data.interactionProofs.checkpoints[0];
    const proof = (data: ConsoleInteractionProofsQuery) => data.interactionProofs.proofs[0];
    const flip = (hex: string) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);

    expect(await forge((d) => (checkpoint(d).signature = Buffer.alloc(64, 7).toString('base64')))).toMatchObject({
      state: 'mismatch',
      seq: 2,
      reason: "the signature of checkpoint #2 does not verify with the service's key",
    });
    // A root changed with its hash recomputed still lacks the signature.
    expect(
      await forge((d) => {
        checkpoint(d).merkleRoot = flip(checkpoint(d).merkleRoot);
        checkpoint(d).checkpointHash = createHash('sha256')
          .update(checkpointMessage(checkpoint(d)))
          .digest('hex');
      }),
    ).toMatchObject({
      state: 'mismatch',
      seq: 2,
      reason: "the signature of checkpoint #2 does not verify with the service's key",
    });
    expect(await forge((d) => (proof(d).leafHash = flip(proof(d).leafHash)))).toMatchObject({ state: 'mismatch' });
    expect(await forge((d) => (proof(d).path[0] = flip(proof(d).path[0])))).toMatchObject({
      state: 'mismatch',
      reason: 'the audit path does not lead to the signed root',
    });
    expect(await forge((d) => (proof(d).canonical = proof(d).canonical!.replace('"web-7"', '"web-x"')))).toMatchObject({
      state: 'mismatch',
    });
    expect(await forge((d) => (proof(d).matches = false))).toMatchObject({ state: 'mismatch' });
    // Another row's proof handed out for this one.
    const other = await proofsOf([ids[8]]);
    expect(await forge((d) => (proof(d).canonical = other.interactionProofs.proofs[0].canonical))).toMatchObject({
      state: 'mismatch',
      reason: 'the canonical text is of another interaction',
    });
    // Another key: the service's public key is not the one that signed.
    expect(await forge((d) => (d.integrityCheckpoints.publicKey = generateSigningKey().publicKeyPem))).toMatchObject({
      state: 'mismatch',
    });
  });

  it('says "off" when the service does not seal', async () => {
    expect(await states([ids[0]], (d) => (d.integrityCheckpoints.publicKey = null))).toEqual([{ state: 'off' }]);
  });
});
