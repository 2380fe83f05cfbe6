import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../../src/app';
import { LiveFeed } from '../../src/feed/live-feed';
import { createLogger } from '../../src/observability/logger';
import { InteractionsClient, SseParser, type FeedItem } from '../../packages/client/src';
import { createTestApp, type TestApp } from '../helpers/app';
import { createLookupRow } from '../helpers/factories';
import { freePort } from '../helpers/service';
import { CuttableProxy } from '../helpers/tcp-proxy';

// client.stream(): the SDK's follower of GET /api/interactions/stream, against the real app. Connections are cut
// with a TCP proxy between the SDK and the service (the writes of the test go straight to the service).

let t: TestApp;
let server: Server;
let direct: string;
let proxy: CuttableProxy;
let proxied: string;

async function serve(app: RequestListener): Promise<Server> {
  const s = createServer(app);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return s;
}
const portOf = (s: Server) => (s.address() as AddressInfo).port;

beforeAll(async () => {
  t = await createTestApp();
  await createLookupRow(t.database.db, 'resourceType', { mnemonic: 'ORDER' });
  server = await serve(t.app);
  direct = `http://127.0.0.1:${portOf(server)}`;
  proxy = new CuttableProxy(await freePort(), { host: '127.0.0.1', port: portOf(server) });
  await proxy.start();
  proxied = `http://127.0.0.1:${proxy.port}`;
});
// Every test starts with no stream open, so `subscribed(n)` counts only its own.
const running: { stop: () => Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((follower) => follower.stop()));
  await until(() => t.feed.size === 0);
});
afterAll(async () => {
  await proxy.cut();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

// Quick retries, and enough of them to outlast the outages below.
const RECONNECT = { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 1000 };
const client = (url: string, key = t.keys.read) =>
  new InteractionsClient({ baseUrl: url, apiKey: key, retry: { baseDelayMs: 1, maxDelayMs: 5 } });
const writer = () => client(direct, t.keys.write);

async function create(resourceId: string): Promise<string> {
  return (await writer().interactions.create({ resourceId, resourceType: 'ORDER', action: 'CREATE', origin: 'API' }))
    .interactionId;
}

/** Waits until `check` holds (polling), failing after `ms`. */
async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Runs `client.stream()` in the background, collecting what it yields; `stop()` aborts it and resolves with how it
 * ended (null when by the abort).
 */
function follow(url: string, filter: Record<string, string>, after?: string) {
  const controller = new AbortController();
  const got: FeedItem[] = [];
  const done = (async () => {
    for await (const event of client(url).stream(filter, { after, signal: controller.signal, reconnect: RECONNECT })) {
      got.push(event);
    }
    return null;
  })().catch((error: unknown) => error);
  const follower = {
    got,
    ids: () => got.map((event) => event.item.interactionId),
    stop: () => {
      controller.abort();
      return done;
    },
  };
  running.push(follower);
  return follower;
}

/** Gives a new stream time to reach `ready` (its starting cursor is taken when the server subscribes it). */
const subscribed = (count: number) => until(() => t.feed.size >= count);

describe('client.stream()', () => {
  it('yields the matching interactions in order, as list items with cursors to resume after', async () => {
    const live = follow(direct, { resourceId: 'st-order' });
    await subscribed(1);
    const a = await create('st-order');
    await create('st-other');
    const b = await create('st-order');
    const c = await create('st-order');
    await until(() => live.got.length === 3);
    expect(await live.stop()).toBeNull();
    expect(live.ids()).toEqual([a, b, c]);
    expect(live.got[0].item).toMatchObject({ resourceId: 'st-order', resourceTypeMnemonic: 'ORDER' });
    expect(new Set(live.got.map((event) => event.cursor)).size).toBe(3);

    // A stored cursor continues later with what came after it.
    await until(() => t.feed.size === 0);
    const later = follow(direct, { resourceId: 'st-order' }, live.got[0].cursor);
    await until(() => later.got.length === 2);
    expect(later.ids()).toEqual([b, c]);
    await later.stop();
  });

  it('resumes after its connection is cut, with nothing missed and nothing repeated', async () => {
    const live = follow(proxied, { resourceId: 'st-cut' });
    await subscribed(1);
    const before = [await create('st-cut'), await create('st-cut')];
    await until(() => live.got.length === 2);
    // The connection dies, and for a while nothing answers at all: the writes meanwhile must still arrive.
    await proxy.cut();
    const during = [await create('st-cut'), await create('st-cut'), await create('st-cut')];
    await new Promise((resolve) => setTimeout(resolve, 400));
    await proxy.restore();
    await until(() => live.got.length >= 5);
    const after = [await create('st-cut')];
    await until(() => live.got.length >= 6);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await live.stop()).toBeNull();
    expect(live.ids()).toEqual([...before, ...during, ...after]);
  });

  it('resumes across a restart of the service (an `end` event, refusals, then a new instance)', async () => {
    // A second instance of the service on the same database, whose feed is then shut down as on SIGTERM.
    const feed = new LiveFeed(t.database.db, {
      maxSubscriptions: 100,
      maxSubscriptionsPerKey: 100,
      bufferEvents: t.config.feedBufferEvents,
    });
    const logger = createLogger({ level: 'silent' });
    const first = await serve(await buildApp({ db: t.database.db, config: t.config, logger, liveFeed: feed }));
    const front = new CuttableProxy(await freePort(), { host: '127.0.0.1', port: portOf(first) });
    await front.start();
    const live = follow(`http://127.0.0.1:${front.port}`, { resourceId: 'st-restart' });
    await until(() => feed.size === 1);
    const before = await create('st-restart');
    await until(() => live.got.length === 1);

    await feed.close(); // every stream gets `end` (shutdown); new ones get 503 until the new instance is up
    const during = [await create('st-restart'), await create('st-restart')];
    await new Promise((resolve) => setTimeout(resolve, 300));
    await front.cut();
    first.closeAllConnections();
    await new Promise((resolve) => first.close(resolve));
    // The new instance is the test's main app; the same address now leads to it.
    const next = new CuttableProxy(front.port, { host: '127.0.0.1', port: portOf(server) });
    await next.start();
    await until(() => live.got.length === 3);
    const after = await create('st-restart');
    await until(() => live.got.length === 4);
    expect(await live.stop()).toBeNull();
    await next.cut();
    expect(live.ids()).toEqual([before, ...during, after]);
  });

  it('closes the request when the loop breaks', async () => {
    const stream = client(direct).stream({ resourceId: 'st-break' });
    const consumed = (async () => {
      for await (const event of stream) {
        expect(event.item.resourceId).toBe('st-break');
        break;
      }
    })();
    await subscribed(1);
    await create('st-break');
    await consumed;
    // The server sees the client leave and releases its subscription.
    await until(() => t.feed.size === 0);
    expect(t.feed.size).toBe(0);
  });

  it('throws a refusal that retrying cannot change, and gives up after its attempts when nothing answers', async () => {
    const bad = client(direct).stream({ startDate: 'not a date' });
    await expect(bad.next()).rejects.toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });
    const noKey = client(direct, 'nope').stream();
    await expect(noKey.next()).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const gone = client(nobody).stream({}, { reconnect: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 } });
    await expect(gone.next()).rejects.toMatchObject({ status: 0, code: 'NETWORK_ERROR' });
  });
});

describe('SseParser', () => {
  it('reads events cut anywhere, CRLF split across chunks, multi-line data, comments and ids', () => {
    const text =
      'retry: 2000\r\nid: 1-1\r\nevent: ready\r\ndata: {"cursor":"1-1"}\r\n\r\n: heartbeat\n\ndata: a\ndata: b\n\n';
    for (let cut = 0; cut <= text.length; cut++) {
      const parser = new SseParser();
      const events = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      expect(events).toEqual([
        { event: 'ready', data: '{"cursor":"1-1"}', id: '1-1' },
        { event: 'message', data: 'a\nb' },
      ]);
      expect(parser.retryMs).toBe(2000);
    }
  });
});
