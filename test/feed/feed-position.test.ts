/**
 * The failure case of a feed that hands out "interaction_number > last seen" (docs/adr/100-live-feed.md):
 * numbers are drawn before commit, so N+1 can be visible while N is still in flight, and a consumer that resumes
 * after N+1 would lose N for good. The live feed hands out positions only below the oldest running transaction.
 */
import type { Database, SqlExecutor } from '../../src/db/database';
import { LiveFeed } from '../../src/feed/live-feed';
import type { FeedEvent } from '../../src/feed/feed.read';
import type { FeedSubscriber } from '../../src/feed/feed.subscriber';
import { createTestDatabase, TEST_DATABASE_KIND, type TestDatabase } from '../helpers/database';
import { ensureResourceTypes, insertInteraction } from '../helpers/factories';

let test: TestDatabase;
let feed: LiveFeed;

beforeAll(async () => {
  test = await createTestDatabase();
  feed = new LiveFeed(test.db, { maxSubscriptions: 100, maxSubscriptionsPerKey: 100, bufferEvents: 1000 });
});
afterAll(async () => {
  await feed.close();
  await test.close();
});

// A next() still waiting when `take` gave up gets the subscriber's next event: kept for the following `take`.
const waiting = new Map<FeedSubscriber, Promise<IteratorResult<FeedEvent>>>();

/** The events a subscriber yields within `ms` (at most `count`). */
async function take(subscriber: FeedSubscriber, count: number, ms: number): Promise<FeedEvent[]> {
  const events: FeedEvent[] = [];
  const deadline = Date.now() + ms;
  while (events.length < count && Date.now() < deadline) {
    const pending = waiting.get(subscriber) ?? subscriber.next();
    waiting.set(subscriber, pending);
    let timer: NodeJS.Timeout | undefined;
    const next = await Promise.race([
      pending,
      new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), Math.max(1, deadline - Date.now())))),
    ]);
    clearTimeout(timer);
    if (next === null) break;
    waiting.delete(subscriber);
    if (next.done) break;
    events.push(next.value);
  }
  return events;
}

/** The same database seen through one transaction's connection. */
const within = (db: Database, tx: SqlExecutor): Database => ({ ...db, sql: tx });

const describeOnPostgres = TEST_DATABASE_KIND === 'postgres' ? describe : describe.skip;
const describeOnPGlite = TEST_DATABASE_KIND === 'pglite' ? describe : describe.skip;

describeOnPostgres('two writers, the first holding number N open while N+1 commits', () => {
  it('hands out neither before N commits, then both, once each, N first', async () => {
    // The resource type first: created inside the held transaction it would hold the second writer back on its key.
    await ensureResourceTypes(test.db, ['ORDER']);
    const live = await feed.subscribe({ keyId: 'live' });
    const start = live.lastCursor;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let first!: (row: { interactionNumber: number }) => void;
    const firstInserted = new Promise<{ interactionNumber: number }>((resolve) => (first = resolve));
    const writerA = test.db.transaction(async (tx) => {
      first(await insertInteraction(within(test.db, tx), { resourceId: 'writer-a' }));
      await held;
    });
    const a = await firstInserted;
    const b = await insertInteraction(test.db, { resourceId: 'writer-b' });
    expect(b.interactionNumber).toBeGreaterThan(a.interactionNumber);

    // A consumer reading now — live, or resuming from before both — gets nothing: N+1 waits behind N.
    feed.wake();
    const resuming = await feed.subscribe({ keyId: 'resume', after: start });
    expect(await take(live, 1, 700)).toEqual([]);
    expect(await take(resuming, 1, 300)).toEqual([]);

    release();
    await writerA;
    feed.wake();
    for (const subscriber of [live, resuming]) {
      const events = await take(subscriber, 3, 3000);
      expect(events.map((event) => event.record.interactionNumber)).toEqual([a.interactionNumber, b.interactionNumber]);
    }
    // Resuming after the last one hands out nothing again.
    const after = await feed.subscribe({ keyId: 'again', after: live.lastCursor });
    expect(await take(after, 1, 500)).toEqual([]);
    for (const subscriber of [live, resuming, after]) subscriber.end('closed');
  });
});

describeOnPGlite('a lower number committed after a higher one (PGlite runs one transaction at a time)', () => {
  it('hands out the late row after the early one, and a consumer resuming after N+1 still gets N', async () => {
    const live = await feed.subscribe({ keyId: 'live' });
    // Draw N now (a sequence is not transactional), commit N+1, then commit N: what two overlapping writers do.
    const [{ n }] = await test.db.sql.query<{ n: number }>(
      `SELECT nextval(pg_get_serial_sequence('interactions', 'interaction_number')) AS n`,
    );
    const b = await insertInteraction(test.db, { resourceId: 'late-b' });
    expect(b.interactionNumber).toBe(n + 1);
    feed.wake();
    const [early] = await take(live, 1, 3000);
    expect(early.record.interactionNumber).toBe(n + 1);

    const resuming = await feed.subscribe({ keyId: 'resume', after: early.cursor });
    // N's row commits now (written, then given the number drawn before N+1, in one transaction).
    await test.db.transaction(async (tx) => {
      const a = await insertInteraction(within(test.db, tx), { resourceId: 'late-a' });
      await tx.query(`UPDATE interactions SET interaction_number = $1 WHERE id = $2`, [n, a.id]);
    });
    feed.wake();
    for (const subscriber of [live, resuming]) {
      const events = await take(subscriber, 2, 3000);
      expect(events.map((event) => event.record.interactionNumber)).toEqual([n]);
    }
    live.end('closed');
    resuming.end('closed');
  });
});
