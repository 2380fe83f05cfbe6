import { HttpClient, InteractionsError, newIdempotencyKey } from './http';
import type { LoggedInteraction } from './types';

export interface LoggerOptions {
  /** Interactions per request (default 500; the batch route takes at most 1,000). */
  maxBatchSize?: number;
  /** Buffered interactions are sent at least this often, in ms (default 1,000). */
  flushIntervalMs?: number;
  /**
   * Most interactions held at once, buffered plus in flight (default 10,000): memory stays bounded. When full,
   * `log()` waits for room (backpressure) or, with `whenFull: 'reject'`, rejects with BUFFER_FULL. Never drops.
   */
  maxBuffered?: number;
  whenFull?: 'wait' | 'reject';
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /**
   * `batch`: POST /api/interactions/batch; `single`: POST /api/interactions per interaction; `auto` (default):
   * batch, switching to single creates for good when the service has no batch route (404).
   */
  mode?: 'auto' | 'batch' | 'single';
  /** Called with the error and the interactions it lost, after retries; `flush()` and `close()` reject too. */
  onError?: (error: Error, interactions: LoggedInteraction[]) => void;
}

interface Entry {
  item: LoggedInteraction;
  /** Idempotency key made at log time, so every retry of this interaction carries the same one. */
  key: string;
}

/** Counters of a logger, for tests and metrics. */
export interface LoggerStats {
  logged: number;
  delivered: number;
  failed: number;
  /** Highest number of interactions held at once (buffered + in flight); never above maxBuffered. */
  maxHeld: number;
}

/**
 * Buffers interactions and records them in the background: a request when `maxBatchSize` are waiting or every
 * `flushIntervalMs`, at most `concurrency` at a time. Each batch (or single create) carries an Idempotency-Key
 * fixed before its first attempt, so the client's retries on 429/503/network errors never duplicate.
 */
export class InteractionLogger {
  readonly stats: LoggerStats = { logged: 0, delivered: 0, failed: 0, maxHeld: 0 };
  private readonly options: Required<Omit<LoggerOptions, 'onError'>> & Pick<LoggerOptions, 'onError'>;
  private buffer: Entry[] = [];
  private inFlight = 0;
  private readonly active = new Set<Promise<void>>();
  private waiters: (() => void)[] = [];
  private errors: Error[] = [];
  private draining = false;
  private closed = false;
  private mode: 'auto' | 'batch' | 'single';
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly http: HttpClient,
    options: LoggerOptions = {},
  ) {
    this.options = {
      maxBatchSize: Math.min(1000, Math.max(1, options.maxBatchSize ?? 500)),
      flushIntervalMs: options.flushIntervalMs ?? 1000,
      maxBuffered: Math.max(1, options.maxBuffered ?? 10_000),
      whenFull: options.whenFull ?? 'wait',
      concurrency: Math.max(1, options.concurrency ?? 4),
      mode: options.mode ?? 'auto',
      onError: options.onError,
    };
    this.mode = this.options.mode;
    this.timer = setInterval(() => {
      if (this.buffer.length > 0) {
        this.draining = true;
        this.pump();
      }
    }, this.options.flushIntervalMs);
    this.timer.unref();
  }

  /** Interactions buffered or in flight. */
  get held(): number {
    return this.buffer.length + this.inFlight;
  }

  /**
   * Accepts an interaction for delivery. Resolves once it is buffered (not yet delivered); waits while the buffer
   * is full, or rejects with BUFFER_FULL under `whenFull: 'reject'`; rejects after `close()`.
   */
  async log(item: LoggedInteraction): Promise<void> {
    while (this.held >= this.options.maxBuffered) {
      if (this.closed) break;
      if (this.options.whenFull === 'reject') {
        throw new InteractionsError(
          0,
          'BUFFER_FULL',
          `The logger holds ${this.held} interactions (maxBuffered); try again later`,
        );
      }
      this.draining = true;
      this.pump();
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (this.closed) throw new InteractionsError(0, 'LOGGER_CLOSED', 'The logger is closed');
    this.buffer.push({ item, key: newIdempotencyKey() });
    this.stats.logged++;
    this.stats.maxHeld = Math.max(this.stats.maxHeld, this.held);
    if (this.buffer.length >= this.options.maxBatchSize) this.pump();
  }

  /** Sends everything buffered and waits for it; rejects when any interaction was lost since the last flush. */
  async flush(): Promise<void> {
    this.draining = true;
    this.pump();
    while (this.buffer.length > 0 || this.active.size > 0) {
      if (this.active.size > 0) await Promise.race(this.active);
      this.draining = true;
      this.pump();
    }
    const errors = this.errors.splice(0);
    if (errors.length > 0) {
      const error = new InteractionsError(
        0,
        'DELIVERY_FAILED',
        `${errors.length} request(s) of the logger failed after retries; first: ${errors[0].message}`,
        errors,
      );
      throw error;
    }
  }

  /** Stops accepting, flushes what is held and stops the timer; rejects like `flush()`. Call on shutdown. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    for (const wake of this.waiters.splice(0)) wake();
    await this.flush();
  }

  private pump(): void {
    while (this.buffer.length > 0 && this.active.size < this.options.concurrency) {
      if (this.buffer.length < this.options.maxBatchSize && !this.draining) return;
      const entries = this.buffer.splice(0, this.options.maxBatchSize);
      this.inFlight += entries.length;
      const sending: Promise<void> = this.send(entries).finally(() => {
        this.active.delete(sending);
        this.inFlight -= entries.length;
        for (const wake of this.waiters.splice(0)) wake();
        this.pump();
      });
      this.active.add(sending);
    }
    if (this.buffer.length === 0) this.draining = false;
  }

  /** Delivers one batch; never rejects (failures go to onError and the next flush). */
  private async send(entries: Entry[]): Promise<void> {
    if (this.mode !== 'single') {
      try {
        await this.http.request('POST', '/api/interactions/batch', {
          body: { interactions: entries.map((e) => batchItem(e.item)) },
          headers: { 'idempotency-key': `batch-${entries[0].key}` },
          idempotent: true,
        });
        this.stats.delivered += entries.length;
        return;
      } catch (error) {
        const status = error instanceof InteractionsError ? error.status : 0;
        if (status === 404 && this.options.mode === 'auto') {
          this.mode = 'single'; // no batch route on this service: single creates from now on (batches in flight too)
        } else if (status !== 400) {
          this.fail(error as Error, entries);
          return;
        }
        // 400: the batch is all-or-none; send one by one so only the invalid interactions fail.
      }
    }
    for (const entry of entries) {
      try {
        const { uowId, userId, timestamp, ...body } = entry.item;
        const stamp = timestamp instanceof Date ? timestamp.toISOString() : timestamp;
        await this.http.request('POST', '/api/interactions', {
          body,
          headers: {
            'x-uowid': uowId,
            'x-userid': userId,
            'x-interaction-timestamp': stamp === undefined ? undefined : String(stamp),
            'idempotency-key': entry.key,
          },
          idempotent: true,
        });
        this.stats.delivered++;
      } catch (error) {
        this.fail(error as Error, [entry]);
      }
    }
  }

  private fail(error: Error, entries: Entry[]): void {
    this.stats.failed += entries.length;
    this.errors.push(error);
    try {
      this.options.onError?.(
        error,
        entries.map((e) => e.item),
      );
    } catch {
      // a throwing callback must not stop delivery of the rest
    }
  }
}

function batchItem(item: LoggedInteraction): Record<string, unknown> {
  const { timestamp, ...rest } = item;
  const stamp = timestamp instanceof Date ? timestamp.toISOString() : timestamp;
  return { ...rest, ...(stamp === undefined ? {} : { interactionTimestamp: String(stamp) }) };
}
