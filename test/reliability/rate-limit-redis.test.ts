/**
 * The per-key rate limit shared through the real Redis (127.0.0.1:6379), reached through a TCP proxy the test cuts:
 * the shared Redis server itself is never stopped (other suites use it).
 */
import { randomUUID } from 'node:crypto';
import { sharedRequestLimiter, type RequestLimiter } from '../../src/auth/rate-limiter';
import { freePort } from '../helpers/service';
import { CuttableProxy } from '../helpers/tcp-proxy';

const REDIS = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

describe('rate limit shared through Redis', () => {
  let proxy: CuttableProxy;
  let a: RequestLimiter & { ready(): Promise<void> };
  let b: RequestLimiter & { ready(): Promise<void> };
  const events: string[] = [];
  const key = `key-${randomUUID()}:write`;

  beforeAll(async () => {
    proxy = new CuttableProxy(await freePort(), { host: REDIS.hostname, port: Number(REDIS.port || 6379) });
    await proxy.start();
    const make = (name: string) =>
      sharedRequestLimiter({
        perMinute: 5,
        redisUrl: `redis://127.0.0.1:${proxy.port}`,
        keyPrefix: 'interactions:test',
        // Generous: a loaded CI machine must not turn a slow answer into the fallback this test is not about.
        timeoutMs: 5000,
        onFallback: (state) => events.push(`${name}:${state}`),
      });
    [a, b] = await Promise.all([make('a'), make('b')]);
    await Promise.all([a.ready(), b.ready()]);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await proxy.cut();
  });

  it('two instances draw on one budget', async () => {
    for (let i = 0; i < 3; i += 1) await a.take(key);
    for (let i = 0; i < 2; i += 1) await b.take(key);
    await expect(a.take(key)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    await expect(b.take(key)).rejects.toMatchObject({
      code: 'RATE_LIMITED',
      details: { retryAfterSeconds: expect.any(Number) },
    });
    expect(events).toEqual([]);
  });

  it('with Redis cut off, requests still pass, counted per instance, and the fallback is reported once', async () => {
    await proxy.cut();
    const other = `key-${randomUUID()}:read`;
    const started = Date.now();
    for (let i = 0; i < 5; i += 1) await a.take(other);
    // The local budget (5 a minute) still limits this instance.
    await expect(a.take(other)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
    // The other instance counts its own.
    for (let i = 0; i < 5; i += 1) await b.take(other);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(events.sort()).toEqual(['a:degraded', 'b:degraded']);
  });

  it('counts through Redis again once it is reachable', async () => {
    await proxy.start();
    const again = `key-${randomUUID()}:admin`;
    const deadline = Date.now() + 10_000;
    while (!events.includes('a:recovered') && Date.now() < deadline) {
      await a.take(`probe-${randomUUID()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(events).toContain('a:recovered');
    for (let i = 0; i < 5; i += 1) await a.take(again);
    await expect(a.take(again)).rejects.toMatchObject({ code: 'RATE_LIMITED' });
  });
});
