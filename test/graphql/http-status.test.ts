/**
 * The HTTP status of a GraphQL answer, case by case, as docs/graphql-reference.md states it (src/graphql/errors.ts,
 * httpStatusPlugin; the key check before Apollo; Apollo's own 400 for requests it cannot run).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, isNonNullType } from 'graphql';
import request from 'supertest';
import { buildApp, closeApp } from '../../src/app';
import { createApiKey, revokeApiKey } from '../../src/auth/api-key.service';
import type { Database, SqlExecutor } from '../../src/db/database';
import { createLogger } from '../../src/observability/logger';
import { api, createTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ RATE_LIMIT_PER_MINUTE: '3' });
});
afterAll(() => t.close());

/** A fresh key per case: each has its own rate-limit budget, so the 429 case starves no other. */
const newKey = async (scopes: string[]) => (await createApiKey(t.database.db, { name: randomUUID(), scopes })).key;
const gql = (key: string, query: string) => api(t.app, key).graphql(query);

it('is 200 with BAD_USER_INPUT for an argument the resolver refuses', async () => {
  const res = await gql(await newKey(['read']), '{ interactions(limit: 0) { items { id } } }');
  expect(res.status).toBe(200);
  expect(res.body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(['BAD_USER_INPUT']);
  expect(res.body.data).toBeNull();
});

it('has only non-null root fields, so an error in one leaves no data', () => {
  const schema = buildSchema(readFileSync(path.resolve(__dirname, '../../schema.graphql'), 'utf8'));
  const nullable = Object.values(schema.getQueryType()!.getFields()).filter((field) => !isNonNullType(field.type));
  expect(nullable.map((field) => field.name)).toEqual([]);
});

it('is 200 with NOT_FOUND for a row that does not exist', async () => {
  const res = await gql(await newKey(['admin']), `{ interaction(id: "${randomUUID()}") { id } }`);
  expect(res.status).toBe(200);
  expect(res.body.errors[0].extensions.code).toBe('NOT_FOUND');
});

it('is 403 when the whole operation is refused for the scope', async () => {
  const res = await gql(await newKey(['read']), '{ apiKeys { id } }');
  expect(res.status).toBe(403);
  expect(res.body.errors[0].extensions.code).toBe('FORBIDDEN');
});

it('is 403 for the whole operation when one field needs a scope the key lacks', async () => {
  // Scopes are checked for every selected field before any runs: `actions` (read) is not answered either.
  const res = await gql(await newKey(['read']), '{ actions { id } apiKeys { id } }');
  expect(res.status).toBe(403);
  expect(res.body.data).toBeUndefined();
  expect(res.body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)).toEqual(['FORBIDDEN']);
});

it('is 401 without a key, or with an unknown or revoked one', async () => {
  const missing = await request(t.app).post('/graphql').send({ query: '{ actions { id } }' });
  expect(missing.status).toBe(401);
  expect(missing.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  const unknown = await gql('ik_unknown_key_0123456789abcdef', '{ actions { id } }');
  expect(unknown.status).toBe(401);
  const created = await createApiKey(t.database.db, { name: randomUUID(), scopes: ['read'] });
  await revokeApiKey(t.database.db, { id: created.apiKey.id });
  expect((await gql(created.key, '{ actions { id } }')).status).toBe(401);
});

it.each([
  ['a syntax error', { query: '{ actions { id }' }, 'GRAPHQL_PARSE_FAILED'],
  ['an unknown field', { query: '{ actions { nope } }' }, 'GRAPHQL_VALIDATION_FAILED'],
  [
    'a variable of the wrong type',
    { query: 'query ($id: ID!) { action(id: $id) { id } }', variables: { id: {} } },
    'BAD_USER_INPUT',
  ],
])('is 400 for a request GraphQL cannot run: %s', async (_name, body, code) => {
  const res = await request(t.app)
    .post('/graphql')
    .set('x-api-key', await newKey(['admin']))
    .send(body);
  expect(res.status).toBe(400);
  if (code) expect(res.body.errors[0].extensions.code).toBe(code);
});

it('is 413 for a body over MAX_BODY_BYTES', async () => {
  const query = `{ actions { id } } # ${'x'.repeat(t.config.maxBodyBytes)}`;
  const res = await request(t.app)
    .post('/graphql')
    .set('x-api-key', await newKey(['admin']))
    .send({ query });
  expect(res.status).toBe(413);
});

it('is 429 with Retry-After when the key has spent its budget', async () => {
  const key = await newKey(['admin']);
  let res = await gql(key, '{ actions { id } }');
  for (let i = 0; i < 10 && res.status === 200; i++) res = await gql(key, '{ actions { id } }');
  expect(res.status).toBe(429);
  expect(res.body.errors[0].extensions.code).toBe('RATE_LIMITED');
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
});

it('is 503 with Retry-After when the database is unreachable', async () => {
  // The same database, except that reading interactions fails as a refused connection does.
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
  const failing = (sql: SqlExecutor): SqlExecutor => ({
    query: (text, params, options) =>
      /\binteractions\b/.test(text) ? Promise.reject(refused) : sql.query(text, params, options),
    exec: (text) => sql.exec(text),
  });
  const base = t.database.db;
  const db: Database = {
    ...base,
    sql: failing(base.sql),
    transaction: (fn) => base.transaction((tx) => fn(failing(tx))),
  };
  const app = await buildApp({ db, config: t.config, logger: createLogger({ level: 'silent' }) });
  const res = await request(app)
    .post('/graphql')
    .set('x-api-key', await newKey(['read']))
    .send({ query: '{ interactions { items { id } } }' });
  expect(res.status).toBe(503);
  expect(res.body.errors[0].extensions.code).toBe('UNAVAILABLE');
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  await closeApp(app);
});
