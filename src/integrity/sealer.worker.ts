// The sealer on a worker thread of its own (sealer-thread.ts): its own PostgreSQL connections, its own event loop,
// so that reading, hashing and writing checkpoints never takes the request thread's time. Run from dist/, never from
// the TypeScript sources.
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/database';
import { createLogger } from '../observability/logger';
import { startSealer } from './sealer';
import { signingKeyFromPrivatePem } from './signing-key';
import { SEALER_THREAD_NICE, type SealerThreadData } from './sealer-thread';

async function main() {
  const { database, privateKeyPem, options, logLevel } = workerData as SealerThreadData;
  const log = createLogger({ level: logLevel }).child({ thread: 'sealer' });
  // Linux keeps a nice value per thread: setpriority(2) with pid 0 lowers this thread's priority only.
  try {
    os.setPriority(0, SEALER_THREAD_NICE);
  } catch (error) {
    log.warn({ err: error }, 'the sealer thread keeps the service priority');
  }
  const db = await openDatabase({ kind: 'postgres', ...database });
  const sealer = startSealer(db, signingKeyFromPrivatePem(privateKeyPem), {
    ...options,
    log,
    onSealed: (checkpoint) => parentPort!.postMessage({ sealed: checkpoint }),
  });
  parentPort!.on('message', (message: unknown) => {
    if (message !== 'stop') return;
    void sealer
      .stop()
      .then(() => db.close())
      .finally(() => parentPort!.postMessage('stopped'));
  });
  parentPort!.postMessage('started');
}

main().catch((error: unknown) => {
  // Thrown out of the thread: the main thread logs it (the Worker's 'error' event).
  setImmediate(() => {
    throw error;
  });
});
