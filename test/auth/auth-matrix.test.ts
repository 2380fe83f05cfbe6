import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createApiKey } from '../../src/auth/api-key.service';
import type { Scope } from '../../src/auth/scopes';
import type { LookupKind } from '../../src/lookups/lookup.service';
import type { RestRoute } from '../../src/rest/route';
import { REST_ROUTES } from '../../src/rest/routes';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { generateSigningKey } from '../../src/integrity/signing-key';
import { createLookupRow, insertInteraction } from '../helpers/factories';
import { sealEverything } from '../helpers/integrity';
import { assertMatchesOpenApi } from '../helpers/openapi';
import { eventStreamHead } from '../helpers/sse';

// The matrix is derived from REST_ROUTES: a route added to the table is checked here without editing this file,
// except for a sample request (below), which the "has a sample" test demands.

let t: TestApp;
const signingKey = generateSigningKey();
/** Keys every row uses: one lacking each scope, and one that is revoked (through the API). */
const keys = { readWrite: '', revoked: '' };
/** Existing rows the samples point at. */
const fixture = { resourceTypeId: '', interactionId: '', uowId: randomUUID(), resourceId: 'auth-matrix-1' };

beforeAll(async () => {
  t = await createTestApp({}, { integrityKey: signingKey });
  const db = t.database.db;
  keys.readWrite = (await createApiKey(db, { name: 'read+write', scopes: ['read', 'write'] })).key;
  const revoked = await api(t.app, t.keys.admin)
    .post('/api/keys')
    .send({ name: 'to revoke', scopes: ['admin'] })
    .expect(201);
  keys.revoked = revoked.body.key;
  await api(t.app, keys.revoked).get('/api/keys').expect(200);
  await api(t.app, t.keys.admin).delete(`/api/keys/${revoked.body.id}`).expect(200);
  fixture.resourceTypeId = (await createLookupRow(db, 'resourceType', { mnemonic: 'AUTH' })).id;
  fixture.interactionId = (
    await insertInteraction(db, {
      resourceTypeId: fixture.resourceTypeId,
      uowId: fixture.uowId,
      resourceId: fixture.resourceId,
    })
  ).id;
  // A checkpoint over the fixture, for the proof and checkpoint routes.
  await sealEverything(db, signingKey, 100);
});
afterAll(() => t.close());

/** The scope DESIGN.md §5 asks of a route: read for GETs and POST /api/activity, write to record (single and batch), admin for the rest. */
function requiredScope(route: RestRoute): Scope {
  if (route.path.startsWith('/api/keys') || route.path === '/api/retention') return 'admin';
  if (route.method === 'get') return 'read';
  if (route.method === 'post' && route.path === '/api/activity') return 'read';
  if (route.method === 'post' && (route.path === '/api/interactions' || route.path === '/api/interactions/batch'))
    return 'write';
  return 'admin';
}

/** A key with every scope but the one required (admin grants all, so "lacking admin" is read+write). */
function keyLacking(scope: Scope): string {
  if (scope === 'read') return t.keys.write;
  if (scope === 'write') return t.keys.read;
  return keys.readWrite;
}

/** The least key that has the scope. */
function keyWith(scope: Scope): string {
  return t.keys[scope];
}

interface SampleRequest {
  path: string;
  body?: unknown;
}

const unique = () => `M${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;

/** Lookup routes: each call makes its own target, so a successful DELETE does not disturb the next row. */
function lookupSamples(base: string, kind: LookupKind): Record<string, () => Promise<SampleRequest>> {
  const target = async () => (await createLookupRow(t.database.db, kind, { mnemonic: unique() })).id;
  return {
    [`GET ${base}`]: async () => ({ path: base }),
    [`POST ${base}`]: async () => ({ path: base, body: { mnemonic: unique() } }),
    [`GET ${base}/:id`]: async () => ({ path: `${base}/${await target()}` }),
    [`PATCH ${base}/:id`]: async () => ({ path: `${base}/${await target()}`, body: { name: 'Renamed' } }),
    [`DELETE ${base}/:id`]: async () => ({ path: `${base}/${await target()}` }),
  };
}

/**
 * A request per route that succeeds with the right scope. Routes of parallel issues (timeline, activity, traces)
 * are listed too; a sample is only used while its route is in REST_ROUTES.
 */
const SAMPLES: Record<string, () => Promise<SampleRequest>> = {
  'POST /api/interactions': async () => ({
    path: '/api/interactions',
    body: { resourceId: 'auth-matrix', resourceType: 'AUTH', action: 'CREATE', origin: 'WEBAPP' },
  }),
  'POST /api/interactions/batch': async () => ({
    path: '/api/interactions/batch',
    body: {
      interactions: [{ resourceId: 'auth-matrix-batch', resourceType: 'AUTH', action: 'CREATE', origin: 'WEBAPP' }],
    },
  }),
  'GET /api/interactions': async () => ({ path: '/api/interactions' }),
  'GET /api/interactions/timeline': async () => ({ path: '/api/interactions/timeline' }),
  'GET /api/interactions/export': async () => ({ path: '/api/interactions/export' }),
  'GET /api/interactions/stream': async () => ({ path: '/api/interactions/stream' }),
  'GET /api/retention': async () => ({ path: '/api/retention' }),
  'POST /api/interactions/timeline/refresh': async () => ({ path: '/api/interactions/timeline/refresh' }),
  'GET /api/interactions/:id': async () => ({ path: `/api/interactions/${fixture.interactionId}` }),
  'POST /api/activity': async () => ({
    path: '/api/activity',
    body: { resources: [{ resourceId: fixture.resourceId }] },
  }),
  'GET /api/traces/:uowId': async () => ({ path: `/api/traces/${fixture.uowId}` }),
  'GET /api/traces/:uowId/timeline': async () => ({ path: `/api/traces/${fixture.uowId}/timeline` }),
  'GET /api/traces/:uowId/summary': async () => ({ path: `/api/traces/${fixture.uowId}/summary` }),
  ...lookupSamples('/api/resource-types', 'resourceType'),
  ...lookupSamples('/api/actions', 'action'),
  ...lookupSamples('/api/origins', 'origin'),
  'GET /api/integrity/checkpoints': async () => ({ path: '/api/integrity/checkpoints' }),
  'GET /api/integrity/checkpoints/latest': async () => ({ path: '/api/integrity/checkpoints/latest' }),
  'GET /api/integrity/checkpoints/export': async () => ({ path: '/api/integrity/checkpoints/export' }),
  'GET /api/interactions/:id/proof': async () => ({ path: `/api/interactions/${fixture.interactionId}/proof` }),
  'POST /api/integrity/verify': async () => ({ path: '/api/integrity/verify', body: {} }),
  'GET /api/integrity/verify/last': async () => ({ path: '/api/integrity/verify/last' }),
  'GET /api/keys': async () => ({ path: '/api/keys' }),
  'POST /api/keys': async () => ({ path: '/api/keys', body: { name: 'sample', scopes: ['read'] } }),
  'DELETE /api/keys/:id': async () => ({
    path: `/api/keys/${(await createApiKey(t.database.db, { name: 'revoke me', scopes: ['read'] })).apiKey.id}`,
  }),
};

const ROWS = REST_ROUTES.map((route) => ({
  route,
  name: `${route.method.toUpperCase()} ${route.path}`,
  scope: requiredScope(route),
}));

/** Sends the sample request of a route with `key` (or without any key when `null`). */
async function send(route: RestRoute, name: string, key: string | null) {
  const sample = SAMPLES[name];
  // Auth is checked before anything else, so a route without a sample is still tested for 401 with dummy params.
  const { path, body } = sample ? await sample() : { path: route.path.replace(/:\w+/g, randomUUID()), body: {} };
  const req = request(t.app)[route.method](path);
  if (key !== null) req.set('x-api-key', key);
  // The live stream never ends by itself: read its first event, then close it.
  if (route.kind === 'stream' && 'text/event-stream' in route.produces) req.buffer(true).parse(eventStreamHead);
  // Every answer (2xx, 401, 403) must also match the OpenAPI document.
  req.expect((res) => assertMatchesOpenApi(route.method, path, res));
  return body === undefined ? req : req.send(body as object);
}

it('has a sample request for every REST route', () => {
  expect(ROWS.map((row) => row.name).filter((name) => !SAMPLES[name])).toEqual([]);
});

describe.each(ROWS)('$name (needs $scope)', ({ route, name, scope }) => {
  it('is 401 UNAUTHENTICATED without a key', async () => {
    const res = await send(route, name, null);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('is 401 UNAUTHENTICATED with an unknown key', async () => {
    const res = await send(route, name, `ik_unknown_${randomUUID()}`);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('is 401 UNAUTHENTICATED with a revoked key', async () => {
    const res = await send(route, name, keys.revoked);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });

  it(`is 403 FORBIDDEN with a key lacking "${scope}"`, async () => {
    const res = await send(route, name, keyLacking(scope));
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'FORBIDDEN', details: { requiredScope: scope } });
  });

  it(`is 403 FORBIDDEN with a key lacking "${scope}" even when the request is malformed`, async () => {
    // The scope is checked before the request is read: such a key learns it may not call the route, not what is
    // wrong with its parameters.
    const path = `${route.path.replace(/:\w+/g, 'not-a-uuid')}?limit=0&page=x&days=-1&startDate=nope`;
    const req = request(t.app)[route.method](path).set('x-api-key', keyLacking(scope));
    const res = route.method === 'get' ? await req : await req.send([1]);
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'FORBIDDEN', details: { requiredScope: scope } });
  });

  it(`succeeds (2xx) with a "${scope}" key`, async () => {
    const res = await send(route, name, keyWith(scope));
    expect(res.status).toBeGreaterThanOrEqual(200);
    expect(res.status).toBeLessThan(300);
  });
});

describe('/graphql', () => {
  const OPERATIONS: { scope: Scope; query: string; variables?: Record<string, unknown> }[] = [
    { scope: 'read', query: '{ interactions(limit: 1) { pagination { total } } }' },
    { scope: 'read', query: '{ resourceTypes { id mnemonic } }' },
    {
      scope: 'write',
      query: 'mutation($input: CreateInteractionInput!) { createInteraction(input: $input) { id } }',
      variables: { input: { resourceId: 'gql-auth', resourceType: 'AUTH', action: 'CREATE', origin: 'WEBAPP' } },
    },
    { scope: 'admin', query: '{ apiKeys { id } }' },
    { scope: 'admin', query: 'mutation { createAction(input: { mnemonic: "GQL_AUTH" }) { id } }' },
  ];
  const post = (key: string | null, query: string, variables?: Record<string, unknown>) => {
    const req = request(t.app).post('/graphql').set('content-type', 'application/json');
    if (key !== null) req.set('x-api-key', key);
    return req.send({ query, variables });
  };

  describe.each(OPERATIONS)('$query (needs $scope)', ({ scope, query, variables }) => {
    it('is 401 UNAUTHENTICATED without a key', async () => {
      const res = await post(null, query, variables);
      expect(res.status).toBe(401);
      expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    });

    it('is 401 UNAUTHENTICATED with an unknown key', async () => {
      const res = await post('ik_nobody_knows_this_key', query, variables);
      expect(res.status).toBe(401);
      expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    });

    it('is 401 UNAUTHENTICATED with a revoked key', async () => {
      const res = await post(keys.revoked, query, variables);
      expect(res.status).toBe(401);
      expect(res.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    });

    it(`is 403 FORBIDDEN with a key lacking "${scope}"`, async () => {
      const res = await post(keyLacking(scope), query, variables);
      expect(res.status).toBe(403);
      expect(res.body.data ?? null).toBeNull();
      expect(res.body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', details: { requiredScope: scope } });
    });

    it(`succeeds with a "${scope}" key`, async () => {
      const res = await post(keyWith(scope), query, variables);
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data).not.toBeNull();
    });
  });

  it('answers `me` for any valid key with its scopes', async () => {
    const res = await post(t.keys.read, '{ me { name scopes } }');
    expect(res.status).toBe(200);
    expect(res.body.data.me).toEqual({ name: 'read', scopes: ['read'] });
  });

  it('serves the landing page to a browser GET without a key', async () => {
    const res = await request(t.app).get('/graphql').set('accept', 'text/html');
    expect(res.status).toBe(200);
  });
});

describe('/api/keys', () => {
  const admin = () => api(t.app, t.keys.admin);

  it('creates a key (201) with its value once, never its hash', async () => {
    const res = await admin()
      .post('/api/keys')
      .send({ name: 'ci', scopes: ['read', 'write'] });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual([
      'createdDate',
      'id',
      'key',
      'lastUsedDate',
      'name',
      'prefix',
      'revokedDate',
      'scopes',
    ]);
    expect(res.body).toMatchObject({ name: 'ci', scopes: ['read', 'write'], revokedDate: null, lastUsedDate: null });
    expect(res.body.key).toMatch(/^ik_[A-Za-z0-9_-]{43}$/);
    expect(res.body.key.startsWith(res.body.prefix)).toBe(true);
  });

  it('accepts scopes as a comma-separated string', async () => {
    const res = await admin().post('/api/keys').send({ name: 'csv', scopes: 'read,write' });
    expect(res.status).toBe(201);
    expect(res.body.scopes).toEqual(['read', 'write']);
  });

  it.each([
    ['an unknown scope', { name: 'x', scopes: ['superuser'] }],
    ['no scopes', { name: 'x', scopes: [] }],
    ['an empty name', { name: ' ', scopes: ['read'] }],
    ['no name', { scopes: ['read'] }],
  ])('is 400 VALIDATION_ERROR for %s', async (_name, body) => {
    const res = await admin().post('/api/keys').send(body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
  });

  it('lists keys newest first without values or hashes', async () => {
    const created = await admin()
      .post('/api/keys')
      .send({ name: 'listed', scopes: ['read'] })
      .expect(201);
    const res = await admin().get('/api/keys');
    expect(res.status).toBe(200);
    expect(res.body.data[0]).toMatchObject({ id: created.body.id, name: 'listed', prefix: created.body.prefix });
    expect(JSON.stringify(res.body)).not.toContain(created.body.key);
    for (const item of res.body.data) {
      expect(Object.keys(item).sort()).toEqual([
        'createdDate',
        'id',
        'lastUsedDate',
        'name',
        'prefix',
        'revokedDate',
        'scopes',
      ]);
    }
  });

  it('a created key works at once and stops working after revoke', async () => {
    const created = await admin()
      .post('/api/keys')
      .send({ name: 'short-lived', scopes: ['read'] })
      .expect(201);
    await api(t.app, created.body.key).get('/api/interactions').expect(200);
    const revoked = await admin().delete(`/api/keys/${created.body.id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.id).toBe(created.body.id);
    expect(new Date(revoked.body.revokedDate).getTime()).not.toBeNaN();
    const after = await api(t.app, created.body.key).get('/api/interactions');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('revoking twice keeps the first revocation date', async () => {
    const created = await admin()
      .post('/api/keys')
      .send({ name: 'twice', scopes: ['read'] })
      .expect(201);
    const first = await admin().delete(`/api/keys/${created.body.id}`).expect(200);
    const second = await admin().delete(`/api/keys/${created.body.id}`).expect(200);
    expect(second.body.revokedDate).toBe(first.body.revokedDate);
  });

  it('is 404 NOT_FOUND when revoking an unknown key, 400 for a non-UUID id', async () => {
    expect((await admin().delete(`/api/keys/${randomUUID()}`)).status).toBe(404);
    expect((await admin().delete('/api/keys/abc')).status).toBe(400);
  });

  it('records lastUsedDate when a key is used', async () => {
    const created = await admin()
      .post('/api/keys')
      .send({ name: 'used', scopes: ['read'] })
      .expect(201);
    await api(t.app, created.body.key).get('/api/interactions').expect(200);
    // The write is fire-and-forget; poll the listing briefly instead of asserting on timing.
    let lastUsed: string | null = null;
    for (let i = 0; i < 20 && !lastUsed; i += 1) {
      const res = await admin().get('/api/keys');
      lastUsed = res.body.data.find((item: { id: string }) => item.id === created.body.id).lastUsedDate;
      if (!lastUsed) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(lastUsed).not.toBeNull();
  });
});
