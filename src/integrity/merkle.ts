import crypto, { createHash } from 'node:crypto';

/**
 * The Merkle tree hash of RFC 6962 (Certificate Transparency, section 2.1; RFC 9162 section 2.1 keeps it): SHA-256,
 * leaves prefixed with 0x00, interior nodes with 0x01, the left subtree of n leaves holding the largest power of two
 * below n. Its audit paths (inclusion proofs) and their verification, as RFC 9162 section 2.1.3 gives them.
 */

const LEAF_PREFIX = Buffer.from([0]);
const NODE_PREFIX = Buffer.from([1]);

/** MTH({d}) = SHA-256(0x00 || d). */
export function leafHash(data: Buffer): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

// One-shot SHA-256 (node:crypto `hash`, Node 20.12 and later): a third of the cost of a Hash object per row. Asked
// for a latin1 string (one char a byte) rather than a Buffer, it costs half again: a Buffer of its own per digest
// is most of the cost (the sealer writes the 32 chars into one buffer of all the leaves instead).
interface OneShot {
  (algorithm: string, data: string | Buffer, encoding: 'buffer'): Buffer;
  (algorithm: string, data: string | Buffer, encoding: 'latin1'): string;
}
const oneShot = (crypto as unknown as { hash?: OneShot }).hash;

/** leafHash of a text's UTF-8 bytes, without copying them into a Buffer first (U+0000 is the byte 0x00 in UTF-8). */
export function leafHashOfText(text: string): Buffer {
  if (oneShot) return oneShot('sha256', `\u0000${text}`, 'buffer');
  return createHash('sha256').update(LEAF_PREFIX).update(text, 'utf8').digest();
}

/**
 * leafHashOfText of a text given with its leading U+0000 already in place (one flat string: no copy to prefix it),
 * written into `target` at `offset` (32 bytes).
 */
export function writeLeafHashOfTaggedText(tagged: string, target: Buffer, offset: number): void {
  if (oneShot) target.write(oneShot('sha256', tagged, 'latin1'), offset, 32, 'latin1');
  else createHash('sha256').update(tagged, 'utf8').digest().copy(target, offset);
}

/** SHA-256(0x01 || left || right). */
export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** MTH of the empty list: SHA-256 of nothing. */
export const EMPTY_ROOT = createHash('sha256').digest();

/**
 * The root over leaf hashes (already `leafHash`ed), level by level: adjacent nodes pair up left to right and a last
 * unpaired node moves up as it is. That builds exactly RFC 6962's left-balanced tree, in O(n) hashes.
 */
export function merkleRoot(leaves: readonly Buffer[]): Buffer {
  if (leaves.length === 0) return EMPTY_ROOT;
  let level = leaves.slice();
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i], level[i + 1]));
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  return level[0];
}

/**
 * merkleRoot over leaf hashes packed 32 bytes each in one buffer (the sealer's): the same level-by-level pairing, each
 * level written over the one below in place, one scratch buffer for the 0x01 ‖ left ‖ right input, no Buffer per node.
 */
export function merkleRootOfPacked(packed: Buffer): Buffer {
  let count = packed.length / 32;
  if (!Number.isInteger(count)) throw new RangeError('packed leaf hashes must be 32 bytes each');
  if (count === 0) return EMPTY_ROOT;
  if (!oneShot) {
    const leaves: Buffer[] = [];
    for (let i = 0; i < count; i += 1) leaves.push(packed.subarray(i * 32, i * 32 + 32));
    return merkleRoot(leaves);
  }
  const level = Buffer.from(packed);
  const input = Buffer.alloc(65);
  input[0] = 1;
  while (count > 1) {
    const pairs = count >> 1;
    for (let i = 0; i < pairs; i += 1) {
      level.copy(input, 1, i * 64, i * 64 + 64);
      level.write(oneShot('sha256', input, 'latin1'), i * 32, 32, 'latin1');
    }
    // A last unpaired node moves up as it is.
    if (count % 2 === 1) level.copy(level, pairs * 32, (count - 1) * 32, count * 32);
    count = pairs + (count % 2);
  }
  return Buffer.from(level.subarray(0, 32));
}

/**
 * The RFC 6962 audit paths of several leaves of one tree, from one pass over it: the tree is built level by level as
 * merkleRoot builds it (adjacent nodes pair up, a last unpaired node moves up as it is), and a leaf's path is its
 * sibling at each level where it has one. O(n) hashes for the tree, O(log n) per path: a page of 100 proofs in a
 * checkpoint of 10,000 rows builds the tree once.
 */
export function auditPaths(leaves: readonly Buffer[], indices: readonly number[]): Map<number, Buffer[]> {
  for (const index of indices) {
    if (!Number.isInteger(index) || index < 0 || index >= leaves.length)
      throw new RangeError('leaf index out of range');
  }
  const levels: Buffer[][] = [leaves.slice()];
  for (let level = levels[0]; level.length > 1;) {
    const next: Buffer[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i], level[i + 1]));
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    levels.push(next);
    level = next;
  }
  const paths = new Map<number, Buffer[]>();
  for (const index of indices) {
    const path: Buffer[] = [];
    let i = index;
    for (const level of levels.slice(0, -1)) {
      const sibling = i ^ 1;
      // No sibling: the node is the last of an odd level and moves up unchanged, adding nothing to the path.
      if (sibling < level.length) path.push(level[sibling]);
      i >>= 1;
    }
    paths.set(index, path);
  }
  return paths;
}

/** PATH(m, D[n]) of RFC 6962 2.1.1 over leaf hashes: the sibling hashes from the leaf up (auditPaths of one leaf). */
export function inclusionPath(leaves: readonly Buffer[], index: number): Buffer[] {
  return auditPaths(leaves, [index]).get(index)!;
}

/** RFC 9162 2.1.3.2: true when `path` proves the leaf hash at `index` of a tree of `size` leaves under `root`. */
export function verifyInclusion(leaf: Buffer, index: number, size: number, path: readonly Buffer[], root: Buffer) {
  if (!Number.isInteger(index) || !Number.isInteger(size) || index < 0 || index >= size) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && r.equals(root);
}
