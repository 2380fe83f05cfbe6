import type { Response } from 'express';
import type { Database } from '../db/database';
import { presentListItems } from '../interactions/interaction.export';
import { FILTER_PARAMS, filterOf } from '../interactions/interaction.routes';
import type { InteractionRecord } from '../interactions/interaction.model';
import { streamRoute, type RestRoute } from '../rest/route';
import { PARAMS, ref } from '../rest/schema';
import type { FeedEvent } from './feed.read';
import type { FeedSubscriber } from './feed.subscriber';

/** What a browser's EventSource waits before reconnecting (the `retry:` field), in ms. */
export const SSE_RETRY_MS = 2000;
/**
 * How long a stream ended for slowness may take to flush what it was handed (at most the socket's buffer and one
 * event: nothing more is written once a write waits) and its `end` event before its socket is cut.
 */
const SLOW_CLOSE_GRACE_MS = 30_000;

// A row fanned out to many SSE subscribers is presented and serialised once (the fan-out hands every subscriber the
// same record object).
const frames = new WeakMap<InteractionRecord, Promise<string>>();

/** One SSE event of the stream: `id` is the feed cursor (EventSource sends it back as Last-Event-ID). */
function frameOf(db: Database, event: FeedEvent): Promise<string> {
  let frame = frames.get(event.record);
  if (!frame) {
    frame = presentListItems(db, [event.record]).then(
      ([item]) => `id: ${event.cursor}\nevent: interaction\ndata: ${JSON.stringify(item)}\n\n`,
    );
    frames.set(event.record, frame);
  }
  return frame;
}

/** Writes `text`; when the socket's buffer is full, waits for it to drain, for the client to leave or for the end. */
async function send(res: Response, text: string, ended: Promise<unknown>): Promise<void> {
  if (res.write(text)) return;
  let done: () => void = () => undefined;
  const drained = new Promise<void>((resolve) => (done = resolve));
  res.once('drain', done);
  res.once('close', done);
  await Promise.race([drained, ended]);
  res.off('drain', done);
  res.off('close', done);
}

/** Streams a subscription to an SSE response until either side ends it. */
async function streamEvents(db: Database, subscriber: FeedSubscriber, res: Response, heartbeatMs: number) {
  const ended = new Promise((resolve) => subscriber.onEnd(resolve));
  res.on('close', () => subscriber.end('closed'));
  const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
  try {
    // The starting cursor first, as the id of a `ready` event: a client that reconnects before any interaction
    // arrived resumes from here (EventSource sends the last id it saw), so nothing committed meanwhile is missed.
    await send(
      res,
      `retry: ${SSE_RETRY_MS}\nid: ${subscriber.lastCursor}\nevent: ready\ndata: ${JSON.stringify({ cursor: subscriber.lastCursor })}\n\n`,
      ended,
    );
    for await (const event of subscriber) {
      await send(res, await frameOf(db, event), ended);
    }
  } finally {
    clearInterval(heartbeat);
  }
  const reason = subscriber.endReason;
  if (reason === 'slow' || reason === 'shutdown') {
    // Said last, after every delivered event: the client resumes from `lastEventId` without a gap.
    res.end(`event: end\ndata: ${JSON.stringify({ reason, lastEventId: subscriber.lastCursor })}\n\n`);
    if (reason === 'slow') setTimeout(() => res.destroy(), SLOW_CLOSE_GRACE_MS).unref();
  } else res.end();
}

/**
 * `GET /api/interactions/stream`: the live feed as Server-Sent Events (docs/adr/100-live-feed.md). Filters, the
 * scope and the cursor are checked before the stream starts (a JSON 4xx otherwise); then a `ready` event carrying the
 * starting cursor, one `interaction` event per match in feed order (`id:` its cursor, data the list item), a
 * heartbeat comment when idle, and an `end` event when the service stops or the client falls too far behind.
 */
export const feedRoutes: RestRoute[] = [
  streamRoute({
    method: 'get',
    path: '/api/interactions/stream',
    summary: 'Follow new interactions live as Server-Sent Events, resumable without gaps',
    description:
      'Every interaction committed from now on (or after `after` / `Last-Event-ID`) that matches the same filters as ' +
      'GET /api/interactions, once each, in feed order. Events: `ready` (data `{cursor}`: the starting position), ' +
      '`interaction` (`id:` its feed cursor, data the list item), and `end` (data `{reason, lastEventId}`, reason ' +
      '`slow` or `shutdown`) before the service closes the stream. Reconnect with `Last-Event-ID` (EventSource does) ' +
      'or `?after=` set to the last id received; `after=0` replays the whole log. A heartbeat comment is sent when ' +
      'the stream is idle. Each stream counts against the per-key subscription limit and costs one rate-limit unit.',
    scope: 'read',
    params: [
      ...FILTER_PARAMS,
      PARAMS.query('after', 'Resume after this feed cursor (an event id); `0` replays the whole log.'),
      {
        ...PARAMS.header('Last-Event-ID', 'The id of the last event received (sent by EventSource on reconnect).'),
        field: 'after',
      },
    ],
    errors: ['VALIDATION_ERROR'],
    produces: { 'text/event-stream': ref('InteractionListItem') },
    async handle(request, context, res) {
      await context.chargeRateLimit('read', 1);
      const fromQuery = typeof request.query.after === 'string' ? request.query.after : undefined;
      const subscriber = await context.feed.subscribe({
        keyId: context.principal!.keyId,
        filter: filterOf(request),
        after: fromQuery ?? request.headers['last-event-id'],
        afterField: fromQuery !== undefined ? 'after' : 'Last-Event-ID',
      });
      // The client may have left while the subscription was being opened: release it now, not when it is found slow.
      if (res.req.destroyed || res.destroyed) {
        subscriber.end('closed');
        return;
      }
      res.status(200);
      res.setHeader('content-type', 'text/event-stream; charset=utf-8');
      res.setHeader('cache-control', 'no-store');
      // Proxies such as nginx would otherwise hold events back to fill their buffer.
      res.setHeader('x-accel-buffering', 'no');
      res.flushHeaders();
      await streamEvents(context.db, subscriber, res, context.config.feedHeartbeatSeconds * 1000);
    },
  }),
];
