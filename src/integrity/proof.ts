import type { Database } from '../db/database';
import { AppError } from '../errors/app-error';
import { INTERACTION_COLUMNS, type InteractionRecord } from '../interactions/interaction.model';
import { canonicalRowBytes } from './canonical';
import { readCheckpoints, type Checkpoint } from './checkpoint';
import {
  leafHashesOf,
  readLeafIdsAndHashes,
  readRowCheckpoints,
  sealedLeavesOf,
  seqsOf,
  type RowCheckpoint,
} from './leaf-blocks';
import { auditPaths, leafHash } from './merkle';

/** Most interactions one `interactionProofs` call proves: a page of the console's list. */
export const MAX_PROOF_IDS = 100;

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

/** The proofs of several interactions, and what became of those without one. */
export interface InteractionProofSet {
  /** One per sealed interaction, in the order asked. */
  proofs: InteractionProof[];
  /** Interactions no checkpoint seals: unknown, or written after the latest checkpoint. */
  unsealed: string[];
  /** Interactions whose leaf names a checkpoint that is no longer in the database (verify: checkpoint-missing). */
  orphaned: string[];
  /** The checkpoints of the proofs, each once, by seq. */
  checkpoints: Checkpoint[];
}

/** Sorted numbers as runs of consecutive ones: [1, 2, 3, 7] → [[1, 3], [7, 7]]. */
function runsOf(sorted: readonly number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const n of sorted) {
    const last = runs[runs.length - 1];
    if (last && n === last[1] + 1) last[1] = n;
    else runs.push([n, n]);
  }
  return runs;
}

/**
 * The proofs that interactions `ids` (lower-case UUIDs, at most MAX_PROOF_IDS) are in the checkpoints that sealed
 * them. Three reads whatever the count (the checkpoints: one per run of consecutive numbers, usually one): the rows
 * as stored now, each with the checkpoint its feed position falls in; those checkpoints' leaf ids and hashes (each
 * tree built once); and the checkpoints.
 */
export async function proveInteractions(db: Database, ids: readonly string[]): Promise<InteractionProofSet> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return { proofs: [], unsealed: [], orphaned: [], checkpoints: [] };
  const rows = await readRowCheckpoints<RowCheckpoint & InteractionRecord>(db.sql, wanted, INTERACTION_COLUMNS);
  const rowSeqs = seqsOf(rows);
  const [blocks, checkpoints] = await Promise.all([
    readLeafIdsAndHashes(db.sql, rowSeqs),
    Promise.all(
      runsOf([...rowSeqs].sort((a, b) => a - b)).map(([from, to]) => readCheckpoints(db.sql, { from, to })),
    ).then((runs) => runs.flat()),
  ]);
  const located = sealedLeavesOf(rows, blocks);
  const leafOf = located.leaves;
  const hashesOf = new Map([...blocks].map(([seq, block]) => [seq, leafHashesOf(block)]));
  const bySeq = new Map(checkpoints.map((checkpoint) => [checkpoint.seq, checkpoint]));
  // A leaf beyond its block's hashes (a block altered) has no proof: its checkpoint reads as gone.
  for (const [id, leaf] of leafOf) {
    if (leaf.index >= (hashesOf.get(leaf.seq)?.length ?? 0)) {
      leafOf.delete(id);
      located.orphaned.add(id);
    }
  }
  const rowOf = new Map(rows.map((row) => [row.id.toLowerCase(), row]));
  const pathsOf = new Map(
    [...hashesOf].map(([seq, hashes]) => [
      seq,
      auditPaths(
        hashes,
        [...leafOf.values()].filter((leaf) => leaf.seq === seq).map((leaf) => leaf.index),
      ),
    ]),
  );

  const set: InteractionProofSet = { proofs: [], unsealed: [], orphaned: [], checkpoints: [] };
  for (const id of wanted) {
    const leaf = leafOf.get(id);
    if (!leaf) {
      (located.orphaned.has(id) ? set.orphaned : set.unsealed).push(id);
      continue;
    }
    const checkpoint = bySeq.get(leaf.seq);
    const hashes = hashesOf.get(leaf.seq);
    if (!checkpoint || !hashes) {
      set.orphaned.push(id);
      continue;
    }
    const sealed = hashes[leaf.index];
    const row = rowOf.get(id);
    // Serialised once: the text answered is the one hashed.
    const bytes = row ? canonicalRowBytes(row) : null;
    set.proofs.push({
      interactionId: id,
      checkpoint,
      leafIndex: leaf.index,
      treeSize: hashes.length,
      leafHash: sealed.toString('hex'),
      path: pathsOf
        .get(leaf.seq)!
        .get(leaf.index)!
        .map((hash) => hash.toString('hex')),
      canonical: bytes ? bytes.toString('utf8') : null,
      matches: bytes ? leafHash(bytes).equals(sealed) : false,
    });
  }
  set.checkpoints = checkpoints.filter((checkpoint) => set.proofs.some((proof) => proof.checkpoint === checkpoint));
  return set;
}

/**
 * The proof that interaction `id` is in the checkpoint that sealed it. NOT_FOUND when no such interaction was sealed
 * (unknown, or written after the latest checkpoint), or when its checkpoint is gone.
 */
export async function proveInteraction(db: Database, id: string): Promise<InteractionProof> {
  const { proofs, orphaned } = await proveInteractions(db, [id]);
  if (orphaned.length > 0) throw new AppError('NOT_FOUND', `The checkpoint of interaction ${id} is missing`);
  if (proofs.length === 0) {
    throw new AppError('NOT_FOUND', `Interaction ${id} is not sealed in a checkpoint (unknown, or too recent)`);
  }
  return proofs[0];
}
