import { compareFeedPositions, formatFeedCursor, type FeedPosition } from './feed.position';
import type { FeedEvent } from './feed.read';
import type { FeedMatcher } from './feed.match';

/** Why a subscription ended: its client left, it fell too far behind, or the service is stopping. */
export type FeedEndReason = 'closed' | 'slow' | 'shutdown';

/**
 * Reads the subscriber's events between its position and the feed's head (catch-up): a page of them, and the head
 * the read reached when it covered everything up to it (null when a full page leaves more to read).
 */
export type CatchUp = (after: FeedPosition) => Promise<{ events: FeedEvent[]; reached: FeedPosition | null }>;

/** Joins the live fan-out if the feed's head is still `reached` (else the subscriber reads again). */
export type GoLive = (subscriber: FeedSubscriber, reached: FeedPosition) => boolean;

/**
 * One subscriber of the live feed: an async iterator of its events in feed order. It starts by catching up from its
 * cursor (reads pulled by its consumer, so a slow one reads slowly), then takes events from the instance's fan-out
 * into a bounded queue. A consumer that lets more than `bufferEvents` wait is ended with reason `slow`; `lastCursor`
 * is then the last event it was handed, from which it can resume without a gap.
 */
export class FeedSubscriber implements AsyncIterableIterator<FeedEvent> {
  /** The last position handed to the consumer, or its starting cursor. */
  delivered: FeedPosition;
  /** Position up to which events are queued or skipped (not matching): fan-out ignores anything at or before it. */
  private queuedUpTo: FeedPosition;
  private queue: FeedEvent[] = [];
  private waiter: ((result: IteratorResult<FeedEvent>) => void) | null = null;
  private live = false;
  private ended: FeedEndReason | null = null;
  private readonly endListeners: ((reason: FeedEndReason) => void)[] = [];

  constructor(
    readonly keyId: string,
    start: FeedPosition,
    private readonly matches: FeedMatcher,
    private readonly bufferEvents: number,
    private readonly catchUp: CatchUp,
    private readonly goLive: GoLive,
    private readonly release: (subscriber: FeedSubscriber) => void,
  ) {
    this.delivered = start;
    this.queuedUpTo = start;
  }

  /** The cursor of the last delivered event (or of the start): what a client resumes from. */
  get lastCursor(): string {
    return formatFeedCursor(this.delivered);
  }

  /** Why it ended, or null while it runs. */
  get endReason(): FeedEndReason | null {
    return this.ended;
  }

  /** Calls `listener` once when the subscription ends (the transport closes its connection then). */
  onEnd(listener: (reason: FeedEndReason) => void): void {
    if (this.ended) listener(this.ended);
    else this.endListeners.push(listener);
  }

  /** Live fan-out: the instance's new final rows, in feed order; keeps the ones after its position that match. */
  offer(events: readonly FeedEvent[]): void {
    for (const event of events) {
      // Ended meanwhile (too slow: the queue was dropped): nothing more may be queued, or the consumer would be handed
      // events past the gap and its cursor would skip the dropped ones.
      if (this.ended) return;
      if (compareFeedPositions(event.position, this.queuedUpTo) <= 0) continue;
      this.queuedUpTo = event.position;
      if (this.matches(event.record)) this.push(event);
    }
  }

  /** Marks the subscriber live: the feed calls this in the same turn as its check that nothing came in between. */
  markLive(): void {
    this.live = true;
  }

  private push(event: FeedEvent): void {
    if (this.waiter) {
      const resolve = this.waiter;
      this.waiter = null;
      this.delivered = event.position;
      resolve({ value: event, done: false });
      return;
    }
    this.queue.push(event);
    if (this.queue.length > this.bufferEvents) this.end('slow');
  }

  async next(): Promise<IteratorResult<FeedEvent>> {
    for (;;) {
      const event = this.queue.shift();
      if (event) {
        this.delivered = event.position;
        return { value: event, done: false };
      }
      if (this.ended) return { value: undefined, done: true };
      if (this.live) return new Promise((resolve) => (this.waiter = resolve));
      // Catching up: one read of what lies between this position and the head, then around again.
      const { events, reached } = await this.catchUp(this.queuedUpTo);
      if (this.ended) return { value: undefined, done: true };
      for (const caught of events) {
        this.queuedUpTo = caught.position;
        this.queue.push(caught);
      }
      if (reached) {
        if (compareFeedPositions(reached, this.queuedUpTo) > 0) this.queuedUpTo = reached;
        this.goLive(this, reached);
      }
    }
  }

  /** The consumer stopped (a client disconnect, `break` in `for await`). */
  async return(): Promise<IteratorResult<FeedEvent>> {
    this.end('closed');
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Ends the subscription: the consumer gets what is queued only if it was not too slow, then the end. */
  end(reason: FeedEndReason): void {
    if (this.ended) return;
    this.ended = reason;
    if (reason === 'slow') this.queue = [];
    this.release(this);
    if (this.waiter) {
      const resolve = this.waiter;
      this.waiter = null;
      resolve({ value: undefined, done: true });
    }
    for (const listener of this.endListeners.splice(0)) listener(reason);
  }
}
