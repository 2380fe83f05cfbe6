import { Writable } from 'node:stream';
import request from 'supertest';
import { buildApp, closeApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/observability/logger';
import { api, createTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
const logLines: string[] = [];
let logged: Awaited<ReturnType<typeof buildApp>>;

beforeAll(async () => {
  t = await createTestApp({ CORS_ORIGINS: 'https://console.example' });
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  logged = await buildApp({
    db: t.database.db,
    config: t.config,
    logger: createLogger({ level: 'debug', destination: sink }),
  });
  await api(t.app, t.keys.admin).post('/api/resource-types').send({ mnemonic: 'ORDER' }).expect(201);
});
afterAll(async () => {
  await closeApp(logged);
  await t.close();
});

const INJECTIONS = [
  "' OR '1'='1",
  "'; DROP TABLE interactions; --",
  '" OR 1=1 --',
  '1; SELECT pg_sleep(1)',
  "x' UNION SELECT key_hash FROM api_keys --",
  '%27%20OR%201%3D1',
  '\\x00',
  '$1',
];
const FILTERS = [
  'resourceId',
  'interactionId',
  'uowId',
  'externalReference',
  'userId',
  'action',
  'resourceType',
  'origin',
  'startDate',
  'endDate',
];

it('treats SQL-injection strings in every filter as data', async () => {
  await api(t.app, t.keys.write)
    .post('/api/interactions')
    .send({
      resourceId: INJECTIONS[0],
      resourceType: 'ORDER',
      action: 'CREATE',
      origin: 'API',
      externalReference: INJECTIONS[1],
    })
    .expect(201);
  for (const filter of FILTERS) {
    for (const value of INJECTIONS) {
      const res = await api(t.app, t.keys.read)
        .get('/api/interactions')
        .query({ [filter]: value });
      // Either the value is a valid filter that matches only itself, or it is refused as malformed input.
      expect([200, 400]).toContain(res.status);
      if (res.status === 400) expect(res.body.error.code).toBe('VALIDATION_ERROR');
      if (res.status === 200) {
        for (const row of res.body.data) expect(row[filter === 'interactionId' ? 'interactionId' : filter]).toBe(value);
      }
    }
  }
  // The injected resource id and reference are found as literal data, and the table is intact.
  const exact = await api(t.app, t.keys.read).get('/api/interactions').query({ resourceId: INJECTIONS[0] });
  expect(exact.body.pagination.total).toBe(1);
  const byRef = await api(t.app, t.keys.read).get('/api/interactions').query({ externalReference: INJECTIONS[1] });
  expect(byRef.body.pagination.total).toBe(1);
});

it('sends security headers and no x-powered-by', async () => {
  const res = await request(t.app).get('/healthz');
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  expect(res.headers['x-powered-by']).toBeUndefined();
});

it('allows CORS only for configured origins', async () => {
  const allowed = await request(t.app)
    .options('/api/interactions')
    .set('origin', 'https://console.example')
    .set('access-control-request-method', 'GET');
  expect(allowed.headers['access-control-allow-origin']).toBe('https://console.example');
  const other = await request(t.app)
    .options('/api/interactions')
    .set('origin', 'https://evil.example')
    .set('access-control-request-method', 'GET');
  expect(other.headers['access-control-allow-origin']).toBeUndefined();
});

it('echoes a well-formed x-request-id and generates one otherwise', async () => {
  const given = await request(logged).get('/healthz').set('x-request-id', 'req-abc.123');
  expect(given.headers['x-request-id']).toBe('req-abc.123');
  const generated = await request(logged).get('/healthz').set('x-request-id', 'bad id with spaces');
  expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
});

it('never writes an API key to the logs', async () => {
  await request(logged).get('/api/interactions').set('x-api-key', t.keys.read).expect(200);
  await request(logged).get('/api/interactions').set('x-api-key', 'ik_not_a_real_key_but_secret_anyway').expect(401);
  await request(logged).post('/api/interactions').set('x-api-key', t.keys.write).send({ resourceId: 'x' }).expect(400);
  await request(logged).post('/graphql').set('x-api-key', t.keys.admin).send({ query: '{ me { name } }' }).expect(200);
  const all = logLines.join('');
  expect(logLines.length).toBeGreaterThanOrEqual(4);
  for (const secret of [t.keys.read, t.keys.write, t.keys.admin, 'ik_not_a_real_key_but_secret_anyway']) {
    expect(all).not.toContain(secret);
  }
  const line = JSON.parse(logLines.find((l) => l.includes('"route":"/api/interactions"'))!);
  expect(line).toMatchObject({ level: 'info', msg: 'request', method: 'GET', status: 200 });
  expect(typeof line.reqId).toBe('string');
});

it('exposes Prometheus metrics by route and status, and ingest counts', async () => {
  await request(logged).get('/api/interactions').set('x-api-key', t.keys.read).expect(200);
  const res = await request(logged).get('/metrics');
  expect(res.status).toBe(200);
  expect(res.text).toMatch(/http_requests_total\{method="GET",route="\/api\/interactions",status="200"\} \d+/);
  expect(res.text).toContain('http_request_duration_seconds_bucket');
  expect(res.text).toContain('interactions_ingested_total');
  expect(res.text).toContain('db_pool_connections');
});

it('never sends a stack trace or SQL in an error', async () => {
  const res = await api(t.app, t.keys.read).get('/api/interactions/not-a-uuid');
  expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+|SELECT|node_modules/);
});

it('loadConfig rejects malformed settings', () => {
  expect(() => loadConfig({ MAX_BODY_BYTES: 'lots' })).toThrow(/MAX_BODY_BYTES/);
  expect(() => loadConfig({ GRAPHQL_INTROSPECTION: 'maybe' })).toThrow(/GRAPHQL_INTROSPECTION/);
});

it('answers a NUL character in a filter with 400, not 500', async () => {
  const res = await api(t.app, t.keys.read).get('/api/interactions').query({ resourceId: 'a\u0000b' });
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('VALIDATION_ERROR');
});

it('answers an unknown path outside the API with a coded JSON 404, and a browser with the console page', async () => {
  for (const accept of [undefined, 'application/json', '*/*']) {
    const req = request(t.app).get('/no-such-page').set('x-api-key', t.keys.read);
    const res = accept ? await req.set('accept', accept) : await req;
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ error: { code: 'NOT_FOUND', message: 'No route GET /no-such-page' } });
  }
  // An unknown API route: the key first (401 without one), then the same 404.
  expect((await request(t.app).get('/api/no-such-route')).status).toBe(401);
  const apiRoute = await request(t.app)
    .get('/api/no-such-route')
    .set('x-api-key', t.keys.read)
    .set('accept', 'text/html');
  expect(apiRoute.status).toBe(404);
  expect(apiRoute.body).toEqual({ error: { code: 'NOT_FOUND', message: 'No route GET /api/no-such-route' } });
  const posted = await request(t.app).post('/no-such-page').send({ a: 1 });
  expect(posted.status).toBe(404);
  expect(posted.body.error.code).toBe('NOT_FOUND');
  // A browser asking for a page of the single-page console gets it (or the "not built" page), never the JSON.
  const page = await request(t.app).get('/no-such-page').set('accept', 'text/html');
  expect([200, 503]).toContain(page.status);
  expect(page.headers['content-type']).toMatch(/^text\/html/);
});
