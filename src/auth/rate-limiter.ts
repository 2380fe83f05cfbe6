import { AppError } from '../errors/app-error';

/**
 * Token buckets per (API key, scope): `perMinute` requests a minute, refilled continuously, bursts up to the same
 * number. In memory, per instance: a shared counter would put a database write on every request; with N instances
 * behind a balancer the effective limit is at most N × the configured one (documented).
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updated: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one request from the bucket of `key`; throws RATE_LIMITED with `retryAfterSeconds` when empty. */
  take(key: string): void {
    if (this.perMinute <= 0) return;
    const now = this.now();
    const ratePerMs = this.perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, updated: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.updated) * ratePerMs);
    bucket.updated = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) {
      const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1000));
      throw new AppError('RATE_LIMITED', `Rate limit of ${this.perMinute} requests a minute reached for this key`, {
        retryAfterSeconds,
      });
    }
    bucket.tokens -= 1;
  }
}
