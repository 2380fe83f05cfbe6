// A worker thread of the offline verifier (verify-files.ts): digests batches of whole lines, each answered with its
// columns (digest-lines.ts, DigestBatch), the hashes' buffers transferred. Run from dist/ (the verifier's bin), never
// from the TypeScript sources.
import { parentPort } from 'node:worker_threads';
import { digestBatch } from './digest-lines';

parentPort!.on('message', ({ batch, bytes }: { batch: number; bytes: Uint8Array }) => {
  const digested = digestBatch(bytes);
  // Copies that own their memory, so that transferring them moves nothing else.
  const leaves = new Uint8Array(digested.leaves);
  const hints = new Uint8Array(digested.hints);
  parentPort!.postMessage({ batch, digested: { ...digested, leaves, hints } }, [leaves.buffer, hints.buffer]);
});
