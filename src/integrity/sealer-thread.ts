import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Database, OpenDatabaseOptions } from '../db/database';
import type { Checkpoint } from './checkpoint';
import { startSealer, type SealerOptions } from './sealer';
import type { SigningKey } from './signing-key';

/** What the sealer's thread is started with. */
export interface SealerThreadData {
  /** Its own connections, configured as the service's (a pool of 2). */
  database: Omit<Extract<OpenDatabaseOptions, { kind: 'postgres' }>, 'kind' | 'onAvailabilityChange'>;
  privateKeyPem: string;
  options: Omit<SealerOptions, 'log' | 'onSealed'>;
  logLevel: string;
}

/**
 * The nice value of the sealer's thread: the lowest priority, so that the kernel gives it what requests leave idle
 * and a write never waits for a seal (docs/integrity.md); CHECKPOINT_CPU_SHARE still caps its share when idle time
 * abounds. Raising a nice value needs no privilege.
 */
export const SEALER_THREAD_NICE = 19;

/** The compiled worker beside this file (dist/); absent when running from the TypeScript sources. */
const WORKER_FILE = path.join(__dirname, 'sealer.worker.js');

/**
 * Starts the sealer (startSealer) on a worker thread with its own connections when the database is PostgreSQL and
 * the service runs compiled; otherwise (PGlite, one connection in this process; or the sources through ts-node) on
 * this thread. Same options, same `stop`. A single-create load keeps the request thread busy: sealing there took
 * its CPU share from the requests (0.85× single creates while sealing), on a thread of its own it takes a core's
 * idle time instead (docs/integrity.md).
 */
export function startSealerThread(
  db: Database,
  key: SigningKey,
  options: SealerOptions & { database: SealerThreadData['database'] | null; logLevel: string },
): { stop(): Promise<void> } {
  const { database, logLevel, log, onSealed, ...rest } = options;
  if (!database || !__filename.endsWith('.js') || !existsSync(WORKER_FILE)) {
    return startSealer(db, key, { ...rest, log, onSealed });
  }
  const data: SealerThreadData = {
    database,
    privateKeyPem: key.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    options: rest,
    logLevel,
  };
  const worker = new Worker(WORKER_FILE, { workerData: data });
  let stopped: Promise<void> | null = null;
  let exited = false;
  const exit = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('message', (message: unknown) => {
    if (message && typeof message === 'object' && 'sealed' in message) onSealed?.(message.sealed as Checkpoint);
  });
  worker.on('error', (error) => log.error({ err: error }, 'the sealer thread failed: no checkpoints until a restart'));
  worker.once('exit', (code) => {
    exited = true;
    if (!stopped) log.error({ code }, 'the sealer thread stopped: no checkpoints until a restart');
  });
  return {
    stop() {
      stopped ??= (async () => {
        if (exited) return;
        const done = new Promise<void>((resolve) => {
          worker.on('message', (message: unknown) => {
            if (message === 'stopped') resolve();
          });
        });
        worker.postMessage('stop');
        await Promise.race([done, exit]);
        await worker.terminate();
      })();
      return stopped;
    },
  };
}
