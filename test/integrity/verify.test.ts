/**
 * Sealing and verification against the database (PGlite, and PostgreSQL with DATABASE_URL): an untouched log verifies
 * clean; each edit someone with database access could make is found and named; a checkpoint's root equals the root
 * recomputed here from the rows by a plain function of this file.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SqlExecutor } from '../../src/db/database';
import {
  checkpointHashOf,
  checkpointMessage,
  readCheckpoints,
  sealNextCheckpoint,
} from '../../src/integrity/checkpoint';
import { keyIdOf, loadOrCreateSigningKey, signMessage, type SigningKey } from '../../src/integrity/signing-key';
import { verifyLog, type VerifyReport } from '../../src/integrity/verify';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { insertInteraction, type InsertedInteraction } from '../helpers/factories';
import { sealEverything } from '../helpers/integrity';

let test: TestDatabase;
let dir: string;
let key: SigningKey;
const rows: InsertedInteraction[] = [];

beforeAll(async () => {
  test = await createTestDatabase();
  dir = await mkdtemp(path.join(os.tmpdir(), 'integrity-'));
  key = await loadOrCreateSigningKey(path.join(dir, 'integrity-key.pem'));
  for (let i = 0; i < 25; i += 1) {
    rows.push(
      await insertInteraction(test.db, {
        resourceId: `res-${i}`,
        interaction: { step: i, tags: ['a', 'b'], nested: { z: i, a: null } },
        userId: i % 3 === 0 ? null : `user-${i}`,
        interactionTimestamp: i % 2 === 0 ? new Date(Date.UTC(2026, 11, 1, 0, 0, i)) : null,
      }),
    );
  }
  // Three checkpoints of 10, 10 and 5 rows.
  expect((await sealEverything(test.db, key, 10)).map((c) => c.rowCount)).toEqual([10, 10, 5]);
});
afterAll(async () => {
  await test.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs `edit` and a verification in one transaction, then rolls both back: each case starts from the sealed log. */
async function verifyAfter(edit: (tx: SqlExecutor) => Promise<unknown>): Promise<VerifyReport> {
  let report: VerifyReport | undefined;
  await test.db
    .transaction(async (tx) => {
      await edit(tx);
      report = await verifyLog(tx, { key });
      throw new Error('roll back');
    })
    .catch((error: Error) => {
      if (error.message !== 'roll back') throw error;
    });
  return report!;
}

const kinds = (report: VerifyReport) => report.problems.map((problem) => [problem.kind, problem.interactionId]);

describe('checkpoints', () => {
  it('an untouched log verifies clean', async () => {
    const report = await verifyLog(test.db.sql, { key });
    expect(report).toMatchObject({ ok: true, checkpoints: 3, rows: 25, problems: [] });
  });

  it("a checkpoint's root is the RFC 6962 root of its rows in feed order, recomputed here", async () => {
    const sha256 = (...parts: (Buffer | string)[]) => {
      const hash = createHash('sha256');
      for (const part of parts) hash.update(part);
      return hash.digest();
    };
    const sorted = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(sorted)
        : value && typeof value === 'object'
          ? Object.fromEntries(
              Object.keys(value)
                .sort()
                .map((name) => [name, sorted((value as Record<string, unknown>)[name])]),
            )
          : value;
    const mth = (leaves: Buffer[]): Buffer => {
      if (leaves.length === 1) return leaves[0];
      let k = 1;
      while (k * 2 < leaves.length) k *= 2;
      return sha256(Buffer.from([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
    };
    const [second] = await readCheckpoints(test.db.sql, { from: 2, to: 2 });
    const stored = await test.db.sql.query<Record<string, unknown>>(
      `SELECT id, interaction_number, resource_id, resource_type_id, action_id, origin_id, interaction,
         external_reference, external_response, uow_id, user_id, created_date, interaction_timestamp
       FROM interactions ORDER BY feed_xid, interaction_number OFFSET 10 LIMIT 10`,
    );
    const leaves = stored.map((row) => {
      const time = (value: unknown) => (value === null ? null : new Date(value as Date).toISOString());
      const canonical = JSON.stringify(
        sorted({
          id: row.id,
          interactionNumber: Number(row.interaction_number),
          resourceId: row.resource_id,
          resourceTypeId: row.resource_type_id,
          actionId: row.action_id,
          originId: row.origin_id,
          interaction: row.interaction,
          externalReference: row.external_reference,
          externalResponse: row.external_response,
          uowId: row.uow_id,
          userId: row.user_id,
          createdDate: time(row.created_date),
          interactionTimestamp: time(row.interaction_timestamp),
        }),
      );
      return sha256(Buffer.from([0]), canonical);
    });
    expect(second.merkleRoot).toBe(mth(leaves).toString('hex'));
    expect(second.rowCount).toBe(10);
  });

  it('checkpoints chain, and a second sealer finds nothing left to seal', async () => {
    const checkpoints = await readCheckpoints(test.db.sql);
    expect(checkpoints.map((c) => c.seq)).toEqual([1, 2, 3]);
    expect(checkpoints[1].previousHash).toBe(checkpoints[0].checkpointHash);
    expect(checkpoints[2].after).toBe(checkpoints[1].through);
    expect(await sealNextCheckpoint(test.db, key, { maxRows: 10 })).toBeNull();
  });
});

describe('verification finds and names', () => {
  it("an UPDATE of one row's JSON", async () => {
    const target = rows[12];
    const report = await verifyAfter((tx) =>
      tx.query(`UPDATE interactions SET interaction = '{"step": 99}' WHERE id = $1`, [target.id]),
    );
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({
        kind: 'row-altered',
        checkpoint: 2,
        interactionId: target.id,
        fields: ['interaction'],
      }),
    ]);
  });

  it('an UPDATE of a lookup id', async () => {
    const target = rows[3];
    const report = await verifyAfter((tx) =>
      tx.query(`UPDATE interactions SET action_id = (SELECT id FROM actions WHERE mnemonic = 'DELETE') WHERE id = $1`, [
        target.id,
      ]),
    );
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'row-altered', checkpoint: 1, interactionId: target.id, fields: ['actionId'] }),
    ]);
  });

  it('a DELETE of one row', async () => {
    const target = rows[21];
    const report = await verifyAfter((tx) => tx.query(`DELETE FROM interactions WHERE id = $1`, [target.id]));
    expect(kinds(report)).toEqual([['row-missing', target.id]]);
    expect(report.problems[0].interactionNumber).toBe(target.interactionNumber);
  });

  it('an INSERT of a forged row with an old number, inside a sealed range', async () => {
    const original = rows[4];
    const forged = '0193a2b4-0000-7000-8000-00000000f0f0';
    const report = await verifyAfter((tx) =>
      tx.query(
        `INSERT INTO interactions (id, interaction_number, resource_id, resource_type_id, action_id, origin_id,
           interaction, uow_id, created_date, feed_xid)
         SELECT $1, interaction_number, resource_id, resource_type_id, action_id, origin_id, '{"forged": true}',
           uow_id, created_date + interval '1 millisecond', feed_xid
         FROM interactions WHERE id = $2`,
        [forged, original.id],
      ),
    );
    expect(kinds(report)).toEqual([['row-inserted', forged]]);
    expect(report.problems[0]).toMatchObject({ checkpoint: 1, interactionNumber: original.interactionNumber });
  });

  it("two rows' contents swapped", async () => {
    const [a, b] = [rows[14], rows[15]];
    const report = await verifyAfter(async (tx) => {
      await tx.query(
        `UPDATE interactions t SET resource_id = s.resource_id, interaction = s.interaction, user_id = s.user_id
         FROM (SELECT id, resource_id, interaction, user_id FROM interactions WHERE id IN ($1, $2)) s
         WHERE t.id IN ($1, $2) AND s.id <> t.id`,
        [a.id, b.id],
      );
    });
    expect(report.problems.map((p) => [p.kind, p.interactionId, p.fields])).toEqual([
      ['row-altered', a.id, ['resourceId', 'interaction', 'userId']],
      ['row-altered', b.id, ['resourceId', 'interaction', 'userId']],
    ]);
  });

  it('rows moved out of their sealed order', async () => {
    const [first] = await readCheckpoints(test.db.sql, { from: 1, to: 1 });
    const throughXid = first.through.split('-')[0];
    const moved = rows[0];
    const report = await verifyAfter((tx) =>
      tx.query(`UPDATE interactions SET feed_xid = $1::xid8 WHERE id = $2`, [throughXid, moved.id]),
    );
    expect(kinds(report)).toEqual([['rows-reordered', moved.id]]);
  });

  it('a checkpoint deleted', async () => {
    const report = await verifyAfter((tx) => tx.query(`DELETE FROM integrity_checkpoints WHERE seq = 2`));
    expect(report.problems.map((p) => [p.kind, p.checkpoint])).toEqual([['checkpoint-missing', 2]]);
  });

  it("a checkpoint's leaf block altered: a hash changed, an id swapped, cut short, or deleted", async () => {
    // Byte 32 is the second leaf's hash (leaf_hashes) and its id (ids); overlay writes in place.
    const hash = await verifyAfter((tx) =>
      tx.query(`UPDATE integrity_leaf_blocks SET leaf_hashes = overlay(leaf_hashes PLACING '\\x00ff'::bytea FROM 33)
        WHERE checkpoint_seq = 2`),
    );
    // The root no longer matches, and the row no longer matches its (altered) leaf.
    expect(hash.problems.map((p) => [p.kind, p.checkpoint, p.interactionId])).toEqual([
      ['leaves-altered', 2, null],
      ['row-altered', 2, rows[11].id],
    ]);
    // Another row's id in the block: that row reads as inserted, the one whose id was taken as missing.
    const swapped = await verifyAfter((tx) =>
      tx.query(
        `UPDATE integrity_leaf_blocks SET ids = overlay(ids PLACING uuid_send($1::uuid) FROM 17) WHERE checkpoint_seq = 1`,
        [rows[0].id],
      ),
    );
    expect(kinds(swapped).map(([kind]) => kind)).toEqual(expect.arrayContaining(['row-inserted', 'row-missing']));
    const cut = await verifyAfter((tx) =>
      tx.query(`UPDATE integrity_leaf_blocks SET numbers = substring(numbers FROM 1 FOR 40) WHERE checkpoint_seq = 1`),
    );
    expect(cut.problems.map((p) => [p.kind, p.checkpoint])).toContainEqual(['leaves-altered', 1]);
    const gone = await verifyAfter((tx) => tx.query(`DELETE FROM integrity_leaf_blocks WHERE checkpoint_seq = 3`));
    expect(gone.problems.map((p) => [p.kind, p.checkpoint])).toContainEqual(['leaves-altered', 3]);
  });

  it('a checkpoint deleted from the end, against a published copy', async () => {
    const published = await readCheckpoints(test.db.sql);
    let report: VerifyReport | undefined;
    await test.db
      .transaction(async (tx) => {
        await tx.query(`DELETE FROM integrity_checkpoints WHERE seq = 3`);
        report = await verifyLog(tx, { key, published });
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(report!.problems.map((p) => [p.kind, p.checkpoint])).toEqual([['checkpoint-missing', 3]]);
  });

  it('a checkpoint re-signed with another key after its rows were edited', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const attacker = { privateKey, keyId: keyIdOf(publicKey) };
    const report = await verifyAfter(async (tx) => {
      const [checkpoint] = await readCheckpoints(tx, { from: 3, to: 3 });
      const body = { ...checkpoint, keyId: attacker.keyId };
      await tx.query(
        `UPDATE integrity_checkpoints SET key_id = $1, checkpoint_hash = $2, signature = $3 WHERE seq = 3`,
        [attacker.keyId, checkpointHashOf(body), signMessage(attacker, checkpointMessage(body))],
      );
    });
    expect(report.problems.map((p) => [p.kind, p.checkpoint])).toEqual([['checkpoint-signature', 3]]);
    expect(report.problems[0].message).toContain(attacker.keyId);
  });

  it('a forged row with an old number written after the seal, once it is sealed', async () => {
    const original = rows[7];
    const forged = '0193a2b4-0000-7000-8000-00000000f0f1';
    await test.db.sql.query(
      `INSERT INTO interactions (id, interaction_number, resource_id, resource_type_id, action_id, origin_id, uow_id,
         created_date)
       SELECT $1, interaction_number, resource_id, resource_type_id, action_id, origin_id, uow_id,
         created_date + interval '1 millisecond'
       FROM interactions WHERE id = $2`,
      [forged, original.id],
    );
    expect(await sealEverything(test.db, key, 10)).toEqual([expect.objectContaining({ seq: 4, rowCount: 1 })]);
    const report = await verifyLog(test.db.sql, { key });
    expect(kinds(report)).toEqual([['row-inserted', forged]]);
    expect(report.problems[0].message).toContain('checkpoint #1');
  });
});
