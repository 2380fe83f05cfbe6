import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { buildApp, closeApp } from '../../src/app';
import { createLogger } from '../../src/observability/logger';
import { loadConfig } from '../../src/config';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

// How the service serves the built console: pages for browsers, never in the way of the API and the probes.
describe('web console serving', () => {
  let database: TestDatabase;
  let app: Awaited<ReturnType<typeof buildApp>>;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'console-dist-'));
  const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

  beforeAll(async () => {
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>console</title>');
    fs.writeFileSync(path.join(dir, 'graphiql.html'), '<!doctype html><title>graphiql</title>');
    fs.writeFileSync(path.join(dir, 'assets', 'app-abc123.js'), 'console.log(1)');
    database = await createTestDatabase();
    app = await buildApp({
      db: database.db,
      config: loadConfig({ DATABASE_URL: database.url ?? '' }),
      consoleDir: dir,
      logger: createLogger({ level: 'silent' }),
    });
  });
  afterAll(async () => {
    await closeApp(app);
    await database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves index.html at /', async () => {
    const res = await request(app).get('/').set('accept', HTML);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<title>console</title>');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('serves index.html for a client route such as /trace/:uowId', async () => {
    const res = await request(app).get('/trace/0a2b').set('accept', HTML);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<title>console</title>');
  });

  it('serves hashed assets with a long cache lifetime', async () => {
    const res = await request(app).get('/assets/app-abc123.js');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toContain('immutable');
  });

  it('answers 404 for a missing asset instead of the page', async () => {
    const res = await request(app).get('/assets/missing.js').set('accept', HTML);
    expect(res.status).toBe(404);
  });

  it('does not shadow an unknown /api route, even for a browser', async () => {
    const res = await request(app).get('/api/nope').set('accept', HTML).set('x-api-key', 'x');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('does not shadow /healthz for a browser', async () => {
    const res = await request(app).get('/healthz').set('accept', HTML);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('serves the bundled GraphiQL for a browser opening /graphql', async () => {
    const res = await request(app).get('/graphql').set('accept', HTML);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<title>graphiql</title>');
  });

  it('keeps POST /graphql for the API', async () => {
    const res = await request(app)
      .post('/graphql')
      .set('content-type', 'application/json')
      .send({ query: '{ me { name } }' });
    expect(res.status).toBe(401);
    expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('does not answer a JSON client with the page', async () => {
    const res = await request(app).get('/somewhere').set('accept', 'application/json');
    expect(res.status).toBe(404);
  });
});
