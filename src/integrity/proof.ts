import type { Database } from '../db/database';
import { AppError } from '../errors/app-error';
import { INTERACTION_COLUMNS, type InteractionRecord } from '../interactions/interaction.model';
import { canonicalJson, canonicalRowBytes, canonicalValues } from './canonical';
import { readCheckpoints, type Checkpoint } from './checkpoint';
import { inclusionPath, leafHash } from './merkle';

/** An inclusion proof of one interaction in its checkpoint (RFC 6962 audit path), with the row as stored now. */
export interface InteractionProof {
  interactionId: string;
  checkpoint: Checkpoint;
  leafIndex: number;
  treeSize: number;
  /** The sealed leaf hash, hex. */
  leafHash: string;
  /** Sibling hashes from the leaf up, hex. */
  path: string[];
  /** The row's canonical JSON as it is stored now: its leaf hash is SHA-256(0x00 || UTF-8 of it). */
  canonical: string | null;
  /** Whether the row as stored now hashes to the sealed leaf (false: altered since; canonical null: gone). */
  matches: boolean;
}

/**
 * The proof that interaction `id` is in the checkpoint that sealed it. NOT_FOUND when no such interaction was sealed
 * (unknown, or written after the latest checkpoint).
 */
export async function proveInteraction(db: Database, id: string): Promise<InteractionProof> {
  const [leaf] = await db.sql.query<{ seq: string; leafIndex: number }>(
    `SELECT checkpoint_seq::text AS seq, leaf_index AS "leafIndex" FROM integrity_leaves WHERE interaction_id = $1
     ORDER BY checkpoint_seq LIMIT 1`,
    [id],
  );
  if (!leaf)
    throw new AppError('NOT_FOUND', `Interaction ${id} is not sealed in a checkpoint (unknown, or too recent)`);
  const seq = Number(leaf.seq);
  const [checkpoint] = await readCheckpoints(db.sql, { from: seq, to: seq });
  if (!checkpoint) throw new AppError('NOT_FOUND', `Checkpoint #${seq} of interaction ${id} is missing`);
  const leaves = await db.sql.query<{ hash: Buffer | Uint8Array }>(
    `SELECT leaf_hash AS hash FROM integrity_leaves WHERE checkpoint_seq = $1 ORDER BY leaf_index`,
    [seq],
  );
  const hashes = leaves.map((row) => Buffer.from(row.hash));
  const [row] = await db.sql.query<InteractionRecord>(`SELECT ${INTERACTION_COLUMNS} FROM interactions WHERE id = $1`, [
    id,
  ]);
  const sealed = hashes[leaf.leafIndex];
  return {
    interactionId: id,
    checkpoint,
    leafIndex: leaf.leafIndex,
    treeSize: hashes.length,
    leafHash: sealed.toString('hex'),
    path: inclusionPath(hashes, leaf.leafIndex).map((hash) => hash.toString('hex')),
    canonical: row ? canonicalJson(canonicalValues(row)) : null,
    matches: row ? leafHash(canonicalRowBytes(row)).equals(sealed) : false,
  };
}
