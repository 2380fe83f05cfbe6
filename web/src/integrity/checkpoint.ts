import { canonicalJson } from './jcs';

/** Format name inside every signed checkpoint body (docs/integrity.md, "Checkpoints"). */
export const CHECKPOINT_FORMAT = 'interactions-checkpoint/1';

/** A checkpoint as the API answers it: its body without `format`, plus its hash and signature. */
export interface CheckpointFields {
  seq: number;
  after: string;
  through: string;
  rowCount: number;
  merkleRoot: string;
  previousHash: string;
  keyId: string;
  sealedAt: string;
  checkpointHash: string;
  signature: string;
}

/**
 * The signed message of a checkpoint: the JCS of its body, the nine members docs/integrity.md lists (the API's
 * `checkpointHash` and `signature` are not part of it), as UTF-8 text.
 */
export function checkpointMessage(checkpoint: CheckpointFields): string {
  const { seq, after, through, rowCount, merkleRoot, previousHash, keyId, sealedAt } = checkpoint;
  return canonicalJson({
    format: CHECKPOINT_FORMAT,
    seq,
    after,
    through,
    rowCount,
    merkleRoot,
    previousHash,
    keyId,
    sealedAt,
  });
}
