import { createHash } from 'node:crypto';
import { auditPaths, inclusionPath, merkleRoot, verifyInclusion } from '../../src/integrity/merkle';

const leaf = (i: number) => createHash('sha256').update(`leaf ${i}`).digest();

describe('auditPaths', () => {
  it('gives exactly the RFC 6962 path of inclusionPath for every leaf of trees of 1 to 40 leaves', () => {
    for (let size = 1; size <= 40; size += 1) {
      const leaves = Array.from({ length: size }, (_, i) => leaf(i));
      const indices = leaves.map((_, i) => i);
      const paths = auditPaths(leaves, indices);
      const root = merkleRoot(leaves);
      for (const i of indices) {
        expect({ size, i, path: paths.get(i)!.map((h) => h.toString('hex')) }).toEqual({
          size,
          i,
          path: inclusionPath(leaves, i).map((h) => h.toString('hex')),
        });
        expect(verifyInclusion(leaves[i], i, size, paths.get(i)!, root)).toBe(true);
      }
    }
  });

  it('refuses an index outside the tree', () => {
    expect(() => auditPaths([leaf(0)], [1])).toThrow(RangeError);
    expect(() => auditPaths([leaf(0)], [-1])).toThrow(RangeError);
  });
});
