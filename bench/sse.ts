import http from 'node:http';

/** One Server-Sent Event as the bench reads it (comments and `retry:` are dropped). */
export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/**
 * Splits a text/event-stream into events, chunk by chunk (a chunk may end anywhere, mid-line included). The bench's
 * own reader: bench/ depends on nothing under test/, and 1,000 streams over node:http cost far less than over fetch.
 */
export class SseParser {
  private buffer = '';

  constructor(private readonly onEvent: (event: SseEvent) => void) {}

  push(chunk: string): void {
    this.buffer += chunk;
    let cut: number;
    while ((cut = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, cut);
      this.buffer = this.buffer.slice(cut + 2);
      const event: SseEvent = { event: 'message', data: '' };
      let hasEvent = false;
      for (const line of block.split('\n')) {
        if (line.startsWith('id: ')) event.id = line.slice(4);
        else if (line.startsWith('event: ')) {
          event.event = line.slice(7);
          hasEvent = true;
        } else if (line.startsWith('data: ')) {
          event.data += event.data ? `\n${line.slice(6)}` : line.slice(6);
          hasEvent = true;
        }
      }
      if (hasEvent) this.onEvent(event);
    }
  }
}

/** An open SSE stream of the bench. */
export interface SseConnection {
  /** Events of type `interaction` received so far. */
  readonly interactions: number;
  /** The `end` event's reason (`slow`, `shutdown`), `closed` when the server closed without one, null while open. */
  readonly endedWith: string | null;
  close(): void;
}

export interface OpenSseOptions {
  /** Called with each `interaction` event, at the moment its chunk was read. */
  onInteraction?: (event: SseEvent) => void;
  /** Longest wait for the `ready` event, in ms. */
  readyTimeoutMs?: number;
}

/**
 * Opens `url` (GET, `x-api-key: key`) as an event stream over node:http, one socket of its own, and resolves once the
 * `ready` event came; rejects on another status (with the body) or a timeout. `interaction` events go to
 * `onInteraction`; the stream is read (never paused) until `close()`.
 */
export function openSse(url: string, key: string, options: OpenSseOptions = {}): Promise<SseConnection> {
  const { onInteraction, readyTimeoutMs = 60_000 } = options;
  return new Promise((resolve, reject) => {
    let interactions = 0;
    let endedWith: string | null = null;
    let ready = false;
    const request = http.get(url, { agent: false, headers: { 'x-api-key': key, accept: 'text/event-stream' } });
    const timer = setTimeout(() => fail(new Error(`no ready event within ${readyTimeoutMs} ms`)), readyTimeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      request.destroy();
      reject(error);
    };
    const connection: SseConnection = {
      get interactions() {
        return interactions;
      },
      get endedWith() {
        return endedWith;
      },
      close: () => request.destroy(),
    };
    const parser = new SseParser((event) => {
      if (event.event === 'interaction') {
        interactions += 1;
        onInteraction?.(event);
      } else if (event.event === 'ready' && !ready) {
        ready = true;
        clearTimeout(timer);
        resolve(connection);
      } else if (event.event === 'end') {
        endedWith = (JSON.parse(event.data) as { reason?: string }).reason ?? 'end';
      }
    });
    request.on('error', (error) => (ready ? undefined : fail(error)));
    request.on('response', (response) => {
      if (response.statusCode !== 200) {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => fail(new Error(`stream answered ${response.statusCode}: ${body.slice(0, 300)}`)));
        return;
      }
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => parser.push(chunk));
      // A reset (the service stopping, close()) ends the stream; `endedWith` says how.
      response.on('error', () => undefined);
      response.on('close', () => {
        endedWith ??= 'closed';
        if (!ready) fail(new Error('stream closed before its ready event'));
      });
    });
  });
}

/**
 * Opens `count` streams of `url`, `concurrency` connecting at a time (a burst of 1,000 handshakes would time out on a
 * busy machine). On any failure the ones already open are closed and the error rethrown: nothing is left behind.
 */
export async function openManySse(
  url: string,
  key: string,
  count: number,
  concurrency = 50,
  options: OpenSseOptions = {},
): Promise<SseConnection[]> {
  const open: SseConnection[] = [];
  let next = 0;
  let failure: unknown = null;
  const worker = async () => {
    while (next < count && failure === null) {
      next += 1;
      try {
        open.push(await openSse(url, key, options));
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  if (failure !== null) {
    for (const connection of open) connection.close();
    throw failure;
  }
  return open;
}
