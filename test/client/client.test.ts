import { randomUUID } from 'node:crypto';
import express from 'express';
import {
  InteractionsClient,
  InteractionsError,
  outgoingHeaders,
  recordInteractions,
  retryAfterMs,
  retryDelayMs,
  type LoggedInteraction,
} from '../../packages/client/src';
import { InteractionsDocument, MeDocument, TraceSummaryDocument } from '../../packages/client/src/generated/graphql';
import { createTestApp, type TestApp } from '../helpers/app';
import { createLookupRow } from '../helpers/factories';
import { faultyProxy, listen } from '../helpers/proxy';

// The SDK against the real service on an ephemeral port, through a proxy that can inject 503s.

let t: TestApp;
let service: Awaited<ReturnType<typeof listen>>;
let proxy: Awaited<ReturnType<typeof faultyProxy>>;
const RETRY = { baseDelayMs: 1, maxDelayMs: 5 };

beforeAll(async () => {
  t = await createTestApp();
  await createLookupRow(t.database.db, 'resourceType', { mnemonic: 'ORDER' });
  await createLookupRow(t.database.db, 'resourceType', { mnemonic: 'HTTP_REQUEST' });
  service = await listen(t.app);
  proxy = await faultyProxy(service.url);
});
afterAll(async () => {
  await proxy.close();
  await service.close();
  await t.close();
});

const client = (key: string = t.keys.admin, maxAttempts = 5) =>
  new InteractionsClient({ baseUrl: proxy.url, apiKey: key, retry: { ...RETRY, maxAttempts } });

async function countInUow(uowId: string): Promise<number> {
  const [row] = await t.database.db.sql.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM interactions WHERE uow_id = $1',
    [uowId],
  );
  return row.n;
}

const order = (resourceId: string): LoggedInteraction => ({
  resourceId,
  resourceType: 'ORDER',
  action: 'CREATE',
  origin: 'API',
});

describe('typed GraphQL and REST helpers', () => {
  it('runs a codegen-typed query and returns typed data', async () => {
    const sdk = client();
    const uowId = randomUUID();
    await sdk.interactions.create(
      { resourceId: 'o-1', resourceType: 'ORDER', action: 'CREATE', origin: 'WEBAPP', interaction: { total: 5 } },
      { uowId, userId: 'u-1' },
    );
    const data = await sdk.graphql(InteractionsDocument, { filter: { uowId } });
    const item = data.interactions.items[0];
    expect(item.resourceType.mnemonic).toBe('ORDER');
    expect(item.userId).toBe('u-1');
    expect(item.interaction).toEqual({ total: 5 });
    expect(data.interactions.pagination.total).toBe(1);
    const summary = await sdk.graphql(TraceSummaryDocument, { uowId });
    expect(summary.trace.summary.totalInteractions).toBe(1);
    expect((await sdk.graphql(MeDocument)).me.scopes).toEqual(['admin']);
  });

  it('turns a GraphQL error into an InteractionsError with its code', async () => {
    await expect(client().graphql(TraceSummaryDocument, { uowId: randomUUID() })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('creates, gets, lists and reads traces over REST', async () => {
    const sdk = client();
    const uowId = randomUUID();
    const created = await sdk.interactions.create(
      { resourceId: 'o-2', resourceType: 'ORDER', action: 'CREATE', origin: 'API' },
      { uowId, timestamp: new Date('2026-01-02T03:04:05.000Z') },
    );
    expect(created).toMatchObject({ uowId, resourceId: 'o-2', interactionTimestamp: '2026-01-02T03:04:05.000Z' });
    expect((await sdk.interactions.get(created.interactionId)).resourceTypeMnemonic).toBe('ORDER');
    expect((await sdk.interactions.list({ uowId })).data.map((i) => i.interactionId)).toEqual([created.interactionId]);
    expect((await sdk.traces.get(uowId)).data).toHaveLength(1);
    expect((await sdk.traces.timeline(uowId)).data[0].action).toBe('CREATE');
    expect((await sdk.traces.summary(uowId)).totalInteractions).toBe(1);
    expect((await sdk.activity({ resources: [{ resourceId: 'o-2' }] })).data[0].uowId).toBe(uowId);
    expect((await sdk.lookups('actions').list()).map((l) => l.mnemonic)).toContain('CREATE');
    expect((await sdk.openApi()).openapi).toBe('3.1.0');
    const batch = await sdk.interactions.createBatch([order('b-1'), { ...order('b-2'), uowId, userId: 'u-3' }]);
    expect(batch.map((i) => [i.resourceId, i.userId])).toEqual([
      ['b-1', null],
      ['b-2', 'u-3'],
    ]);
    expect(await countInUow(uowId)).toBe(2);
  });

  it('throws InteractionsError with the service code, status and request id', async () => {
    const error = await client()
      .interactions.get('not-a-uuid')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InteractionsError);
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_ERROR', requestId: expect.any(String) });
  });
});

describe('retries', () => {
  it('retries a request answered 503 and succeeds', async () => {
    proxy.failNext(2);
    const page = await client().interactions.list({ limit: 1 });
    expect(page.pagination.limit).toBe(1);
    expect(proxy.plan.seen).toHaveLength(3);
  });

  it('gives up after maxAttempts with the last error', async () => {
    proxy.failNext(10);
    await expect(client(t.keys.admin, 3).interactions.list()).rejects.toMatchObject({
      status: 503,
      code: 'UNAVAILABLE',
    });
    expect(proxy.plan.seen).toHaveLength(3);
    proxy.failNext(0);
  });

  it('records a create once when the first answer is lost after the write (same Idempotency-Key on the retry)', async () => {
    const uowId = randomUUID();
    proxy.failNext(1, 'after');
    const created = await client().interactions.create(order('idem-1'), { uowId });
    expect(created.uowId).toBe(uowId);
    expect(proxy.plan.seen).toHaveLength(2);
    const keys = proxy.plan.seen.map((line) => line.split(' ')[2]);
    expect(keys[0]).not.toBe('');
    expect(keys[1]).toBe(keys[0]);
    expect(await countInUow(uowId)).toBe(1);
  });

  it('waits the Retry-After seconds when given, else a jittered exponential backoff within bounds', () => {
    const options = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 30_000 };
    expect(retryDelayMs(1, retryAfterMs('2'), options)).toBe(2000);
    expect(retryDelayMs(1, retryAfterMs('3600'), options)).toBe(30_000);
    expect(retryAfterMs(new Date(Date.UTC(2030, 0, 1, 0, 0, 5)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(5000);
    for (let attempt = 1; attempt <= 8; attempt++) {
      const delay = retryDelayMs(attempt, null, options);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(Math.min(1000, 100 * 2 ** (attempt - 1)));
    }
  });
});

describe('buffered logger', () => {
  it('delivers 10,000 interactions with none lost, holding at most maxBuffered at once', async () => {
    const uowId = randomUUID();
    // Straight to the service (the proxy's extra hop would only slow it down); 503 retries are tested above.
    const sdk = new InteractionsClient({ baseUrl: service.url, apiKey: t.keys.write, retry: RETRY });
    const logger = sdk.logger({ maxBatchSize: 250, maxBuffered: 1000, concurrency: 8, flushIntervalMs: 50 });
    for (let i = 0; i < 10_000; i++) await logger.log({ ...order(`bulk-${i}`), uowId });
    await logger.close();
    expect(logger.stats).toMatchObject({ logged: 10_000, delivered: 10_000, failed: 0 });
    expect(logger.stats.maxHeld).toBeLessThanOrEqual(1000);
    expect(await countInUow(uowId)).toBe(10_000);
  }, 600_000);

  it('records each interaction once when batch answers are lost after the write (Idempotency-Key per batch)', async () => {
    const uowId = randomUUID();
    const logger = client(t.keys.write).logger({ maxBatchSize: 10, flushIntervalMs: 3_600_000, concurrency: 1 });
    proxy.failNext(2, 'after');
    for (let i = 0; i < 30; i++) await logger.log({ ...order(`lost-answer-${i}`), uowId });
    await logger.close();
    expect(proxy.plan.seen.filter((line) => line.startsWith('POST /api/interactions/batch'))).toHaveLength(5);
    expect(logger.stats).toMatchObject({ delivered: 30, failed: 0 });
    expect(await countInUow(uowId)).toBe(30);
  });

  it('falls back to single creates, each with its own Idempotency-Key, on a service without the batch route', async () => {
    const uowId = randomUUID();
    proxy.hideBatchRoute(true);
    try {
      const logger = client(t.keys.write).logger({ maxBatchSize: 50, flushIntervalMs: 3_600_000 });
      proxy.failNext(0);
      for (let i = 0; i < 120; i++) await logger.log({ ...order(`single-${i}`), uowId });
      await logger.close();
      const singles = proxy.plan.seen.filter((line) => line.startsWith('POST /api/interactions '));
      expect(singles).toHaveLength(120);
      expect(new Set(singles.map((line) => line.split(' ')[2])).size).toBe(120);
      expect(await countInUow(uowId)).toBe(120);
    } finally {
      proxy.hideBatchRoute(false);
    }
  });

  it('sends what is buffered on close (shutdown flush), then refuses new interactions', async () => {
    const uowId = randomUUID();
    const logger = client(t.keys.write).logger({ maxBatchSize: 1000, flushIntervalMs: 3_600_000 });
    for (let i = 0; i < 5; i++) await logger.log({ ...order(`shutdown-${i}`), uowId, userId: 'u-9' });
    expect(await countInUow(uowId)).toBe(0);
    await logger.close();
    expect(await countInUow(uowId)).toBe(5);
    await expect(logger.log(order('late'))).rejects.toMatchObject({ code: 'LOGGER_CLOSED' });
  });

  it('reports failures through onError and a rejecting flush(), delivering the valid ones', async () => {
    const uowId = randomUUID();
    const lost: LoggedInteraction[] = [];
    const logger = client(t.keys.write).logger({
      flushIntervalMs: 3_600_000,
      onError: (_error, items) => lost.push(...items),
    });
    await logger.log({ ...order('ok-1'), uowId });
    await logger.log({ resourceId: 'bad', resourceType: 'NO_SUCH_TYPE', action: 'CREATE', origin: 'API', uowId });
    await logger.log({ ...order('ok-2'), uowId });
    await expect(logger.flush()).rejects.toMatchObject({ code: 'DELIVERY_FAILED' });
    expect(lost.map((i) => i.resourceId)).toEqual(['bad']);
    expect(await countInUow(uowId)).toBe(2);
    await logger.close();
  });

  it("rejects with BUFFER_FULL when full under whenFull: 'reject' (never drops silently)", async () => {
    const logger = client(t.keys.write).logger({
      maxBuffered: 2,
      maxBatchSize: 1000,
      flushIntervalMs: 3_600_000,
      whenFull: 'reject',
    });
    const uowId = randomUUID();
    await logger.log({ ...order('full-1'), uowId });
    await logger.log({ ...order('full-2'), uowId });
    await expect(logger.log({ ...order('full-3'), uowId })).rejects.toMatchObject({ code: 'BUFFER_FULL' });
    await logger.close();
    expect(await countInUow(uowId)).toBe(2);
  });
});

describe('Express middleware', () => {
  it('records one interaction per request and propagates x-uowid, so a chain of services forms one trace', async () => {
    const logger = client(t.keys.write).logger({ flushIntervalMs: 3_600_000 });
    const backend = express();
    backend.use(recordInteractions(logger, { userId: () => 'svc-b' }));
    backend.get('/stock/:sku', (_req, res) => {
      res.json({ ok: true });
    });
    const b = await listen(backend);
    const frontend = express();
    frontend.use(recordInteractions(logger));
    frontend.post('/orders', async (req, res) => {
      await fetch(`${b.url}/stock/42`, { headers: outgoingHeaders(req) });
      res.status(201).json({ created: true });
    });
    const a = await listen(frontend);
    try {
      const uowId = randomUUID();
      const res = await fetch(`${a.url}/orders`, { method: 'POST', headers: { 'x-uowid': uowId } });
      expect(res.status).toBe(201);
      expect(res.headers.get('x-uowid')).toBe(uowId);
      await logger.flush();
      const timeline = await client().traces.timeline(uowId);
      expect(timeline.data.map((e) => [e.resourceId, e.action, e.userId]).sort()).toEqual([
        ['/orders', 'CREATE', null],
        ['/stock/:sku', 'READ', 'svc-b'],
      ]);
    } finally {
      await logger.close();
      await a.close();
      await b.close();
    }
  });

  it('generates a uowId when the request has none, and uses a custom mapping', async () => {
    const logger = client(t.keys.write).logger({ flushIntervalMs: 3_600_000 });
    const app = express();
    app.use(
      recordInteractions(logger, {
        map: (req, res) =>
          req.path === '/skip'
            ? null
            : {
                resourceId: `custom${req.path}`,
                resourceType: 'ORDER',
                action: 'UPDATE',
                origin: 'WEBAPP',
                interaction: { status: res.statusCode },
              },
      }),
    );
    app.get('/{*any}', (_req, res) => {
      res.send('ok');
    });
    const server = await listen(app);
    try {
      const res = await fetch(`${server.url}/thing`);
      await fetch(`${server.url}/skip`);
      const uowId = res.headers.get('x-uowid')!;
      expect(uowId).toMatch(/^[0-9a-f-]{36}$/);
      await logger.flush();
      const page = await client().interactions.list({ uowId });
      expect(page.data.map((i) => [i.resourceId, i.actionMnemonic, i.interaction])).toEqual([
        ['custom/thing', 'UPDATE', { status: 200 }],
      ]);
      expect(logger.stats.logged).toBe(1);
    } finally {
      await logger.close();
      await server.close();
    }
  });
});
