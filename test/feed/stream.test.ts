/**
 * The live feed through HTTP, as clients use it: Server-Sent Events at GET /api/interactions/stream and GraphQL
 * subscriptions over graphql-ws at /graphql, on a listening server.
 */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { listenTestApp, type ListeningTestApp } from '../helpers/app';
import { ensureResourceTypes } from '../helpers/factories';
import { openSse, type SseEvent, type SseStream } from '../helpers/sse';

let t: ListeningTestApp;
let base: string;
const streams: SseStream[] = [];
const clients: Client[] = [];

beforeAll(async () => {
  t = await listenTestApp({ FEED_HEARTBEAT_SECONDS: '1', FEED_BUFFER_EVENTS: '10', MAX_SUBSCRIPTIONS_PER_KEY: '4' });
  base = t.base;
  await ensureResourceTypes(t.database.db, ['ORDER']);
});
afterEach(async () => {
  streams.splice(0).forEach((stream) => stream.close());
  await Promise.all(clients.splice(0).map((client) => client.dispose()));
  // The server sees the disconnects a moment later; the next test starts with every subscription released.
  for (let i = 0; i < 100 && t.feed.size > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
});
afterAll(() => t.close());

async function sse(query = '', headers: Record<string, string> = {}, key = t.keys.read): Promise<SseStream> {
  const stream = await openSse(`${base}/api/interactions/stream${query}`, { 'x-api-key': key, ...headers });
  streams.push(stream);
  return stream;
}

async function create(resourceId: string, extra: Record<string, unknown> = {}) {
  const res = await fetch(`${base}/api/interactions`, {
    method: 'POST',
    headers: { 'x-api-key': t.keys.write, 'content-type': 'application/json' },
    body: JSON.stringify({ resourceId, resourceType: 'ORDER', action: 'CREATE', origin: 'API', ...extra }),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as { interactionId: string; interactionNumber: number };
}

async function batch(items: Record<string, unknown>[]) {
  const res = await fetch(`${base}/api/interactions/batch`, {
    method: 'POST',
    headers: { 'x-api-key': t.keys.write, 'content-type': 'application/json' },
    body: JSON.stringify({ interactions: items }),
  });
  expect(res.status).toBe(201);
}

/** The next `interaction` events (skipping `ready`), parsed. */
async function interactions(stream: SseStream, count: number, timeoutMs = 8000) {
  const got: { id: string; item: Record<string, unknown> }[] = [];
  while (got.length < count) {
    const event = await stream.next(timeoutMs);
    if (!event) break;
    if (event.event === 'interaction') got.push({ id: event.id!, item: JSON.parse(event.data) });
  }
  return got;
}

async function ready(stream: SseStream): Promise<SseEvent> {
  const event = await stream.next();
  expect(event?.event).toBe('ready');
  return event!;
}

describe('GET /api/interactions/stream (Server-Sent Events)', () => {
  it('sends the matching interactions as they are recorded, each as the list item with its cursor as id', async () => {
    const stream = await sse('?resourceId=sse-match');
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const start = await ready(stream);
    expect(JSON.parse(start.data)).toEqual({ cursor: start.id });
    expect(stream.retries).toEqual([2000]);

    const first = await create('sse-match', { interaction: { total: 'ünïcode ✓', nested: { a: [1, 2] } } });
    await create('sse-other');
    const second = await create('sse-match');
    const got = await interactions(stream, 2);
    expect(got.map((event) => event.item.interactionId)).toEqual([first.interactionId, second.interactionId]);
    // Exactly the list's item for the same row.
    const list = await fetch(`${base}/api/interactions?resourceId=sse-match`, {
      headers: { 'x-api-key': t.keys.read },
    });
    const { data } = (await list.json()) as { data: Record<string, unknown>[] };
    expect(got.map((event) => event.item)).toEqual([...data].reverse());
    expect(got[0].id).not.toEqual(got[1].id);
  });

  it('resumes after Last-Event-ID or ?after= with nothing missed and nothing repeated', async () => {
    const stream = await sse('?resourceId=sse-resume');
    await ready(stream);
    const a = await create('sse-resume');
    const [seen] = await interactions(stream, 1);
    expect(seen.item.interactionId).toBe(a.interactionId);
    stream.close();
    const b = await create('sse-resume');
    const c = await create('sse-resume');

    const byHeader = await sse('?resourceId=sse-resume', { 'last-event-id': seen.id });
    await ready(byHeader);
    expect((await interactions(byHeader, 2)).map((e) => e.item.interactionId)).toEqual([
      b.interactionId,
      c.interactionId,
    ]);
    const byQuery = await sse(`?resourceId=sse-resume&after=${encodeURIComponent(seen.id)}`);
    await ready(byQuery);
    expect((await interactions(byQuery, 2)).map((e) => e.item.interactionId)).toEqual([
      b.interactionId,
      c.interactionId,
    ]);
    // after=0 replays the whole log.
    const replay = await sse('?resourceId=sse-resume&after=0');
    await ready(replay);
    expect((await interactions(replay, 3)).map((e) => e.item.interactionId)).toEqual([
      a.interactionId,
      b.interactionId,
      c.interactionId,
    ]);
  });

  it('a client that reconnects from the ready id misses nothing recorded while it was away', async () => {
    const stream = await sse('?userId=sse-away');
    const start = await ready(stream);
    stream.close();
    const missed = await create('sse-away-1', { userId: undefined });
    const res = await fetch(`${base}/api/interactions`, {
      method: 'POST',
      headers: { 'x-api-key': t.keys.write, 'content-type': 'application/json', 'x-userid': 'sse-away' },
      body: JSON.stringify({ resourceId: 'sse-away-2', resourceType: 'ORDER', action: 'CREATE', origin: 'API' }),
    });
    expect(res.status).toBe(201);
    const wanted = (await res.json()) as { interactionId: string };
    const again = await sse('?userId=sse-away', { 'last-event-id': start.id! });
    await ready(again);
    const got = await interactions(again, 1);
    expect(got.map((e) => e.item.interactionId)).toEqual([wanted.interactionId]);
    expect(got[0].item.interactionId).not.toBe(missed.interactionId);
  });

  it('sends a heartbeat comment while idle', async () => {
    const stream = await sse('?resourceId=sse-idle');
    await ready(stream);
    await expect(stream.next(2500)).rejects.toThrow(/no event/);
    expect(stream.comments).toContain('heartbeat');
  });

  it('refuses a bad cursor, a missing key and a key without read, with JSON errors', async () => {
    const bad = await sse('?after=12-x');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'after' } });
    const badHeader = await sse('', { 'last-event-id': 'nope' });
    expect(badHeader.status).toBe(400);
    expect(JSON.parse(badHeader.body).error.details).toEqual({ field: 'Last-Event-ID' });
    const badFilter = await sse('?startDate=2026-02-30');
    expect(badFilter.status).toBe(400);
    const noKey = await openSse(`${base}/api/interactions/stream`, {});
    expect(noKey.status).toBe(401);
    expect(JSON.parse(noKey.body).error.code).toBe('UNAUTHENTICATED');
    const writeOnly = await sse('', {}, t.keys.write);
    expect(writeOnly.status).toBe(403);
    expect(JSON.parse(writeOnly.body).error.code).toBe('FORBIDDEN');
  });

  it('holds each key to its share of subscriptions (429) and frees it when a stream closes', async () => {
    const open = [await sse(), await sse(), await sse(), await sse()];
    for (const stream of open) expect(stream.status).toBe(200);
    const fifth = await sse();
    expect(fifth.status).toBe(429);
    expect(JSON.parse(fifth.body).error.code).toBe('RATE_LIMITED');
    open[0].close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await sse()).status).toBe(200);
  });

  it('disconnects a consumer that falls behind with its last delivered id; resuming from it loses nothing', async () => {
    const stream = await sse('?resourceId=sse-slow');
    await ready(stream);
    // Events of 4 KB while the client reads nothing: once the socket's buffers are full, the server's queue for this
    // subscriber passes FEED_BUFFER_EVENTS (10) and the subscription is ended (it leaves the feed).
    const payload = { blob: 'x'.repeat(4000) };
    let total = 0;
    while (t.feed.size > 0 && total < 10_000) {
      await batch(
        Array.from({ length: 500 }, (_, j) => ({
          resourceId: 'sse-slow',
          resourceType: 'ORDER',
          action: 'CREATE',
          origin: 'API',
          interaction: { ...payload, i: total + j },
        })),
      );
      total += 500;
      for (let i = 0; i < 20 && t.feed.size > 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(t.feed.size).toBe(0);
    const seen: number[] = [];
    let end: { reason: string; lastEventId: string } | null = null;
    let lastId = '';
    for (;;) {
      const event = await stream.next(15_000);
      if (!event) break;
      if (event.event === 'interaction') {
        seen.push((JSON.parse(event.data).interaction as { i: number }).i);
        lastId = event.id!;
      }
      if (event.event === 'end') end = JSON.parse(event.data);
    }
    expect(end).toEqual({ reason: 'slow', lastEventId: lastId });
    expect(seen.length).toBeLessThan(total);
    const rest = await sse(`?resourceId=sse-slow&after=${encodeURIComponent(end!.lastEventId)}`);
    await ready(rest);
    const more = await interactions(rest, total - seen.length, 15_000);
    const all = [...seen, ...more.map((e) => (e.item.interaction as { i: number }).i)];
    expect(all).toEqual(Array.from({ length: total }, (_, i) => i));
  });
});

describe('subscription interactionAdded (graphql-ws at /graphql)', () => {
  const wsUrl = () => base.replace('http', 'ws') + '/graphql';

  function client(key: string | null) {
    const c = createClient({
      url: wsUrl(),
      webSocketImpl: WebSocket,
      connectionParams: key === null ? {} : { 'x-api-key': key },
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(c);
    return c;
  }

  /** Subscribes and collects results until `count` arrive or it ends. */
  function collect(c: Client, query: string, variables: Record<string, unknown>, count: number) {
    const results: { data?: Record<string, unknown> | null; errors?: unknown[] }[] = [];
    let failure: unknown = null;
    const done = new Promise<void>((resolve) => {
      const stop = c.subscribe(
        { query, variables },
        {
          next: (value) => {
            results.push(value as (typeof results)[number]);
            if (results.length >= count) {
              stop();
              resolve();
            }
          },
          error: (error) => {
            failure = error;
            resolve();
          },
          complete: () => resolve(),
        },
      );
    });
    return { results, done, failure: () => failure };
  }

  interface FeedEventData {
    cursor: string;
    interaction: { id: string } & Record<string, unknown>;
  }

  const QUERY = `subscription($filter: InteractionFilterInput, $after: String) {
    interactionAdded(filter: $filter, after: $after) {
      cursor
      interaction { id interactionNumber resourceId resourceType { mnemonic } action { mnemonic } }
    }
  }`;

  it('delivers matching interactions with their lookups and cursors, and resumes after a cursor', async () => {
    const c = client(t.keys.read);
    const live = collect(c, QUERY, { filter: { resourceId: 'ws-match' } }, 2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const a = await create('ws-match');
    await create('ws-other');
    const b = await create('ws-match');
    await live.done;
    const events = live.results.map((r) => r.data!.interactionAdded as FeedEventData);
    expect(events.map((e) => e.interaction.id)).toEqual([a.interactionId, b.interactionId]);
    expect(events[0].interaction).toMatchObject({
      resourceId: 'ws-match',
      resourceType: { mnemonic: 'ORDER' },
      action: { mnemonic: 'CREATE' },
    });
    const resumed = collect(c, QUERY, { filter: { resourceId: 'ws-match' }, after: events[0].cursor }, 1);
    await resumed.done;
    expect((resumed.results[0].data!.interactionAdded as FeedEventData).interaction.id).toBe(b.interactionId);
  });

  it('refuses an unknown key at connection_init (4403) and a key without read', async () => {
    const unknown = collect(client('not-a-key'), QUERY, {}, 1);
    await unknown.done;
    expect(unknown.failure()).toMatchObject({ code: 4403 });

    const writeOnly = collect(client(t.keys.write), QUERY, {}, 1);
    await writeOnly.done;
    const errors = (writeOnly.results[0]?.errors ?? writeOnly.failure()) as { extensions?: { code?: string } }[];
    expect(errors[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('serves only subscriptions, with the same validation as /graphql', async () => {
    const c = client(t.keys.read);
    const query = collect(c, '{ me { name } }', {}, 1);
    await query.done;
    expect(JSON.stringify(query.failure() ?? query.results)).toMatch(/Only subscriptions/);
    const badCursor = collect(c, QUERY, { after: 'bogus' }, 1);
    await badCursor.done;
    expect(JSON.stringify(badCursor.failure() ?? badCursor.results)).toMatch(/BAD_USER_INPUT/);
  });
});

describe('shutdown', () => {
  it('ends every stream with its resumable cursor: SSE an end event, WebSocket close 1001', async () => {
    const stream = await sse('?resourceId=bye');
    const start = await ready(stream);
    const ws = new WebSocket(base.replace('http', 'ws') + '/graphql', 'graphql-transport-ws');
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    await new Promise((resolve) => ws.on('open', resolve));
    ws.send(JSON.stringify({ type: 'connection_init', payload: { 'x-api-key': t.keys.read } }));
    await new Promise((resolve) => ws.once('message', resolve));
    ws.send(
      JSON.stringify({
        id: '1',
        type: 'subscribe',
        payload: { query: 'subscription { interactionAdded { cursor } }' },
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    await t.feed.close();
    const end = await stream.next();
    expect(end).toMatchObject({ event: 'end' });
    expect(JSON.parse(end!.data)).toEqual({ reason: 'shutdown', lastEventId: start.id });
    const { code, reason } = await closed;
    expect(code).toBe(1001);
    expect(JSON.parse(reason)).toMatchObject({ reason: 'shutdown', after: expect.stringMatching(/^\d+-\d+$/) });
    // A closed feed takes no new subscriptions: 503.
    const refused = await sse();
    expect(refused.status).toBe(503);
  });
});
