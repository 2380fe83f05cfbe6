import { backoffDelay, type BackoffBounds } from './backoff';

/**
 * The refusal of a statement while the database is known to be unreachable: nothing was sent. src/db/errors.ts
 * translates it to 503 UNAVAILABLE with `Retry-After`.
 */
export class CircuitOpenError extends Error {
  readonly code = 'CIRCUIT_OPEN';
  constructor() {
    super('The database is unreachable; the statement was not sent');
    this.name = 'CircuitOpenError';
  }
}

/** What the breaker needs from the database it guards. */
export interface CircuitBreakerOptions {
  /** Resolves when the database answers on a fresh connection; rejects (in bounded time) when it does not. */
  probe: () => Promise<void>;
  /** Delays between probes while open (full jitter): short, since one probe a second costs the database nothing. */
  probeDelays: BackoffBounds;
  /** Told when the breaker opens (with the probe's error) and when it closes again. */
  onChange?: (state: 'open' | 'closed', error?: unknown) => void;
  random?: () => number;
}

/**
 * A circuit breaker in front of a database: a connection failure or a stall makes it *suspect* an outage and send
 * one probe; a failed probe *opens* it. While open, every statement is refused at once (CircuitOpenError) instead of
 * waiting for a connect timeout, and one probe at a time, on a jittered backoff, checks whether the database is back
 * (half-open); the first probe that succeeds closes it. One probe in flight at most, ever: a down database sees one
 * connection attempt per probe delay from each instance, not one per request.
 */
export class CircuitBreaker {
  private state: 'closed' | 'open' = 'closed';
  private probing = false;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly listeners = { open: new Set<() => void>(), closed: new Set<() => void>() };

  constructor(private readonly options: CircuitBreakerOptions) {}

  /** True while statements are refused. */
  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** The error to throw instead of sending a statement, or null when the breaker is closed. */
  refusal(): CircuitOpenError | null {
    return this.state === 'closed' ? null : new CircuitOpenError();
  }

  /**
   * A sign of an outage (a refused or dropped connection, a connect or read timeout, statements stalled): probe now,
   * unless a probe is already running or scheduled. A single failure does not open the breaker — a connection the
   * server closed while idle is no outage — only a failed probe does.
   */
  suspect(): void {
    if (this.stopped || this.probing || this.state === 'open') return;
    void this.runProbe();
  }

  /** Calls `listener` each time the breaker opens or closes; returns a function that removes it. */
  on(event: 'open' | 'closed', listener: () => void): () => void {
    this.listeners[event].add(listener);
    return () => void this.listeners[event].delete(listener);
  }

  /** No more probes (the database is closing). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private async runProbe(): Promise<void> {
    this.probing = true;
    let failure: unknown = null;
    try {
      await this.options.probe();
    } catch (error) {
      failure = error ?? new Error('probe failed');
    } finally {
      this.probing = false;
    }
    if (this.stopped) return;
    if (failure === null) {
      this.attempt = 0;
      if (this.state === 'open') this.change('closed');
      return;
    }
    if (this.state === 'closed') this.change('open', failure);
    const delay = backoffDelay(this.attempt++, this.options.probeDelays, this.options.random);
    this.timer = setTimeout(() => void this.runProbe(), delay);
    this.timer.unref();
  }

  private change(state: 'open' | 'closed', error?: unknown): void {
    this.state = state;
    this.options.onChange?.(state, error);
    for (const listener of this.listeners[state]) listener();
  }
}
