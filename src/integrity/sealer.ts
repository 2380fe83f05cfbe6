import type { Logger } from 'pino';
import type { Database } from '../db/database';
import { FEED_START } from '../feed/feed.position';
import { countFinalEventsAfter } from '../feed/feed.read';
import {
  SigningKeyMismatchError,
  positionOfCursor,
  readLatestCheckpoint,
  sealAll,
  type Checkpoint,
} from './checkpoint';
import type { SigningKey } from './signing-key';

export interface SealerOptions {
  /** CHECKPOINT_SECONDS: how often a seal is due (sooner with CHECKPOINT_ROWS waiting). */
  intervalSeconds: number;
  /** CHECKPOINT_ROWS: rows per checkpoint at most; as many waiting seal at the next look. */
  maxRows: number;
  /**
   * CHECKPOINT_CPU_SHARE: after each checkpoint of a backlog the sealer pauses so that sealing takes at most this
   * share of the time (1: no pause). Sealing costs CPU per row much as writing does: on a busy machine a larger share
   * slows writes.
   */
  cpuShare: number;
  log: Logger;
  /** Told of every checkpoint sealed. */
  onSealed?: (checkpoint: Checkpoint) => void;
}

/** Seconds between looks for CHECKPOINT_ROWS waiting rows. */
const LOOK_SECONDS = 5;

/**
 * Seals checkpoints in the background: every `intervalSeconds`, and sooner when `maxRows` final rows wait. Instances
 * take turns through the advisory lock of sealNextCheckpoint; a failed seal is logged and tried again at the next
 * look. `stop` waits for a seal under way.
 */
export function startSealer(db: Database, key: SigningKey, options: SealerOptions) {
  const { intervalSeconds, maxRows, log } = options;
  let lastSeal = 0;
  let running: Promise<void> | null = null;
  let stopped = false;
  // The same failure is logged once, not every few seconds, until a seal succeeds again.
  let lastFailure: string | null = null;

  const rowsWaiting = async () => {
    const latest = await readLatestCheckpoint(db.sql);
    const after = latest ? positionOfCursor(latest.through) : FEED_START;
    return countFinalEventsAfter(db.sql, after, maxRows);
  };

  // A pause between checkpoints that stop() can cut short.
  let wake: (() => void) | null = null;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wake = null;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = null;
        resolve();
      };
    });

  const look = async () => {
    const due = Date.now() - lastSeal >= intervalSeconds * 1000;
    if (!due && (await rowsWaiting()) < maxRows) return;
    lastSeal = Date.now();
    for (;;) {
      const started = Date.now();
      const [checkpoint] = await sealAll(db, key, { maxRows, limit: 1 });
      lastFailure = null;
      if (!checkpoint) return;
      options.onSealed?.(checkpoint);
      log.info(
        { seq: checkpoint.seq, rows: checkpoint.rowCount, through: checkpoint.through },
        'integrity checkpoint sealed',
      );
      if (checkpoint.rowCount < maxRows || stopped) return;
      // A backlog: seal on, keeping to the CPU share.
      const took = Date.now() - started;
      if (options.cpuShare < 1) await pause((took * (1 - options.cpuShare)) / options.cpuShare);
      if (stopped) return;
    }
  };

  const timer = setInterval(
    () => {
      if (running || stopped) return;
      running = look()
        .catch((error: Error) => {
          if (error.message === lastFailure) return;
          lastFailure = error.message;
          const level = error instanceof SigningKeyMismatchError ? 'error' : 'warn';
          log[level]({ err: error }, 'integrity checkpoint failed: tried again at the next look');
        })
        .finally(() => {
          running = null;
        });
    },
    Math.min(LOOK_SECONDS, intervalSeconds) * 1000,
  );
  timer.unref();

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      wake?.();
      await running;
    },
  };
}
