import { randomUUID } from 'node:crypto';
import { buildApp } from '../../src/app';
import { localRequestLimiter } from '../../src/auth/rate-limiter';
import type { Database } from '../../src/db/database';
import { createLogger } from '../../src/observability/logger';
import { withStatementLimit } from '../../src/db/request-database';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { countInteractions, ensureResourceTypes } from '../helpers/factories';

// An operation is planned before any of its fields runs: every scope it needs, the rows it may touch and the units it
// costs the rate limit (issue 15: a write committed behind a 403, unbounded aliased work, a rate limit counting
// requests instead of work).

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ RATE_LIMIT_PER_MINUTE: '300' });
  await ensureResourceTypes(t.database.db, ['PLAN']);
});
afterAll(() => t.close());

const input = (resourceId: string) =>
  `{ resourceId: "${resourceId}", resourceType: "PLAN", action: "CREATE", origin: "API" }`;

describe('scopes of the whole operation, before any field runs', () => {
  it('a write key sending a create and a key creation gets 403 and nothing is written', async () => {
    const res = await api(t.app, t.keys.write).graphql(`mutation {
      a: createInteraction(input: ${input('plan-mixed-1')}) { id }
      b: createApiKey(input: { name: "sneaky", scopes: ["admin"] }) { key }
    }`);
    expect(res.status).toBe(403);
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', details: { requiredScope: 'admin' } });
    expect(await countInteractions(t.database.db, 'plan-mixed-')).toBe(0);
    const keys = await api(t.app, t.keys.admin).get('/api/keys');
    expect(keys.body.data.map((key: { name: string }) => key.name)).not.toContain('sneaky');
  });

  it('the order of the fields does not matter', async () => {
    const res = await api(t.app, t.keys.write).graphql(`mutation {
      b: createApiKey(input: { name: "sneaky2", scopes: ["read"] }) { key }
      a: createInteraction(input: ${input('plan-mixed-2')}) { id }
    }`);
    expect(res.status).toBe(403);
    expect(await countInteractions(t.database.db, 'plan-mixed-')).toBe(0);
  });

  it('a read field inside a write key operation is refused too (write does not grant read)', async () => {
    const res = await api(t.app, t.keys.write).graphql(`mutation {
      a: createInteraction(input: ${input('plan-mixed-3')}) { id trace { uowId } }
    }`);
    expect(res.status).toBe(403);
    expect(await countInteractions(t.database.db, 'plan-mixed-')).toBe(0);
  });
});

describe('work-based limits', () => {
  it('refuses 20 aliased trace pages of 10,000 rows before execution, naming the cost', async () => {
    const uowId = randomUUID();
    const aliases = Array.from(
      { length: 20 },
      (_, i) => `t${i}: trace(uowId: "${uowId}") { interactions(limit: 10000) { items { id resourceId } } }`,
    );
    const before = t.queries.length;
    const res = await api(t.app, t.keys.read).graphql(`{ ${aliases.join('\n')} }`);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { cost: 200_000, maxCost: 120_000 },
    });
    expect(res.body.errors[0].message).toMatch(/200000 rows/);
    // Refused before execution: the operation sent no statement (only the key's authentication may have).
    expect(t.queries.slice(before).filter((sql) => /interactions/i.test(sql))).toEqual([]);
  });

  it('counts variables: the same operation with a small limit passes', async () => {
    const res = await api(t.app, t.keys.read).graphql(
      `query($uowId: ID!, $limit: Int) { a: trace(uowId: $uowId) { interactions(limit: $limit) { items { id } } } }`,
      { uowId: randomUUID(), limit: 10 },
    );
    expect(res.body.errors[0].extensions.code).toBe('NOT_FOUND');
  });

  it('200 aliased creates cost exactly 200 units of the rate limit', async () => {
    // The same database and keys, with the app's limiter wrapped to record every charge.
    const charges: { key: string; units: number }[] = [];
    const limiter = localRequestLimiter(300);
    const app = await buildApp({
      db: t.database.db,
      config: t.config,
      logger: createLogger({ level: 'silent' }),
      rateLimiter: {
        async take(key, units = 1) {
          charges.push({ key, units });
          await limiter.take(key, units);
        },
        close: () => limiter.close(),
      },
    });
    const creates = Array.from(
      { length: 200 },
      (_, i) => `c${i}: createInteraction(input: ${input(`plan-units-${i}`)}) { id }`,
    );
    const ok = await api(app, t.keys.write).graphql(`mutation { ${creates.join('\n')} }`);
    expect(ok.status).toBe(200);
    expect(ok.body.errors).toBeUndefined();
    expect(await countInteractions(t.database.db, 'plan-units-')).toBe(200);
    expect(charges.reduce((sum, charge) => sum + charge.units, 0)).toBe(200);
    // 300 a minute: 100 units remain (give or take a second's refill), so another 200 aliases do not fit...
    const refused = await api(app, t.keys.write).graphql(`mutation { ${creates.join('\n')} }`);
    expect(refused.status).toBe(429);
    expect(refused.body.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(await countInteractions(t.database.db, 'plan-units-')).toBe(200);
    // ...while a single create still does, for one unit: the charge was the work, not one request.
    charges.length = 0;
    const one = await api(app, t.keys.write)
      .post('/api/interactions')
      .send({ resourceId: 'plan-units-single', resourceType: 'PLAN', action: 'CREATE', origin: 'API' });
    expect(one.status).toBe(201);
    expect(charges.map((charge) => charge.units)).toEqual([1]);
  });
});

describe('a request holds a bounded share of the pool', () => {
  it('runs at most its share of statements at once, whatever it asks', async () => {
    let inFlight = 0;
    let most = 0;
    const base = t.database.db;
    const counting: Database = Object.create(base);
    Object.defineProperty(counting, 'sql', {
      value: {
        async query(text: string, params?: unknown[]) {
          inFlight += 1;
          most = Math.max(most, inFlight);
          try {
            return await base.sql.query(text, params);
          } finally {
            inFlight -= 1;
          }
        },
        exec: (text: string) => base.sql.exec(text),
      },
    });
    const view = withStatementLimit(counting, 3);
    await Promise.all(Array.from({ length: 20 }, () => view.sql.query('SELECT pg_sleep(0.02)')));
    expect(most).toBe(3);
  });

  it('an operation of many aliases still answers in full', async () => {
    const aliases = Array.from({ length: 30 }, (_, i) => `a${i}: interactions(limit: 1) { pagination { total } }`);
    const res = await api(t.app, t.keys.read).graphql(`{ ${aliases.join('\n')} }`);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.data)).toHaveLength(30);
  });
});
