import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { REST_ROUTES } from '../../src/rest/routes';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { generateSigningKey } from '../../src/integrity/signing-key';
import { createLookupRow, insertInteraction } from '../helpers/factories';
import { sealEverything } from '../helpers/integrity';
import { OPENAPI_DOCUMENT, openApiProblems } from '../helpers/openapi';

// Every REST route is replayed here with one request that succeeds and one that fails with the route's own error
// (400/404/409), and each response body is checked against the document. The shared `api()` wrapper of
// test/helpers/app.ts does the same check on every response of the other end-to-end suites.

let t: TestApp;
const signingKey = generateSigningKey();
const fixture = { resourceTypeId: '', interactionId: '', uowId: randomUUID(), resourceId: 'openapi-1' };

beforeAll(async () => {
  t = await createTestApp({}, { integrityKey: signingKey });
  fixture.resourceTypeId = (await createLookupRow(t.database.db, 'resourceType', { mnemonic: 'OPENAPI' })).id;
  const row = await insertInteraction(t.database.db, {
    resourceTypeId: fixture.resourceTypeId,
    uowId: fixture.uowId,
    resourceId: fixture.resourceId,
    userId: 'u-1',
    interaction: { a: 1 },
  });
  fixture.interactionId = row.id;
  await sealEverything(t.database.db, signingKey, 100);
});
afterAll(() => t.close());

describe('the document', () => {
  it('is served at GET /api/openapi.json without a key', async () => {
    const res = await request(t.app).get('/api/openapi.json').expect(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body).toEqual(JSON.parse(JSON.stringify(OPENAPI_DOCUMENT)));
  });

  it('validates as OpenAPI 3.1 (@seriousme/openapi-schema-validator)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'openapi-'));
    const file = path.join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(OPENAPI_DOCUMENT));
    // The validator is ESM only: run it in a plain Node process rather than through ts-jest's CommonJS.
    const script = `import { Validator } from '@seriousme/openapi-schema-validator';
      const v = new Validator(); const r = await v.validate(${JSON.stringify(file)});
      console.log(JSON.stringify({ valid: r.valid, version: v.version, errors: r.errors }));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: path.resolve(__dirname, '../..'),
      env: { ...process.env, NODE_OPTIONS: '' },
    }).toString();
    expect(JSON.parse(out)).toEqual({ valid: true, version: '3.1' });
  });

  it('documents every REST route (a route without its scope or response schema fails here)', () => {
    expect(
      REST_ROUTES.filter((route) => !route.scope || (route.kind === 'operation' && !route.response)).map(
        (route) => `${route.method.toUpperCase()} ${route.path}`,
      ),
    ).toEqual([]);
    const operations = Object.values(OPENAPI_DOCUMENT.paths).flatMap((item) => Object.keys(item));
    expect(operations).toHaveLength(REST_ROUTES.length);
  });

  it('gives each operation its scope, the x-api-key scheme and the documented error responses', () => {
    const op = (OPENAPI_DOCUMENT.paths['/api/interactions'] as Record<string, Record<string, unknown>>).post;
    expect(op['x-required-scope']).toBe('write');
    expect(op.security).toEqual([{ apiKey: [] }]);
    expect(Object.keys(op.responses as object)).toEqual([
      '201',
      '400',
      '401',
      '403',
      '409',
      '413',
      '429',
      '500',
      '503',
    ]);
    expect((op.parameters as { name?: string }[]).map((p) => p.name)).toEqual([
      'x-uowid',
      'x-userid',
      'x-interaction-timestamp',
      'Idempotency-Key',
      undefined, // $ref to x-request-id
    ]);
    expect(OPENAPI_DOCUMENT.components.securitySchemes.apiKey).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'x-api-key',
    });
  });

  it('turns Express parameters into OpenAPI templates', () => {
    expect(Object.keys(OPENAPI_DOCUMENT.paths)).toContain('/api/traces/{uowId}/summary');
    expect(Object.keys(OPENAPI_DOCUMENT.paths).filter((p) => p.includes(':'))).toEqual([]);
  });

  it('rejects a body that does not match (the checker is not vacuous)', () => {
    expect(openApiProblems('get', `/api/interactions/${randomUUID()}`, 200, { interactionId: 'x' })).not.toEqual([]);
    expect(openApiProblems('get', '/api/interactions', 418, {})).toEqual([
      expect.stringContaining('status not documented'),
    ]);
  });
});

const unique = () => `M${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;

interface Replay {
  key: 'admin' | 'read' | 'write';
  path: () => Promise<string> | string;
  body?: unknown;
  status: number;
}

function lookupReplays(base: string, kind: 'resourceType' | 'action' | 'origin'): Record<string, Replay[]> {
  const target = async () => `${base}/${(await createLookupRow(t.database.db, kind, { mnemonic: unique() })).id}`;
  return {
    [`GET ${base}`]: [{ key: 'read', path: () => base, status: 200 }],
    [`POST ${base}`]: [
      { key: 'admin', path: () => base, body: { mnemonic: unique(), icon: '📦', fontColorHex: '#fff' }, status: 201 },
      { key: 'admin', path: () => base, body: { mnemonic: 'not valid!' }, status: 400 },
    ],
    [`GET ${base}/:id`]: [
      { key: 'read', path: target, status: 200 },
      { key: 'read', path: () => `${base}/${randomUUID()}`, status: 404 },
      { key: 'read', path: () => `${base}/nope`, status: 400 },
    ],
    [`PATCH ${base}/:id`]: [
      { key: 'admin', path: target, body: { name: 'Renamed', description: null }, status: 200 },
      { key: 'admin', path: () => `${base}/${randomUUID()}`, body: { name: 'x' }, status: 404 },
    ],
    [`DELETE ${base}/:id`]: [
      { key: 'admin', path: target, status: 200 },
      { key: 'admin', path: () => `${base}/${randomUUID()}`, status: 404 },
    ],
  };
}

const REPLAYS: Record<string, Replay[]> = {
  'POST /api/interactions': [
    {
      key: 'write',
      path: () => '/api/interactions',
      body: {
        resourceId: 'openapi-2',
        resourceType: 'OPENAPI',
        action: 'CREATE',
        origin: 'WEBAPP',
        interaction: [1, 'x'],
      },
      status: 201,
    },
    {
      key: 'write',
      path: () => '/api/interactions',
      body: { resourceType: 'OPENAPI', action: 'CREATE', origin: 'WEBAPP' },
      status: 400,
    },
    {
      key: 'write',
      path: () => '/api/interactions',
      body: { resourceId: 'r', resourceType: 'NOPE', action: 'CREATE', origin: 'WEBAPP' },
      status: 400,
    },
  ],
  'POST /api/interactions/batch': [
    {
      key: 'write',
      path: () => '/api/interactions/batch',
      body: {
        interactions: [
          { resourceId: 'openapi-b1', resourceType: 'OPENAPI', action: 'CREATE', origin: 'API' },
          {
            resourceId: 'openapi-b2',
            resourceType: 'OPENAPI',
            action: 'UPDATE',
            origin: 'API',
            uowId: randomUUID(),
            userId: 'u-2',
          },
        ],
      },
      status: 201,
    },
    {
      key: 'write',
      path: () => '/api/interactions/batch',
      body: { interactions: [{ resourceType: 'OPENAPI' }] },
      status: 400,
    },
  ],
  'GET /api/interactions': [
    { key: 'read', path: () => `/api/interactions?uowId=${fixture.uowId}`, status: 200 },
    { key: 'read', path: () => '/api/interactions?limit=0', status: 400 },
  ],
  'GET /api/interactions/timeline': [
    { key: 'read', path: () => '/api/interactions/timeline?days=7', status: 200 },
    { key: 'read', path: () => '/api/interactions/timeline?days=0', status: 400 },
  ],
  'POST /api/interactions/timeline/refresh': [
    { key: 'admin', path: () => '/api/interactions/timeline/refresh', status: 200 },
  ],
  'GET /api/interactions/:id': [
    { key: 'read', path: () => `/api/interactions/${fixture.interactionId}`, status: 200 },
    { key: 'read', path: () => `/api/interactions/${randomUUID()}`, status: 404 },
    { key: 'read', path: () => '/api/interactions/not-a-uuid', status: 400 },
  ],
  'POST /api/activity': [
    {
      key: 'read',
      path: () => '/api/activity',
      body: { resources: [{ resourceId: fixture.resourceId }] },
      status: 200,
    },
    { key: 'read', path: () => '/api/activity', body: { resources: [] }, status: 400 },
  ],
  'GET /api/traces/:uowId': [
    { key: 'read', path: () => `/api/traces/${fixture.uowId}`, status: 200 },
    { key: 'read', path: () => `/api/traces/${randomUUID()}`, status: 404 },
  ],
  'GET /api/traces/:uowId/timeline': [
    { key: 'read', path: () => `/api/traces/${fixture.uowId}/timeline`, status: 200 },
    { key: 'read', path: () => '/api/traces/nope/timeline', status: 400 },
  ],
  'GET /api/traces/:uowId/summary': [
    { key: 'read', path: () => `/api/traces/${fixture.uowId}/summary`, status: 200 },
    { key: 'read', path: () => `/api/traces/${randomUUID()}/summary`, status: 404 },
  ],
  ...lookupReplays('/api/resource-types', 'resourceType'),
  ...lookupReplays('/api/actions', 'action'),
  ...lookupReplays('/api/origins', 'origin'),
  'GET /api/keys': [{ key: 'admin', path: () => '/api/keys', status: 200 }],
  'GET /api/interactions/export': [
    { key: 'read', path: () => '/api/interactions/export', status: 200 },
    { key: 'read', path: () => '/api/interactions/export?startDate=never', status: 400 },
    { key: 'read', path: () => '/api/interactions/export?order=feed', status: 200 },
    { key: 'read', path: () => '/api/interactions/export?order=oldest', status: 400 },
  ],
  'GET /api/interactions/stream': [
    { key: 'read', path: () => '/api/interactions/stream', status: 200 },
    { key: 'read', path: () => '/api/interactions/stream?after=yesterday', status: 400 },
  ],
  'GET /api/integrity/checkpoints': [
    { key: 'read', path: () => '/api/integrity/checkpoints', status: 200 },
    { key: 'read', path: () => '/api/integrity/checkpoints?limit=0', status: 400 },
  ],
  'GET /api/integrity/checkpoints/export': [
    { key: 'read', path: () => '/api/integrity/checkpoints/export', status: 200 },
    { key: 'read', path: () => '/api/integrity/checkpoints/export?from=3&to=2', status: 400 },
  ],
  'GET /api/integrity/checkpoints/latest': [
    { key: 'read', path: () => '/api/integrity/checkpoints/latest', status: 200 },
    { key: 'write', path: () => '/api/integrity/checkpoints/latest', status: 403 },
  ],
  'GET /api/interactions/:id/proof': [
    { key: 'read', path: () => `/api/interactions/${fixture.interactionId}/proof`, status: 200 },
    { key: 'read', path: () => `/api/interactions/${randomUUID()}/proof`, status: 404 },
  ],
  'POST /api/integrity/verify': [
    { key: 'admin', path: () => '/api/integrity/verify', body: {}, status: 200 },
    { key: 'admin', path: () => '/api/integrity/verify', body: { from: 0 }, status: 400 },
  ],
  'GET /api/integrity/verify/last': [
    { key: 'read', path: () => '/api/integrity/verify/last', status: 200 },
    { key: 'write', path: () => '/api/integrity/verify/last', status: 403 },
  ],
  'GET /api/retention': [
    { key: 'admin', path: () => '/api/retention', status: 200 },
    { key: 'read', path: () => '/api/retention', status: 403 },
  ],
  'POST /api/keys': [
    { key: 'admin', path: () => '/api/keys', body: { name: 'openapi', scopes: 'read,write' }, status: 201 },
    { key: 'admin', path: () => '/api/keys', body: { name: 'openapi', scopes: ['root'] }, status: 400 },
  ],
  'DELETE /api/keys/:id': [
    {
      key: 'admin',
      path: async () =>
        `/api/keys/${
          (
            await api(t.app, t.keys.admin)
              .post('/api/keys')
              .send({ name: 'x', scopes: ['read'] })
          ).body.id
        }`,
      status: 200,
    },
    { key: 'admin', path: () => `/api/keys/${randomUUID()}`, status: 404 },
  ],
};

const ROWS = REST_ROUTES.map((route) => ({ route, name: `${route.method.toUpperCase()} ${route.path}` }));

it('has replays for every REST route, at least one success and one error each', () => {
  const missing = ROWS.filter(({ name }) => {
    const replays = REPLAYS[name] ?? [];
    return (
      !replays.some((r) => r.status < 300) ||
      !(replays.some((r) => r.status >= 400) || /refresh|GET \/api\/(keys|resource-types|actions|origins)$/.test(name))
    );
  });
  expect(missing.map((row) => row.name)).toEqual([]);
});

describe.each(ROWS)('$name', ({ route, name }) => {
  it('answers the documented schema for success and errors, and 401 without a key', async () => {
    for (const replay of REPLAYS[name] ?? []) {
      const url = await replay.path();
      const req = api(t.app, t.keys[replay.key])[route.method](url);
      const res = replay.body === undefined ? await req : await req.send(replay.body as object);
      expect({ url, status: res.status, body: res.body }).toEqual({ url, status: replay.status, body: res.body });
      expect(openApiProblems(route.method, url, res.status, res.body)).toEqual([]);
    }
    const url = route.path.replace(/:\w+/g, randomUUID());
    const res = await request(t.app)[route.method](url);
    expect(res.status).toBe(401);
    expect(openApiProblems(route.method, url, res.status, res.body)).toEqual([]);
  });
});
