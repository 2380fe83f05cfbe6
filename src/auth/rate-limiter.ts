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

  /**
   * Takes `units` (default one request) from the bucket of `key`; throws RATE_LIMITED with `retryAfterSeconds` when
   * it holds fewer. More units than a whole minute's worth are refused for good: they can never fit.
   */
  take(key: string, units = 1): void {
    if (this.perMinute <= 0) return;
    const now = this.now();
    const ratePerMs = this.perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, updated: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.updated) * ratePerMs);
    bucket.updated = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < units) {
      const retryAfterSeconds = Math.max(1, Math.ceil((units - bucket.tokens) / ratePerMs / 1000));
      throw new AppError('RATE_LIMITED', `Rate limit of ${this.perMinute} requests a minute reached for this key`, {
        retryAfterSeconds,
      });
    }
    bucket.tokens -= units;
  }
}

/** Charges requests against a per-key budget; `take` rejects with RATE_LIMITED when it is spent. */
export interface RequestLimiter {
  /** Takes `units` (default one request) from the budget of `key`. */
  take(key: string, units?: number): Promise<void>;
  /** Releases connections (Redis). */
  close(): Promise<void>;
}

/** The in-memory RateLimiter as a RequestLimiter (no REDIS_URL). */
export function localRequestLimiter(perMinute: number): RequestLimiter {
  const limiter = new RateLimiter(perMinute);
  return {
    take: async (key, units = 1) => limiter.take(key, units),
    close: async () => undefined,
  };
}

/** How long a rate-limit call may wait for Redis before the request is counted locally instead. */
const REDIS_TIMEOUT_MS = 250;

export interface SharedRequestLimiterOptions {
  perMinute: number;
  redisUrl: string;
  /** Told when Redis becomes unreachable (per-instance counting from then on) and when it is back. */
  onFallback?: (state: 'degraded' | 'recovered', error?: unknown) => void;
  /** Prefix of the Redis keys (tests keep theirs apart). */
  keyPrefix?: string;
  /** Longest wait for Redis before counting locally, default REDIS_TIMEOUT_MS. */
  timeoutMs?: number;
}

/**
 * A budget shared by every instance through Redis (rate-limiter-flexible: `perMinute` requests per key per fixed
 * minute, counted atomically in Redis). When Redis cannot answer within REDIS_TIMEOUT_MS — down, cut off, not yet
 * connected — the request is counted by this instance's own RateLimiter instead, and `onFallback` is told once per
 * outage: a request never fails, nor waits long, because of the limiter. The shared count resumes by itself when
 * Redis is back.
 */
export async function sharedRequestLimiter({
  perMinute,
  redisUrl,
  onFallback = () => undefined,
  keyPrefix = 'interactions:rl',
  timeoutMs = REDIS_TIMEOUT_MS,
}: SharedRequestLimiterOptions): Promise<RequestLimiter & { ready(): Promise<void> }> {
  const [{ default: Redis }, { RateLimiterRedis, RateLimiterRes }] = await Promise.all([
    import('ioredis'),
    import('rate-limiter-flexible'),
  ]);
  const redis = new Redis(redisUrl, {
    // Fail at once while disconnected instead of queueing: the local count takes over.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    connectTimeout: 1000,
    lazyConnect: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  redis.on('error', () => undefined);
  redis.connect().catch(() => undefined);
  const shared = new RateLimiterRedis({
    storeClient: redis,
    points: perMinute,
    duration: 60,
    keyPrefix,
    rejectIfRedisNotReady: true,
  });
  const local = new RateLimiter(perMinute);
  let degraded = false;
  return {
    /** Resolves once connected to Redis (tests; the service does not wait: it counts locally until then). */
    ready: () =>
      redis.status === 'ready'
        ? Promise.resolve()
        : new Promise<void>((resolve) => redis.once('ready', () => resolve())),
    async take(key, units = 1) {
      if (perMinute <= 0) return;
      try {
        await shared.consume(key, units);
        if (degraded) {
          degraded = false;
          onFallback('recovered');
        }
      } catch (error) {
        if (error instanceof RateLimiterRes) {
          throw new AppError('RATE_LIMITED', `Rate limit of ${perMinute} requests a minute reached for this key`, {
            retryAfterSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)),
          });
        }
        if (!degraded) {
          degraded = true;
          onFallback('degraded', error);
        }
        local.take(key, units);
      }
    },
    async close() {
      redis.disconnect();
    },
  };
}
