// A worker thread of a backlog seal (seal-digest-pool.ts): digests a slice of a range's row texts (sealed-rows.ts)
// and answers with its leaf block, the buffers transferred. Run from dist/, never from the TypeScript sources.
import { parentPort } from 'node:worker_threads';
import { digestRowTexts } from './sealed-rows';
import type { DigestedSlice } from './seal-digest-pool';

parentPort!.on('message', ({ job, texts }: { job: number; texts: (string | null)[] }) => {
  digestRowTexts(texts.map((t) => ({ t }))).then(
    (range) => {
      if (!range) {
        parentPort!.postMessage({ job, slice: null });
        return;
      }
      // Copies that own their memory (a small Buffer lives in a shared pool), so that transferring moves nothing else.
      const block = Object.fromEntries(
        Object.entries(range.block).map(([name, bytes]) => [name, new Uint8Array(bytes as Buffer)]),
      ) as DigestedSlice['block'];
      const slice: DigestedSlice = {
        rowCount: range.rowCount,
        xid: range.through.xid,
        number: range.through.number,
        block,
      };
      parentPort!.postMessage(
        { job, slice },
        Object.values(block).map((bytes) => bytes.buffer as ArrayBuffer),
      );
    },
    (error: unknown) => parentPort!.postMessage({ job, error: (error as Error).message ?? String(error) }),
  );
});
