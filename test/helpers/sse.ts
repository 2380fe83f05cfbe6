import type { IncomingMessage } from 'node:http';
import type { Response } from 'superagent';
/** One Server-Sent Event as a client sees it. */
export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/** A streaming response read as SSE: events in order, comments counted, the status and headers of the answer. */
export interface SseStream {
  status: number;
  headers: Headers;
  /** The body when the answer was not a stream (an error). */
  body: string;
  /** Resolves with the next event, or null when the stream ended. */
  next(timeoutMs?: number): Promise<SseEvent | null>;
  /** Comment lines (`: heartbeat`) seen so far. */
  comments: string[];
  /** `retry:` values seen so far. */
  retries: number[];
  close(): void;
}

/** Opens `url` with `headers` and reads it as an event stream (fetch; no EventSource in Node 20). */
export async function openSse(url: string, headers: Record<string, string>): Promise<SseStream> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const isStream = res.status === 200 && (res.headers.get('content-type') ?? '').startsWith('text/event-stream');
  const body = isStream ? '' : await res.text();
  const reader = isStream ? res.body!.getReader() : null;
  const decoder = new TextDecoder();
  const queue: SseEvent[] = [];
  const comments: string[] = [];
  const retries: number[] = [];
  let buffer = '';
  let ended = !isStream;
  // One read in flight at a time, kept across timeouts: a read abandoned on a timeout would swallow its chunk.
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;

  const parse = () => {
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const event: SseEvent = { event: 'message', data: '' };
      let hasEvent = false;
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) comments.push(line.slice(1).trim());
        else if (line.startsWith('retry: ')) retries.push(Number(line.slice(7)));
        else if (line.startsWith('id: ')) event.id = line.slice(4);
        else if (line.startsWith('event: ')) {
          event.event = line.slice(7);
          hasEvent = true;
        } else if (line.startsWith('data: ')) {
          event.data += line.slice(6);
          hasEvent = true;
        }
      }
      if (hasEvent) queue.push(event);
    }
  };

  return {
    status: res.status,
    headers: res.headers,
    body,
    comments,
    retries,
    async next(timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (queue.length === 0 && !ended) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no event within ${timeoutMs} ms`);
        let timer: NodeJS.Timeout | undefined;
        pending ??= reader!.read();
        const chunk = await Promise.race([
          pending,
          new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), left))),
        ]).catch(() => ({ done: true as const, value: undefined }));
        clearTimeout(timer);
        if (chunk === 'timeout') continue;
        pending = null;
        if (chunk.done) ended = true;
        else buffer += decoder.decode(chunk.value, { stream: true });
        parse();
      }
      return queue.shift() ?? null;
    },
    close() {
      ended = true;
      controller.abort();
    },
  };
}

/**
 * A supertest parser for routes that may answer an event stream, which never ends by itself: an event stream is read
 * up to its first event (the `ready` event) and then closed, its text the body; any other answer is read whole, JSON
 * parsed as usual. Use it as `request(app).get(path).buffer(true).parse(eventStreamHead)`.
 */
export function eventStreamHead(answer: Response, done: (error: Error | null, body: unknown) => void): void {
  // superagent types the parser's argument as its Response; in Node it is the raw IncomingMessage.
  const res = answer as unknown as IncomingMessage;
  const isStream = String(res.headers['content-type'] ?? '').startsWith('text/event-stream');
  let text = '';
  let finished = false;
  const finish = (body: unknown) => {
    if (finished) return;
    finished = true;
    done(null, body);
  };
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    text += chunk;
    if (isStream && text.includes('\n\n')) {
      res.destroy();
      finish(text);
    }
  });
  res.on('end', () => {
    if (isStream) return finish(text);
    try {
      finish(text ? JSON.parse(text) : {});
    } catch {
      finish(text);
    }
  });
  res.on('close', () => finish(isStream ? text : {}));
}
