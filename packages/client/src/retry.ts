// No Node-only import here: the web console bundles this module (through ./feed).

export interface RetryOptions {
  /** Attempts in all, the first included (default 5; 1 disables retries). */
  maxAttempts?: number;
  /** First backoff delay in ms (default 200); doubles per attempt, with full jitter. */
  baseDelayMs?: number;
  /** Cap of a backoff delay in ms (default 10,000). */
  maxDelayMs?: number;
  /** Cap of a server's `Retry-After` in ms (default 60,000); a longer one is cut to this. */
  maxRetryAfterMs?: number;
}

/** `Retry-After` as ms: delta-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** The delay before retry number `attempt` (1-based): the server's Retry-After when given, else jittered backoff. */
export function retryDelayMs(attempt: number, retryAfter: number | null, options: Required<RetryOptions>): number {
  if (retryAfter !== null) return Math.min(retryAfter, options.maxRetryAfterMs);
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(Math.random() * ceiling);
}
