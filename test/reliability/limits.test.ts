import request from 'supertest';
import { api, createTestApp, type TestApp } from '../helpers/app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    MAX_BODY_BYTES: '4096',
    MAX_JSON_DEPTH: '32',
    GRAPHQL_MAX_DEPTH: '6',
    GRAPHQL_MAX_FIELDS: '40',
  });
});
afterAll(() => t.close());

const base = { resourceId: 'r-1', resourceType: 'CRASHLESS', action: 'CREATE', origin: 'API' };

function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { n: value };
  return value;
}

beforeAll(async () => {
  await api(t.app, t.keys.admin).post('/api/resource-types').send({ mnemonic: 'CRASHLESS' }).expect(201);
});

it('refuses a body over MAX_BODY_BYTES with 413 PAYLOAD_TOO_LARGE', async () => {
  const res = await api(t.app, t.keys.write)
    .post('/api/interactions')
    .send({ ...base, interaction: { blob: 'x'.repeat(5000) } });
  expect(res.status).toBe(413);
  expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
});

it('accepts interaction JSON nested exactly MAX_JSON_DEPTH deep', async () => {
  const res = await api(t.app, t.keys.write)
    .post('/api/interactions')
    .send({ ...base, interaction: nested(32) });
  expect(res.status).toBe(201);
});

it('refuses interaction JSON nested deeper than MAX_JSON_DEPTH with 400', async () => {
  const res = await api(t.app, t.keys.write)
    .post('/api/interactions')
    .send({ ...base, interaction: nested(33) });
  expect(res.status).toBe(400);
  expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'interaction', maxDepth: 32 } });
});

it('refuses externalResponse nested too deep', async () => {
  const res = await api(t.app, t.keys.write)
    .post('/api/interactions')
    .send({ ...base, externalResponse: [nested(40)] });
  expect(res.status).toBe(400);
  expect(res.body.error.details.field).toBe('externalResponse');
});

it('answers malformed JSON with 400 VALIDATION_ERROR', async () => {
  const res = await request(t.app)
    .post('/api/interactions')
    .set('x-api-key', t.keys.write)
    .set('content-type', 'application/json')
    .send('{"resourceId": ');
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('VALIDATION_ERROR');
});

it('refuses a userId longer than 256 characters', async () => {
  const res = await api(t.app, t.keys.write).post('/api/interactions').set('x-userid', 'u'.repeat(257)).send(base);
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('VALIDATION_ERROR');
});

it('accepts an operation within GRAPHQL_MAX_DEPTH, fragments included', async () => {
  const res = await api(t.app, t.keys.read).graphql(
    'query { interactions { items { ...A } } } fragment A on Interaction { resourceType { id } action { id } }',
  );
  expect(res.status).toBe(200);
  expect(res.body.errors).toBeUndefined();
});

it('refuses an operation selecting more fields than GRAPHQL_MAX_FIELDS (aliases count)', async () => {
  const aliases = Array.from({ length: 41 }, (_, i) => `a${i}: me { name }`).join(' ');
  const res = await api(t.app, t.keys.read).graphql(`{ ${aliases} }`);
  expect(res.status).toBe(400);
  expect(res.body.errors[0].message).toMatch(/more than the limit of 40 fields/);
});

it('refuses batched GraphQL requests', async () => {
  const res = await request(t.app)
    .post('/graphql')
    .set('x-api-key', t.keys.read)
    .set('content-type', 'application/json')
    .send([{ query: '{ me { name } }' }, { query: '{ me { name } }' }]);
  expect(res.status).toBe(400);
});

describe('GraphQL depth limit', () => {
  let deepApp: TestApp;
  beforeAll(async () => {
    deepApp = await createTestApp({ GRAPHQL_MAX_DEPTH: '3' });
  });
  afterAll(() => deepApp.close());

  it('answers 400 for an operation nested deeper than the limit', async () => {
    const res = await api(deepApp.app, deepApp.keys.read).graphql(
      '{ interactions { items { resourceType { name } } } }',
    );
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toMatch(/deeper than the limit of 3/);
  });
});

describe('introspection', () => {
  let prod: TestApp;
  beforeAll(async () => {
    prod = await createTestApp({ NODE_ENV: 'production' });
  });
  afterAll(() => prod.close());

  it('is on by default outside production', async () => {
    const res = await api(t.app, t.keys.read).graphql('{ __schema { queryType { name } } }');
    expect(res.body.data.__schema.queryType.name).toBe('Query');
  });

  it('is off by default in production', async () => {
    const res = await api(prod.app, prod.keys.read).graphql('{ __schema { queryType { name } } }');
    expect(res.body.errors[0].message).toMatch(/introspection/i);
  });
});

describe('introspection and the limits', () => {
  let strict: TestApp;
  beforeAll(async () => {
    strict = await createTestApp({ GRAPHQL_MAX_DEPTH: '3', GRAPHQL_MAX_FIELDS: '10' });
  });
  afterAll(() => strict.close());

  it('lets a deep introspection query through (it reads the schema, not the database)', async () => {
    const res = await api(strict.app, strict.keys.read).graphql(
      '{ __schema { types { name fields { name type { name ofType { name ofType { name ofType { name } } } } } } } }',
    );
    expect(res.status).toBe(200);
    expect(res.body.data.__schema.types.length).toBeGreaterThan(10);
  });

  it('reports an unknown field as a validation error, not an internal one', async () => {
    const res = await api(strict.app, strict.keys.read).graphql('{ nope }');
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toMatch(/Cannot query field "nope"/);
    expect(res.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});
