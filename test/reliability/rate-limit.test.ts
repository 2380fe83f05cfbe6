import { RateLimiter } from '../../src/auth/rate-limiter';
import { api, createTestApp, type TestApp } from '../helpers/app';

describe('RateLimiter', () => {
  it('allows a burst of perMinute, then refuses with a retry delay, then recovers as time passes', () => {
    let now = 0;
    const limiter = new RateLimiter(60, () => now);
    for (let i = 0; i < 60; i++) limiter.take('k');
    expect(() => limiter.take('k')).toThrow(
      expect.objectContaining({ code: 'RATE_LIMITED', details: { retryAfterSeconds: 1 } }),
    );
    now += 1000;
    expect(() => limiter.take('k')).not.toThrow();
    expect(() => limiter.take('k')).toThrow(expect.objectContaining({ code: 'RATE_LIMITED' }));
  });

  it('keeps separate buckets per key', () => {
    const limiter = new RateLimiter(1, () => 0);
    limiter.take('a');
    expect(() => limiter.take('b')).not.toThrow();
  });

  it('does nothing with a limit of 0', () => {
    const limiter = new RateLimiter(0, () => 0);
    for (let i = 0; i < 1000; i++) limiter.take('a');
  });
});

describe('rate limiting over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_PER_MINUTE: '10' }); // a burst of 10, then one every 6 s
  });
  afterAll(() => t.close());

  it('answers 429 RATE_LIMITED with Retry-After once a key has used its minute, per scope, and recovers', async () => {
    const read = api(t.app, t.keys.admin);
    for (let i = 0; i < 10; i++) expect((await read.get('/api/actions')).status).toBe(200);
    const limited = await read.get('/api/actions');
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    // Another scope of the same key has its own budget.
    const write = await read
      .post('/api/interactions')
      .send({ resourceId: 'r', resourceTypeId: null, resourceType: null, action: 'CREATE', origin: 'API' });
    expect(write.status).not.toBe(429);

    // GraphQL shares the budget and reports 429 too.
    const graphql = await read.graphql('{ actions { id } }');
    expect(graphql.status).toBe(429);
    expect(graphql.body.errors[0].extensions.code).toBe('RATE_LIMITED');

    await new Promise((resolve) => setTimeout(resolve, Number(limited.headers['retry-after']) * 1000 + 100));
    expect((await read.get('/api/actions')).status).toBe(200);
  });

  it('limits each key on its own', async () => {
    expect((await api(t.app, t.keys.read).get('/api/actions')).status).toBe(200);
  });
});
