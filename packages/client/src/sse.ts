// No Node-only import here: the web console bundles this module (through ./feed). Browsers have EventSource, but it
// cannot send the x-api-key header, so both the SDK and the console read the stream with fetch and parse it here.

/** One Server-Sent Event: its type (`message` when unnamed), its data lines joined by `\n`, and its `id:` if it had one. */
export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/**
 * An incremental parser of the `text/event-stream` format (WHATWG HTML, "Server-sent events"): push decoded text as it
 * arrives, in chunks cut anywhere, and take the events completed so far. Comments (`: heartbeat`) are dropped; a
 * block without `data:` dispatches nothing, as in a browser.
 */
export class SseParser {
  /** The last `retry:` the server asked for, in ms. */
  retryMs: number | null = null;
  private buffer = '';
  private type = '';
  private data: string[] = [];
  private id: string | undefined;

  /** Parses `text` (the next decoded chunk) and returns the events it completed. */
  push(text: string): SseEvent[] {
    this.buffer += text;
    // A CR at the end may be the first half of a CRLF cut by the chunking: wait for the next chunk to tell.
    const held = this.buffer.endsWith('\r') ? 1 : 0;
    const lines = this.buffer
      .slice(0, this.buffer.length - held)
      .replace(/\r\n?/g, '\n')
      .split('\n');
    this.buffer = lines.pop()! + (held ? '\r' : '');
    const events: SseEvent[] = [];
    for (const line of lines) {
      if (line === '') {
        if (this.data.length > 0) {
          const event: SseEvent = { event: this.type || 'message', data: this.data.join('\n') };
          if (this.id !== undefined) event.id = this.id;
          events.push(event);
        }
        this.type = '';
        this.data = [];
        this.id = undefined;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') this.type = value;
      else if (field === 'data') this.data.push(value);
      else if (field === 'id' && !value.includes('\0')) this.id = value;
      else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
    }
    return events;
  }
}
