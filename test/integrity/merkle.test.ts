/**
 * The Merkle tree of src/integrity/merkle.ts against RFC 6962's definition written out plainly here (recursive MTH
 * and PATH, straight from section 2.1), for every size up to 70 and every leaf: roots agree, every audit path
 * verifies, and a path fails for the wrong leaf, index, size or root.
 */
import { createHash } from 'node:crypto';
import { EMPTY_ROOT, inclusionPath, leafHash, merkleRoot, verifyInclusion } from '../../src/integrity/merkle';

const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

/** MTH(D[n]) of RFC 6962 2.1, over the leaf data itself. */
function mth(data: Buffer[]): Buffer {
  if (data.length === 0) return sha256();
  if (data.length === 1) return sha256(Buffer.from([0]), data[0]);
  let k = 1;
  while (k * 2 < data.length) k *= 2;
  return sha256(Buffer.from([1]), mth(data.slice(0, k)), mth(data.slice(k)));
}

/** PATH(m, D[n]) of RFC 6962 2.1.1. */
function path(m: number, data: Buffer[]): Buffer[] {
  if (data.length <= 1) return [];
  let k = 1;
  while (k * 2 < data.length) k *= 2;
  return m < k
    ? [...path(m, data.slice(0, k)), mth(data.slice(k))]
    : [...path(m - k, data.slice(k)), mth(data.slice(0, k))];
}

const leafData = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`leaf ${i}`));

describe('RFC 6962 Merkle tree', () => {
  it('the empty tree is SHA-256 of nothing', () => {
    expect(merkleRoot([]).equals(EMPTY_ROOT)).toBe(true);
    expect(EMPTY_ROOT.toString('hex')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('roots and audit paths equal the RFC definitions for every size up to 70 and every leaf', () => {
    for (let n = 1; n <= 70; n += 1) {
      const data = leafData(n);
      const leaves = data.map(leafHash);
      const root = merkleRoot(leaves);
      expect(root.toString('hex')).toBe(mth(data).toString('hex'));
      for (let m = 0; m < n; m += 1) {
        const proof = inclusionPath(leaves, m);
        expect(proof.map((p) => p.toString('hex'))).toEqual(path(m, data).map((p) => p.toString('hex')));
        expect(verifyInclusion(leaves[m], m, n, proof, root)).toBe(true);
      }
    }
  });

  it('a path proves nothing for another leaf, index, size or root', () => {
    const leaves = leafData(13).map(leafHash);
    const root = merkleRoot(leaves);
    const proof = inclusionPath(leaves, 5);
    expect(verifyInclusion(leaves[6], 5, 13, proof, root)).toBe(false);
    expect(verifyInclusion(leaves[5], 4, 13, proof, root)).toBe(false);
    expect(verifyInclusion(leaves[5], 5, 7, proof, root)).toBe(false);
    expect(verifyInclusion(leaves[5], 5, 13, proof, merkleRoot(leaves.slice(1)))).toBe(false);
    expect(verifyInclusion(leaves[5], 5, 13, proof.slice(1), root)).toBe(false);
    expect(verifyInclusion(leaves[5], 13, 13, proof, root)).toBe(false);
    expect(() => inclusionPath(leaves, 13)).toThrow(RangeError);
  });
});
