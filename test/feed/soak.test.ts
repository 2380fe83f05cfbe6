/**
 * The live feed under load: 8 writers mixing single and batch creates while three consumers follow — an SSE stream, a
 * GraphQL subscription, and an SSE consumer that disconnects and resumes five times. Each must end with exactly the
 * set written, once each, in feed order. The suite writes FEED_SOAK_ROWS (default 5,000); `npm run test:feed` writes
 * 50,000 (about a minute on PostgreSQL).
 */
import { randomUUID } from 'node:crypto';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { compareFeedPositions, parseFeedCursor } from '../../src/feed/feed.position';
import { listenTestApp, type ListeningTestApp } from '../helpers/app';
import { ensureResourceTypes } from '../helpers/factories';
import { openSse } from '../helpers/sse';

const ROWS = Number(process.env.FEED_SOAK_ROWS ?? 5000);
const WRITERS = 8;
const BATCH = 50;
const RESUMES = 5;

let t: ListeningTestApp;
let base: string;

beforeAll(async () => {
  t = await listenTestApp({ FEED_BUFFER_EVENTS: '100000' });
  base = t.base;
  await ensureResourceTypes(t.database.db, ['ORDER']);
});
afterAll(() => t.close());

const RESOURCE = `soak-${Date.now()}`;
const item = (writer: number, i: number) => ({
  resourceId: RESOURCE,
  resourceType: 'ORDER',
  action: 'CREATE',
  origin: 'API',
  interaction: { writer, i },
});

async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
  // Retried as a careful client does: with an Idempotency-Key, so a request that reached the service before its
  // connection broke (a keep-alive socket closed under it on a busy machine) is not written twice.
  const idempotencyKey = randomUUID();
  for (;;) {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'x-api-key': t.keys.write, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify(body),
    }).catch(() => null);
    // A busy machine may answer 503 (body budget, pool) or drop the connection: retry; anything else is a failure.
    if (res === null || res.status === 503) continue;
    expect(res.status).toBe(201);
    return (await res.json()) as Record<string, unknown>;
  }
}

/** One writer: its share of rows, alternating a single create and a batch. Resolves with the ids written. */
async function writer(w: number, share: number): Promise<string[]> {
  const ids: string[] = [];
  let i = 0;
  while (i < share) {
    if ((i / BATCH) % 2 === 0 || share - i < BATCH) {
      ids.push((await post('/api/interactions', item(w, i))).interactionId as string);
      i += 1;
    } else {
      const body = await post('/api/interactions/batch', {
        interactions: Array.from({ length: BATCH }, (_, j) => item(w, i + j)),
      });
      ids.push(...(body.data as { interactionId: string }[]).map((row) => row.interactionId));
      i += BATCH;
    }
  }
  return ids;
}

interface Received {
  ids: string[];
  cursors: string[];
}

/** Follows the stream from `after`, reconnecting from its last id `resumes` times along the way, until `total`. */
async function sseConsumer(after: string, total: number, resumes: number): Promise<Received> {
  const got: Received = { ids: [], cursors: [] };
  let last = after;
  let reconnects = 0;
  const every = Math.max(1, Math.floor(total / (resumes + 1)));
  while (got.ids.length < total) {
    const stream = await openSse(`${base}/api/interactions/stream?resourceId=${RESOURCE}`, {
      'x-api-key': t.keys.read,
      'last-event-id': last,
    }).catch(() => null);
    if (stream === null) continue; // a dropped connection: reconnect from the same cursor
    expect(stream.status).toBe(200);
    for (;;) {
      const event = await stream.next(60_000);
      if (!event || event.event === 'end') break;
      if (event.event !== 'interaction') continue;
      got.ids.push(JSON.parse(event.data).interactionId);
      got.cursors.push(event.id!);
      last = event.id!;
      if (reconnects < resumes && got.ids.length >= every * (reconnects + 1)) break;
      if (got.ids.length >= total) break;
    }
    stream.close();
    reconnects += 1;
  }
  expect(reconnects).toBeGreaterThanOrEqual(resumes);
  return got;
}

/** Follows the GraphQL subscription from `after` until `total`. */
function wsConsumer(after: string, total: number): Promise<Received> {
  const got: Received = { ids: [], cursors: [] };
  const client = createClient({
    url: base.replace('http', 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    connectionParams: { 'x-api-key': t.keys.read },
    retryAttempts: 0,
  });
  return new Promise((resolve, reject) => {
    const stop = client.subscribe<{ interactionAdded: { cursor: string; interaction: { id: string } } }>(
      {
        query: `subscription($filter: InteractionFilterInput, $after: String) {
          interactionAdded(filter: $filter, after: $after) { cursor interaction { id } }
        }`,
        variables: { filter: { resourceId: RESOURCE }, after },
      },
      {
        next: ({ data, errors }) => {
          if (errors) return reject(new Error(JSON.stringify(errors)));
          got.ids.push(data!.interactionAdded.interaction.id);
          got.cursors.push(data!.interactionAdded.cursor);
          if (got.ids.length >= total) {
            stop();
            void client.dispose();
            resolve(got);
          }
        },
        error: reject,
        complete: () => resolve(got),
      },
    );
  });
}

it(`${WRITERS} writers (single and batch) and three consumers: each gets exactly the set written, in feed order`, async () => {
  // The starting point, taken before any write: every consumer follows from here.
  const head = await openSse(`${base}/api/interactions/stream?resourceId=${RESOURCE}`, { 'x-api-key': t.keys.read });
  const start = (await head.next())!.id!;
  head.close();

  const consumers = Promise.all([
    sseConsumer(start, ROWS, 0),
    wsConsumer(start, ROWS),
    sseConsumer(start, ROWS, RESUMES),
  ]);
  const share = Math.ceil(ROWS / WRITERS);
  const written = (
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w, Math.min(share, ROWS - w * share))))
  ).flat();
  expect(written).toHaveLength(ROWS);
  expect(new Set(written).size).toBe(ROWS);

  for (const received of await consumers) {
    expect(received.ids).toHaveLength(ROWS);
    expect(new Set(received.ids)).toEqual(new Set(written));
    const positions = received.cursors.map((cursor) => parseFeedCursor(cursor));
    for (let i = 1; i < positions.length; i++) {
      expect(compareFeedPositions(positions[i - 1], positions[i])).toBeLessThan(0);
    }
  }
}, 600_000);
