import { api, createTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await api(t.app, t.keys.admin).post('/api/resource-types').send({ mnemonic: 'ORDER' }).expect(201);
});
afterAll(() => t.close());

const body = (resourceId: string) => ({
  resourceId,
  resourceType: 'ORDER',
  action: 'CREATE',
  origin: 'WEBAPP',
  interaction: { a: 1 },
});

async function countOf(resourceId: string): Promise<number> {
  const [{ n }] = await t.database.db.sql.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM interactions WHERE resource_id = $1',
    [resourceId],
  );
  return n;
}

it('returns the original interaction for a retry with the same key and body, writing once', async () => {
  const first = await api(t.app, t.keys.write)
    .post('/api/interactions')
    .set('idempotency-key', 'k-retry')
    .send(body('idem-1'));
  const second = await api(t.app, t.keys.write)
    .post('/api/interactions')
    .set('idempotency-key', 'k-retry')
    .send(body('idem-1'));
  expect(first.status).toBe(201);
  expect(second.status).toBe(201);
  expect(second.body).toEqual(first.body);
  expect(await countOf('idem-1')).toBe(1);
});

it('treats the same body with keys in another order as the same request', async () => {
  const a = await api(t.app, t.keys.write)
    .post('/api/interactions')
    .set('idempotency-key', 'k-order')
    .send({
      resourceId: 'idem-2',
      resourceType: 'ORDER',
      action: 'CREATE',
      origin: 'API',
      interaction: { x: 1, y: 2 },
    });
  const b = await api(t.app, t.keys.write)
    .post('/api/interactions')
    .set('idempotency-key', 'k-order')
    .send({
      origin: 'API',
      interaction: { y: 2, x: 1 },
      action: 'CREATE',
      resourceType: 'ORDER',
      resourceId: 'idem-2',
    });
  expect(b.body.interactionId).toBe(a.body.interactionId);
  expect(await countOf('idem-2')).toBe(1);
});

it('answers 409 CONFLICT for the same key with a different body', async () => {
  await api(t.app, t.keys.write)
    .post('/api/interactions')
    .set('idempotency-key', 'k-conflict')
    .send(body('idem-3'))
    .expect(201);
  const res = await api(t.app, t.keys.write)
    .post('/api/interactions')
    .set('idempotency-key', 'k-conflict')
    .send(body('idem-3b'));
  expect(res.status).toBe(409);
  expect(res.body.error.code).toBe('CONFLICT');
  expect(await countOf('idem-3b')).toBe(0);
});

it('writes once for concurrent duplicates', async () => {
  const results = await Promise.all(
    Array.from({ length: 10 }, () =>
      api(t.app, t.keys.write).post('/api/interactions').set('idempotency-key', 'k-concurrent').send(body('idem-4')),
    ),
  );
  expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
  expect(new Set(results.map((r) => r.body.interactionId)).size).toBe(1);
  expect(new Set(results.map((r) => r.body.interactionNumber)).size).toBe(1);
  expect(await countOf('idem-4')).toBe(1);
});

it('keeps keys per API key: another key with the same idempotency key writes its own row', async () => {
  const a = await api(t.app, t.keys.write)
    .post('/api/interactions')
    .set('idempotency-key', 'k-shared')
    .send(body('idem-5'));
  const b = await api(t.app, t.keys.admin)
    .post('/api/interactions')
    .set('idempotency-key', 'k-shared')
    .send(body('idem-5'));
  expect(b.body.interactionId).not.toBe(a.body.interactionId);
  expect(await countOf('idem-5')).toBe(2);
});

it('frees the key when the request was refused, so a corrected retry succeeds', async () => {
  const bad = await api(t.app, t.keys.write)
    .post('/api/interactions')
    .set('idempotency-key', 'k-fix')
    .send({ ...body('idem-6'), action: 'NOPE' });
  expect(bad.status).toBe(400);
  const good = await api(t.app, t.keys.write)
    .post('/api/interactions')
    .set('idempotency-key', 'k-fix')
    .send(body('idem-6'));
  expect(good.status).toBe(201);
});

it('refuses a malformed Idempotency-Key', async () => {
  const res = await api(t.app, t.keys.write)
    .post('/api/interactions')
    .set('idempotency-key', 'x'.repeat(300))
    .send(body('idem-7'));
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('VALIDATION_ERROR');
  expect(await countOf('idem-7')).toBe(0);
});

it('supports idempotencyKey in the GraphQL mutation', async () => {
  const mutation = `mutation($input: CreateInteractionInput!, $key: String) {
    createInteraction(input: $input, idempotencyKey: $key) { id interactionNumber }
  }`;
  const vars = { input: body('idem-8'), key: 'k-graphql' };
  const a = await api(t.app, t.keys.write).graphql(mutation, vars);
  const b = await api(t.app, t.keys.write).graphql(mutation, vars);
  expect(a.body.data.createInteraction).toEqual(b.body.data.createInteraction);
  expect(await countOf('idem-8')).toBe(1);
});

it('claims an expired key (older than 24 h) anew and writes again', async () => {
  await api(t.app, t.keys.write)
    .post('/api/interactions')
    .set('idempotency-key', 'k-old')
    .send(body('idem-9'))
    .expect(201);
  await t.database.db.sql.query(
    `UPDATE idempotency_keys SET created_date = now() - interval '25 hours' WHERE key = 'k-old'`,
  );
  const again = await api(t.app, t.keys.write)
    .post('/api/interactions')
    .set('idempotency-key', 'k-old')
    .send(body('idem-9'));
  expect(again.status).toBe(201);
  expect(await countOf('idem-9')).toBe(2);
});

it('makes the batch route idempotent too: a retried batch returns the same rows and writes once', async () => {
  const batch = { interactions: [body('idem-b1'), body('idem-b1'), body('idem-b2')] };
  const first = await api(t.app, t.keys.write)
    .post('/api/interactions/batch')
    .set('idempotency-key', 'k-batch')
    .send(batch);
  const second = await api(t.app, t.keys.write)
    .post('/api/interactions/batch')
    .set('idempotency-key', 'k-batch')
    .send(batch);
  expect(first.status).toBe(201);
  expect(second.status).toBe(201);
  expect(second.body.data.map((row: { interactionId: string }) => row.interactionId)).toEqual(
    first.body.data.map((row: { interactionId: string }) => row.interactionId),
  );
  expect(await countOf('idem-b1')).toBe(2);
  expect(await countOf('idem-b2')).toBe(1);
  const changed = await api(t.app, t.keys.write)
    .post('/api/interactions/batch')
    .set('idempotency-key', 'k-batch')
    .send({ interactions: [body('idem-b1')] });
  expect(changed.status).toBe(409);
});
