import { INTERACTIONS_TOPIC, listenForChanges, onChange } from '../db/change-events';
import type { Database } from '../db/database';
import { AppError } from '../errors/app-error';
import { parseInteractionFilter, type InteractionFilter } from '../interactions/interaction.filter';
import type { Logger } from '../observability/logger';
import { feedMatcher } from './feed.match';
import { compareFeedPositions, parseFeedCursor, type FeedPosition } from './feed.position';
import { hasHeldBackRows, readFeedHead, readFinalEvents, readMatchingEvents } from './feed.read';
import { FeedSubscriber } from './feed.subscriber';

/** Rows the reader takes per statement, and a catching-up subscriber per read. */
const READ_BATCH = 1000;
const CATCH_UP_PAGE = 500;
/** Fallback look at the log when no NOTIFY came (lost connection, PGlite without a listener). */
const POLL_MS = 1000;
/** While committed rows wait behind a running transaction, the reader looks again after this, doubling to the poll. */
const HELD_RETRY_MS = 10;

export interface LiveFeedOptions {
  /** Subscriptions this instance serves at once (MAX_SUBSCRIPTIONS); more → 503. */
  maxSubscriptions: number;
  /** Subscriptions one API key holds at once on this instance (MAX_SUBSCRIPTIONS_PER_KEY); more → 429. */
  maxSubscriptionsPerKey: number;
  /** Events a subscriber may have waiting before it is ended as too slow (FEED_BUFFER_EVENTS). */
  bufferEvents: number;
  log?: Logger;
}

export interface SubscribeOptions {
  /** The API key's id: subscriptions are counted per key. */
  keyId: string;
  /** The list's filters. */
  filter?: InteractionFilter;
  /** Resume after this cursor (`0`: from the start of the log); absent: from now on. */
  after?: string | null;
  /** The request field `after` came from, named in a 400 (`after`, `Last-Event-ID`). */
  afterField?: string;
}

/**
 * The live feed of one instance: ONE reader of the log per instance, not one per subscriber. It is woken by the
 * NOTIFY that every inserting statement sends on commit (PostgreSQL and PGlite alike, whichever instance wrote; the
 * instance's one LISTEN connection, src/db/change-events.ts), and
 * by a timer as a fallback; each time it reads the new final rows once (feed.read.ts) and offers them to every live
 * subscriber, which keeps those matching its filter. Started by the first subscription; `close()` ends every
 * subscription with reason `shutdown`.
 */
export class LiveFeed {
  private head: FeedPosition | null = null;
  private readonly subscribers = new Set<FeedSubscriber>();
  private readonly live = new Set<FeedSubscriber>();
  private readonly perKey = new Map<string, number>();
  private starting: Promise<void> | null = null;
  private stopListening: (() => Promise<void>) | null = null;
  private poll: NodeJS.Timeout | null = null;
  private heldRetry: NodeJS.Timeout | null = null;
  private heldRetryMs = HELD_RETRY_MS;
  private pumping = false;
  private again = false;
  private closed = false;

  constructor(
    private readonly db: Database,
    private readonly options: LiveFeedOptions,
  ) {
    // New rows are announced by the insert trigger (topic `interactions`); `null` means announcements may have been
    // missed (a lost LISTEN connection): look anyway. (Nothing is read before the first subscription: see wake.)
    onChange(db, (topic) => {
      if (topic === INTERACTIONS_TOPIC || topic === null) this.wake();
    });
  }

  /** Subscriptions open now. */
  get size(): number {
    return this.subscribers.size;
  }

  /**
   * Opens a subscription: the filter and cursor are checked (400), the limits applied (503 when the instance is full,
   * 429 when the key holds its share), and the subscriber starts at its cursor or, without one, at the head.
   */
  async subscribe({ keyId, filter = {}, after, afterField = 'after' }: SubscribeOptions): Promise<FeedSubscriber> {
    const parsed = parseInteractionFilter(filter);
    const from = after != null && after !== '' ? parseFeedCursor(after, afterField) : null;
    if (this.closed) throw new AppError('UNAVAILABLE', 'The service is shutting down');
    if (this.subscribers.size >= this.options.maxSubscriptions) {
      throw new AppError('UNAVAILABLE', `This instance serves ${this.options.maxSubscriptions} subscriptions already`);
    }
    if ((this.perKey.get(keyId) ?? 0) >= this.options.maxSubscriptionsPerKey) {
      throw new AppError(
        'RATE_LIMITED',
        `This API key holds ${this.options.maxSubscriptionsPerKey} subscriptions on this instance already`,
      );
    }
    await this.start();
    const matches = await feedMatcher(this.db, parsed);
    const subscriber = new FeedSubscriber(
      keyId,
      from ?? this.head!,
      matches,
      this.options.bufferEvents,
      async (position) => {
        const upTo = this.head!;
        if (compareFeedPositions(position, upTo) >= 0) return { events: [], reached: upTo };
        const events = await readMatchingEvents(this.db, parsed, position, upTo, CATCH_UP_PAGE);
        return { events, reached: events.length < CATCH_UP_PAGE ? upTo : null };
      },
      (caughtUp, reached) => {
        // In the same turn as the check: no fan-out can fall between the catch-up's last read and joining.
        if (this.closed || compareFeedPositions(this.head!, reached) !== 0) return false;
        caughtUp.markLive();
        this.live.add(caughtUp);
        return true;
      },
      (ended) => this.release(ended),
    );
    this.subscribers.add(subscriber);
    this.perKey.set(keyId, (this.perKey.get(keyId) ?? 0) + 1);
    if (!from) {
      subscriber.markLive();
      this.live.add(subscriber);
    }
    return subscriber;
  }

  /** Asks the reader to look for new rows (a NOTIFY, the timer, a test). */
  wake(): void {
    if (this.closed || !this.head) return;
    void this.pump();
  }

  /** Ends every subscription (reason `shutdown`, each with its resumable cursor) and stops reading. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.poll) clearInterval(this.poll);
    if (this.heldRetry) clearTimeout(this.heldRetry);
    for (const subscriber of [...this.subscribers]) subscriber.end('shutdown');
    await this.starting?.catch(() => undefined);
    await this.stopListening?.();
    this.stopListening = null;
  }

  private start(): Promise<void> {
    this.starting ??= (async () => {
      this.head = await readFeedHead(this.db);
      this.stopListening = await listenForChanges(this.db);
      this.poll = setInterval(() => this.wake(), POLL_MS);
      this.poll.unref();
    })().catch((error: unknown) => {
      // A failed start (the database away) is retried by the next subscription.
      this.starting = null;
      throw error;
    });
    return this.starting;
  }

  private release(subscriber: FeedSubscriber): void {
    if (!this.subscribers.delete(subscriber)) return;
    this.live.delete(subscriber);
    const held = (this.perKey.get(subscriber.keyId) ?? 1) - 1;
    if (held > 0) this.perKey.set(subscriber.keyId, held);
    else this.perKey.delete(subscriber.keyId);
  }

  private async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        const events = await readFinalEvents(this.db, this.head!, READ_BATCH);
        if (this.closed) return;
        if (events.length > 0) {
          this.head = events[events.length - 1].position;
          for (const subscriber of this.live) subscriber.offer(events);
        }
        if (events.length === READ_BATCH) this.again = true;
      } while (this.again && !this.closed);
      this.scheduleHeldRetry(await hasHeldBackRows(this.db));
    } catch (error) {
      this.options.log?.warn({ err: error }, 'live feed: reading new interactions failed; retrying');
      this.scheduleHeldRetry(true);
    } finally {
      this.pumping = false;
      // A wake during the held-back check asks for one more read.
      if (this.again && !this.closed) void this.pump();
    }
  }

  private scheduleHeldRetry(held: boolean): void {
    if (this.heldRetry) clearTimeout(this.heldRetry);
    this.heldRetry = null;
    if (!held || this.closed) {
      this.heldRetryMs = HELD_RETRY_MS;
      return;
    }
    this.heldRetry = setTimeout(() => this.wake(), this.heldRetryMs);
    this.heldRetry.unref();
    this.heldRetryMs = Math.min(POLL_MS, this.heldRetryMs * 2);
  }
}
