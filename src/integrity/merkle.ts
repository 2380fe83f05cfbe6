import { createHash } from 'node:crypto';

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

/** Largest power of two strictly below n (n ≥ 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** PATH(m, D[n]) of RFC 6962 2.1.1: the sibling hashes from the leaf up, over leaf hashes. */
export function inclusionPath(leaves: readonly Buffer[], index: number): Buffer[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) throw new RangeError('leaf index out of range');
  const path: Buffer[] = [];
  let start = 0;
  let end = leaves.length;
  let m = index;
  // Walk down from the root, keeping the sibling subtree of each step; the path lists them leaf-first.
  const siblings: Buffer[] = [];
  while (end - start > 1) {
    const k = split(end - start);
    if (m < k) {
      siblings.push(merkleRoot(leaves.slice(start + k, end)));
      end = start + k;
    } else {
      siblings.push(merkleRoot(leaves.slice(start, start + k)));
      start += k;
      m -= k;
    }
  }
  for (let i = siblings.length - 1; i >= 0; i -= 1) path.push(siblings[i]);
  return path;
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
