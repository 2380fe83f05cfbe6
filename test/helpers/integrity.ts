import { generateKeyPairSync } from 'node:crypto';
import type { Database, SqlExecutor } from '../../src/db/database';
import { hasHeldBackRows } from '../../src/feed/feed.read';
import {
  checkpointHashOf,
  checkpointMessage,
  readCheckpoints,
  sealAll,
  type Checkpoint,
} from '../../src/integrity/checkpoint';
import { keyIdOf, signMessage, type SigningKey } from '../../src/integrity/signing-key';
import type { IntegrityProblemKind } from '../../src/integrity/verify';

/**
 * Seals every row written so far, split into checkpoints of `maxRows` exactly as if nothing else ran. On PostgreSQL the
 * feed's horizon is the whole server's oldest running transaction, so another test file's transaction can hold rows
 * back for a moment: wait until none is held, then seal.
 */
export async function sealEverything(db: Database, key: SigningKey, maxRows: number): Promise<Checkpoint[]> {
  const deadline = Date.now() + 30_000;
  while (await hasHeldBackRows(db)) {
    if (Date.now() > deadline) throw new Error('rows still held back by a running transaction after 30 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return sealAll(db, key, { maxRows });
}

/** A row of the sealed log a tamper edits. */
export interface SealedRow {
  id: string;
  interactionNumber: number;
}

/** One edit someone with database access (but not the signing key) could make, and what verification must report. */
export interface Tamper {
  name: string;
  apply(sql: SqlExecutor): Promise<unknown>;
  /** Every finding, in order: its kind and what it names. */
  expected: { kind: IntegrityProblemKind; interactionId?: string; checkpoint?: number; fields?: string[] }[];
}

/** The seven edits of issue 19's must-show list, over a log of at least 6 sealed rows in at least 2 checkpoints. */
export function tampers(rows: SealedRow[], latestCheckpoint: number): Tamper[] {
  const forged = '0193a2b4-0000-7000-8000-00000000f0f2';
  return [
    {
      name: "an UPDATE of one row's JSON",
      apply: (sql) => sql.query(`UPDATE interactions SET interaction = '{"edited": true}' WHERE id = $1`, [rows[1].id]),
      expected: [{ kind: 'row-altered', interactionId: rows[1].id, fields: ['interaction'] }],
    },
    {
      name: 'an UPDATE of a lookup id',
      apply: (sql) =>
        sql.query(
          `UPDATE interactions SET origin_id = (SELECT id FROM origins WHERE mnemonic = 'SYSTEM') WHERE id = $1`,
          [rows[2].id],
        ),
      expected: [{ kind: 'row-altered', interactionId: rows[2].id, fields: ['originId'] }],
    },
    {
      name: 'a DELETE of one row',
      apply: (sql) => sql.query(`DELETE FROM interactions WHERE id = $1`, [rows[5].id]),
      expected: [{ kind: 'row-missing', interactionId: rows[5].id }],
    },
    {
      name: 'an INSERT of a forged row with an old number',
      apply: (sql) =>
        sql.query(
          `INSERT INTO interactions (id, interaction_number, resource_id, resource_type_id, action_id, origin_id,
             interaction, uow_id, created_date, feed_xid)
           SELECT $1, interaction_number, resource_id, resource_type_id, action_id, origin_id, '{"forged": true}',
             uow_id, created_date + interval '1 millisecond', feed_xid
           FROM interactions WHERE id = $2`,
          [forged, rows[0].id],
        ),
      expected: [{ kind: 'row-inserted', interactionId: forged }],
    },
    {
      name: "two rows' contents swapped",
      apply: (sql) =>
        sql.query(
          `UPDATE interactions t SET resource_id = s.resource_id, interaction = s.interaction
           FROM (SELECT id, resource_id, interaction FROM interactions WHERE id IN ($1, $2)) s
           WHERE t.id IN ($1, $2) AND s.id <> t.id`,
          [rows[3].id, rows[4].id],
        ),
      expected: [
        { kind: 'row-altered', interactionId: rows[3].id, fields: ['resourceId', 'interaction'] },
        { kind: 'row-altered', interactionId: rows[4].id, fields: ['resourceId', 'interaction'] },
      ],
    },
    {
      name: 'a checkpoint deleted',
      apply: (sql) => sql.query(`DELETE FROM integrity_checkpoints WHERE seq = 1`),
      expected: [{ kind: 'checkpoint-missing', checkpoint: 1 }],
    },
    {
      name: 'a checkpoint re-signed with another key',
      apply: async (sql) => {
        const { privateKey, publicKey } = generateKeyPairSync('ed25519');
        const attacker = { privateKey, keyId: keyIdOf(publicKey) };
        const [checkpoint] = await readCheckpoints(sql, { from: latestCheckpoint, to: latestCheckpoint });
        const body = { ...checkpoint, keyId: attacker.keyId };
        await sql.query(
          `UPDATE integrity_checkpoints SET key_id = $1, checkpoint_hash = $2, signature = $3 WHERE seq = $4`,
          [attacker.keyId, checkpointHashOf(body), signMessage(attacker, checkpointMessage(body)), latestCheckpoint],
        );
      },
      expected: [{ kind: 'checkpoint-signature', checkpoint: latestCheckpoint }],
    },
  ];
}

/** Keeps a copy of the log and its checkpoints, so that `restoreLog` undoes any tamper (rows keep their positions). */
export async function snapshotLog(sql: SqlExecutor): Promise<void> {
  await sql.exec(`CREATE TABLE tamper_rows AS SELECT * FROM interactions;
    CREATE TABLE tamper_checkpoints AS SELECT * FROM integrity_checkpoints`);
}

/** Puts back what snapshotLog copied, and drops the copy. */
export async function restoreLog(sql: SqlExecutor): Promise<void> {
  await sql.exec(`DELETE FROM interactions; INSERT INTO interactions SELECT * FROM tamper_rows;
    DELETE FROM integrity_checkpoints; INSERT INTO integrity_checkpoints SELECT * FROM tamper_checkpoints;
    DROP TABLE tamper_rows; DROP TABLE tamper_checkpoints`);
}

/** The findings of a report in the shape of Tamper.expected (only the keys the expectation names). */
export function findings(
  problems: { kind: string; interactionId: string | null; checkpoint: number; fields: string[] }[],
  expected: Tamper['expected'],
) {
  return problems.map((problem, i) => {
    const want = expected[i] ?? {};
    return {
      kind: problem.kind,
      ...('interactionId' in want ? { interactionId: problem.interactionId } : {}),
      ...('checkpoint' in want ? { checkpoint: problem.checkpoint } : {}),
      ...('fields' in want ? { fields: problem.fields } : {}),
    };
  });
}

/** The names of the tampers, for `it.each` (known before any row exists). */
export const TAMPER_NAMES = tampers(Array(6).fill({ id: '', interactionNumber: 0 }) as SealedRow[], 1).map((tamper) => [
  tamper.name,
]);
