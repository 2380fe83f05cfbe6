/** Bounds of an exponential backoff: the first delay's ceiling and the largest ceiling it doubles up to. */
export interface BackoffBounds {
  baseMs: number;
  maxMs: number;
}

/**
 * Delay before retry number `attempt` (0 for the first): "full jitter", a uniform draw in [0, min(max, base·2^attempt)).
 * The draw spreads the retries of many instances that lost the database at the same moment, so they do not knock on
 * its door in step when it comes back.
 */
export function backoffDelay(attempt: number, { baseMs, maxMs }: BackoffBounds, random: () => number = Math.random) {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
