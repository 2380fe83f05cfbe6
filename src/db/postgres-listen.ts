import { Client, type ClientConfig } from 'pg';
import { backoffDelay } from './backoff';
import type { CircuitBreaker } from './circuit-breaker';
import type { DatabaseLimits } from './database.types';
import { LISTEN_BACKOFF, LISTEN_HEARTBEAT_MS } from './limits';

/** pg's Client with its socket (not in the typings): a connection is dropped by destroying it. */
type RawClient = Client & { connection?: { stream?: { destroy(): void } } };

/** Drops a connection at once, without the goodbye that end() waits for (a silent server never answers it). */
export function destroyConnection(client: Client): void {
  (client as RawClient).connection?.stream?.destroy();
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

interface ListenSettings {
  connection: ClientConfig;
  limits: DatabaseLimits;
  breaker: CircuitBreaker;
  onMessage: (payload: string) => void;
  onReset: () => void;
}

/**
 * The LISTEN connection: one at a time, ever. A lost or failed connection is dropped before the next attempt; one
 * chain of attempts, on jittered exponential backoff (LISTEN_BACKOFF), re-opens it — pg reports a failed connect
 * both as a rejection and as 'end', so every path goes through `lose`, which acts once per connection, and `retry`,
 * which does nothing while an attempt is pending or scheduled. When the pool's breaker closes, the database is back:
 * the next attempt runs at once. `onReset` runs on loss and again on each re-open, since notifications sent in between
 * were missed. A heartbeat finds a connection that died silently.
 */
export async function listenOn(
  channel: string,
  { connection, limits, breaker, onMessage, onReset }: ListenSettings,
): Promise<() => Promise<void>> {
  let stopped = false;
  let current: Client | null = null;
  let connecting = false;
  let timer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let attempt = 0;
  let opened = false;

  const retry = (wait = backoffDelay(attempt++, LISTEN_BACKOFF)) => {
    if (stopped || connecting || current || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void open();
    }, wait);
    timer.unref();
  };
  const open = async () => {
    if (stopped || connecting || current) return;
    connecting = true;
    const listener = new Client({
      ...connection,
      application_name: 'interactions-listen',
      query_timeout: limits.connectTimeoutMs,
    });
    let gone = false;
    const lose = () => {
      if (gone) return;
      gone = true;
      destroyConnection(listener);
      if (current !== listener) return;
      current = null;
      clearInterval(heartbeat);
      if (!stopped) onReset();
      retry();
    };
    listener.on('error', lose);
    listener.on('end', lose);
    listener.on('notification', (message) => {
      if (message.channel === channel) onMessage(message.payload ?? '');
    });
    try {
      await listener.connect();
      await listener.query(`LISTEN "${channel}"`);
    } catch {
      lose();
    }
    connecting = false;
    if (gone || stopped) {
      destroyConnection(listener);
      retry();
      return;
    }
    current = listener;
    attempt = 0;
    if (opened) onReset();
    opened = true;
    heartbeat = setInterval(() => listener.query('SELECT 1').catch(lose), LISTEN_HEARTBEAT_MS);
    heartbeat.unref();
  };
  const stopNudging = breaker.on('closed', () => {
    if (!timer) return;
    clearTimeout(timer);
    timer = undefined;
    attempt = 0;
    void open();
  });

  await open();
  return async () => {
    stopped = true;
    stopNudging();
    clearTimeout(timer);
    clearInterval(heartbeat);
    const listener = current;
    current = null;
    if (listener) {
      await Promise.race([listener.end(), delay(limits.connectTimeoutMs)]).catch(() => undefined);
      destroyConnection(listener);
    }
  };
}
