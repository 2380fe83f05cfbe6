// No Node-only import here: the web console follows the live feed with this module too, so the rules of resuming
// (from which cursor, after which events, how long to wait) live in one place.
import { errorOf, InteractionsError } from './errors';
import { retryAfterMs, retryDelayMs } from './retry';
import { SseParser } from './sse';
import type { FeedFilter, FeedItem, ReconnectOptions } from './types';

const PATH = '/api/interactions/stream';
/** Answers worth another try: too many streams or requests for now, a service (or its proxy) restarting. */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/** Where a follower stands: opening its first connection, receiving, or waiting to connect again after a drop. */
export type FeedStatus = 'connecting' | 'live' | 'reconnecting';

/** What `followFeed` needs: where the service is, the key, the filters and where to start. */
export interface FollowFeedOptions {
  /** e.g. `http://localhost:3000` (no trailing `/api`). */
  baseUrl: string;
  /** Sent as `x-api-key` (needs the read scope). */
  apiKey: string;
  /** Headers added to every connection. */
  headers?: Record<string, string>;
  /** fetch implementation (default the global one). */
  fetch?: typeof fetch;
  /** The list's filters (GET /api/interactions): only matching interactions are delivered. */
  filter?: FeedFilter;
  /** Start after this cursor (one received earlier; `0` replays the whole log); absent: from now on. */
  after?: string;
  /** Aborting it ends the iteration (and closes the connection) without an error. */
  signal?: AbortSignal;
  reconnect?: ReconnectOptions;
  /** Told of every change of status, with the cursor it would resume from. */
  onStatus?: (status: FeedStatus, cursor: string | undefined) => void;
}

/** Why one connection ended without an error: the server dropped it, or said so with an `end` event. */
type Ending = 'dropped' | 'slow' | 'shutdown';

/** Waits `ms`, or less when `signal` aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * The events of one response body. Only a read is timed (not the consumer's work between events): a connection
 * that goes silent for `idleMs` (heartbeats come every 15 s) is a dead one a network did not report, and is aborted.
 */
async function* eventsOf(body: ReadableStream<Uint8Array>, connection: AbortController, idleMs: number) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const parser = new SseParser();
  try {
    for (;;) {
      const timer = setTimeout(() => connection.abort(), idleMs);
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } finally {
        clearTimeout(timer);
      }
      if (chunk.done) return;
      yield* parser.push(decoder.decode(chunk.value, { stream: true }));
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

/**
 * Follows `GET /api/interactions/stream`: yields `{ cursor, item }` for every interaction matching `filter`, in feed
 * order, for as long as the caller iterates. When the connection drops, or the server ends it (`end` with reason
 * `slow` or `shutdown`), it connects again after a jittered, capped backoff with `?after=` the last cursor received
 * (or the `ready` cursor before any), so nothing is missed and nothing repeats. It gives up, throwing the last
 * InteractionsError, after `reconnect.maxAttempts` attempts in a row that did not reach `ready`; an answer that will
 * not change by retrying (400, 401, 403) is thrown at once. Leaving the loop or aborting `signal` closes the request.
 */
export async function* followFeed(options: FollowFeedOptions): AsyncGenerator<FeedItem, void, undefined> {
  const { signal } = options;
  const fetchImpl = options.fetch ?? fetch;
  const reconnect = {
    maxAttempts: options.reconnect?.maxAttempts ?? 20,
    baseDelayMs: options.reconnect?.baseDelayMs ?? 250,
    maxDelayMs: options.reconnect?.maxDelayMs ?? 15_000,
    maxRetryAfterMs: options.reconnect?.maxDelayMs ?? 15_000,
  };
  const idleMs = options.reconnect?.idleTimeoutMs ?? 45_000;
  const headers: Record<string, string> = {
    ...options.headers,
    accept: 'text/event-stream',
    'x-api-key': options.apiKey,
  };
  let cursor = options.after;
  let everLive = false;
  // Connections in a row that did not reach `ready`; reaching it starts the count again (a drop after it is normal).
  let failures = 0;
  let lastError: InteractionsError | null = null;

  for (;;) {
    if (signal?.aborted) return;
    options.onStatus?.(everLive || failures > 0 ? 'reconnecting' : 'connecting', cursor);
    const url = new URL(options.baseUrl.replace(/\/+$/, '') + PATH);
    for (const [name, value] of Object.entries(options.filter ?? {})) {
      if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
    }
    if (cursor !== undefined) url.searchParams.set('after', cursor);

    const connection = new AbortController();
    const stop = () => connection.abort();
    signal?.addEventListener('abort', stop, { once: true });
    let ending: Ending = 'dropped';
    let reachedReady = false;
    let retryAfter: number | null = null;
    try {
      const response = await fetchImpl(url, { headers, signal: connection.signal });
      if (!response.ok || !response.body) {
        const error = await errorOf(response, 'GET', PATH);
        if (!RETRYABLE_STATUS.has(response.status)) throw error;
        lastError = error;
        retryAfter = retryAfterMs(response.headers.get('retry-after'));
      } else {
        for await (const event of eventsOf(response.body, connection, idleMs)) {
          if (event.event === 'ready') {
            cursor = event.id ?? (JSON.parse(event.data) as { cursor: string }).cursor;
            everLive = true;
            reachedReady = true;
            failures = 0;
            options.onStatus?.('live', cursor);
          } else if (event.event === 'interaction' && event.id !== undefined) {
            cursor = event.id;
            yield { cursor, item: JSON.parse(event.data) as FeedItem['item'] };
          } else if (event.event === 'end') {
            const end = JSON.parse(event.data) as { reason: Ending; lastEventId?: string };
            if (end.lastEventId) cursor = end.lastEventId;
            ending = end.reason === 'slow' ? 'slow' : 'shutdown';
            break;
          }
        }
      }
    } catch (error) {
      if (signal?.aborted) return;
      if (error instanceof InteractionsError) throw error;
      lastError = new InteractionsError(0, 'NETWORK_ERROR', `GET ${PATH} failed: ${(error as Error).message}`);
    } finally {
      signal?.removeEventListener('abort', stop);
      // Closes the request when the caller leaves the loop (the generator's return() runs this) or the stream ended.
      connection.abort();
    }
    if (signal?.aborted) return;
    // A consumer ended as too slow resumes at once: the server is fine, and waiting only makes it further behind.
    if (ending === 'slow') continue;
    if (!reachedReady) {
      failures += 1;
      if (failures >= reconnect.maxAttempts) {
        throw lastError ?? new InteractionsError(0, 'NETWORK_ERROR', `GET ${PATH} failed ${failures} times in a row`);
      }
    }
    await pause(retryDelayMs(failures + 1, retryAfter, reconnect), signal);
  }
}
