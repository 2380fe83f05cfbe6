import type { Config } from '../config';
import type { Database, SqlExecutor } from '../db/database';
import { httpStatusFor } from '../errors/app-error';
import type { Metrics } from '../observability/metrics';
import { insertErrorToAppError } from './interaction.create';
import { insertInteractions, type InteractionWriter } from './interaction.insert';
import type { InteractionRecord } from './interaction.model';
import type { PreparedInteraction } from './interaction.prepare';

export interface InteractionCoalescerOptions {
  /** Longest a create waits for company before its group is written (ms); `COALESCE_WINDOW_MS`, default 2. */
  windowMs?: number;
  /** A group is written as soon as it holds this many creates; `COALESCE_MAX_BATCH`, default 200 (1 = off). */
  maxBatch?: number;
  /**
   * Default true: when no group is being written, write what is pending at the end of the current event-loop turn
   * instead of waiting out the window, so a lone create pays no wait; under load, creates gather while earlier
   * groups are in flight. Tests turn it off to make groups by window and size only.
   */
  flushWhenIdle?: boolean;
  /** Called with the row count of every insert that committed (the app feeds `interactions_write_group_size`). */
  onInsert?: (rows: number) => void;
}

interface Pending {
  row: PreparedInteraction;
  resolve(row: InteractionRecord): void;
  reject(error: unknown): void;
}

/**
 * Gathers concurrent single creates for at most `windowMs` or `maxBatch` creates (written at once when no group is
 * in flight, see `flushWhenIdle`) and writes each group with ONE
 * multi-row insert (one statement, so one transaction): a commit per group instead of per request, which is what
 * bounds single-row inserts. Every caller is answered only after its group committed, with its own row.
 *
 * - A row only the database refuses (a data exception or integrity violation, e.g. a NUL byte, a lookup deleted
 *   meanwhile): the group statement wrote nothing, so the group is retried one row at a time and only that
 *   row's caller gets the error.
 * - Any other failure (connection lost, server gone): the statement wrote nothing, and every caller of the group
 *   gets the error (a 500 for REST) — no partial group.
 * - `close()` (on shutdown) writes the pending group, waits for groups in flight, and refuses later creates.
 */
export class InteractionCoalescer implements InteractionWriter {
  private readonly windowMs: number;
  private readonly maxBatch: number;
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly flushWhenIdle: boolean;
  private readonly onInsert: (rows: number) => void;
  private idleFlush: NodeJS.Immediate | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly sql: SqlExecutor,
    {
      windowMs = 2,
      maxBatch = 200,
      flushWhenIdle = true,
      onInsert = () => undefined,
    }: InteractionCoalescerOptions = {},
  ) {
    this.windowMs = Math.max(0, windowMs);
    this.maxBatch = Math.max(1, maxBatch);
    this.flushWhenIdle = flushWhenIdle;
    this.onInsert = onInsert;
  }

  /** Queues one prepared interaction; resolves with the stored row once its group has committed. */
  write(row: PreparedInteraction): Promise<InteractionRecord> {
    if (this.closed) return Promise.reject(new Error('the interaction writer is closed (shutting down)'));
    return new Promise<InteractionRecord>((resolve, reject) => {
      this.pending.push({ row, resolve, reject });
      if (this.pending.length >= this.maxBatch) this.flushPending();
      else if (this.flushWhenIdle && this.inFlight.size === 0)
        this.idleFlush ??= setImmediate(() => this.flushPending());
      else this.timer ??= setTimeout(() => this.flushPending(), this.windowMs);
    });
  }

  /** Writes the pending group now and resolves when every group in flight has settled. */
  async flush(): Promise<void> {
    this.flushPending();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Flushes, then refuses new creates (call on shutdown, before closing the database). */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private flushPending(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.idleFlush) {
      clearImmediate(this.idleFlush);
      this.idleFlush = null;
    }
    if (this.pending.length === 0) return;
    const group = this.pending;
    this.pending = [];
    const done = this.writeGroup(group).finally(() => {
      this.inFlight.delete(done);
      // What gathered meanwhile goes now that the database is free, rather than at the end of its window.
      if (this.flushWhenIdle && this.inFlight.size === 0 && this.pending.length > 0) this.flushPending();
    });
    this.inFlight.add(done);
  }

  private async writeGroup(group: Pending[]): Promise<void> {
    try {
      const rows = await insertInteractions(
        this.sql,
        group.map((item) => item.row),
      );
      this.onInsert(group.length);
      group.forEach((item, index) => item.resolve(rows[index]));
    } catch (error) {
      const refused = insertErrorToAppError(error);
      if (group.length > 1 && refused && httpStatusFor(refused.code) < 500) {
        // One bad row made the group statement fail (and write nothing): find it by writing one by one.
        await Promise.all(group.map((item) => this.writeGroup([item])));
        return;
      }
      const reported = refused ?? error;
      for (const item of group) item.reject(reported);
    }
  }
}

/**
 * The coalescer of an app, configured from COALESCE_WINDOW_MS and COALESCE_MAX_BATCH; with `metrics`, each insert's
 * row count goes to `interactions_write_group_size`.
 */
export function createInteractionCoalescer(
  db: Database,
  config: Pick<Config, 'coalesceWindowMs' | 'coalesceMaxBatch'>,
  metrics?: Pick<Metrics, 'writeGroupSize'>,
) {
  return new InteractionCoalescer(db.sql, {
    windowMs: config.coalesceWindowMs,
    maxBatch: config.coalesceMaxBatch,
    onInsert: metrics ? (rows) => metrics.writeGroupSize.observe(rows) : undefined,
  });
}
