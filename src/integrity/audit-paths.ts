import { nodeHash } from './merkle';

/**
 * The RFC 6962 audit paths of several leaves of one tree, from one pass over it: the tree is built level by level as
 * merkleRoot builds it (adjacent nodes pair up, a last unpaired node moves up as it is), and a leaf's path is its
 * sibling at each level where it has one. O(n) hashes for the tree, O(log n) per path: a page of 100 proofs in a
 * checkpoint of 10,000 rows does not rebuild the tree 100 times (inclusionPath would).
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
