import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { countInteractions, ensureResourceTypes } from '../helpers/factories';

// Inputs the 0.1 probe turned into 500s (issue 15). Each is now a documented 4xx with a JSON body naming the field.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await ensureResourceTypes(t.database.db, ['HOSTILE']);
});
afterAll(() => t.close());

const valid = (resourceId: string) => ({ resourceId, resourceType: 'HOSTILE', action: 'CREATE', origin: 'API' });

function deep(levels: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i += 1) value = { n: value };
  return value;
}

describe('paths', () => {
  it.each(['/api/interactions/%ZZ', '/api/traces/%E0%A4%A', '/api/actions/%', '/api/keys/%ff%fe'])(
    '%s (bad percent-encoding) → 400 naming the path',
    async (path) => {
      const res = await request(t.app).get(path).set('x-api-key', t.keys.admin);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'path' } });
    },
  );
});

describe('Content-Encoding', () => {
  const post = (encoding: string, body: Buffer) =>
    request(t.app)
      .post('/api/interactions')
      .set('x-api-key', t.keys.write)
      .set('content-type', 'application/json')
      .set('content-encoding', encoding)
      // Sent as the bytes given (superagent would serialise a Buffer as JSON otherwise).
      .serialize((raw: unknown) => raw as string)
      .send(body);

  it.each(['gzip', 'deflate', 'br'])('%s on a body that is not so encoded → 400', async (encoding) => {
    const res = await post(encoding, Buffer.from(JSON.stringify(valid(`hostile-${encoding}-bad`))));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'content-encoding' } });
  });

  it('an encoding the service does not speak → 400 naming it', async () => {
    const res = await post('compress', Buffer.from(JSON.stringify(valid('hostile-compress'))));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'content-encoding' } });
  });

  it('a real gzip body is read', async () => {
    const res = await post('gzip', gzipSync(JSON.stringify(valid('hostile-gzip-ok'))));
    expect(res.status).toBe(201);
    expect(res.body.resourceId).toBe('hostile-gzip-ok');
  });
});

describe('NUL characters', () => {
  it('in a lookup field over REST → 400 naming it', async () => {
    const res = await api(t.app, t.keys.admin)
      .post('/api/resource-types')
      .send({ mnemonic: 'NULT1', name: 'a\u0000b' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'name' } });
  });

  it('in a lookup field over GraphQL → BAD_USER_INPUT naming it (not INTERNAL_SERVER_ERROR)', async () => {
    const res = await api(t.app, t.keys.admin).graphql(
      'mutation($input: LookupInput!) { createResourceType(input: $input) { id } }',
      { input: { mnemonic: 'NULT2', description: 'x\u0000' } },
    );
    expect(res.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'description' } });
  });

  it.each([
    ['resourceId', { resourceId: 'hostile\u0000' }],
    ['interaction', { interaction: { note: 'a\u0000b' } }],
    ['interaction', { interaction: { ['key\u0000']: 1 } }],
    ['externalResponse', { externalResponse: ['\u0000'] }],
    ['externalReference', { externalReference: 'ref\u0000' }],
  ])('in %s of a create → 400 naming it', async (field, overrides) => {
    const res = await api(t.app, t.keys.write)
      .post('/api/interactions')
      .send({ ...valid('hostile-nul'), ...overrides });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field } });
  });

  it('the text of an escape (a backslash, then u0000) is not a NUL and is stored as given', async () => {
    const res = await api(t.app, t.keys.write)
      .post('/api/interactions')
      .send({ ...valid('hostile-escape-text'), interaction: { note: '\\u0000' } });
    expect(res.status).toBe(201);
    expect(res.body.interaction).toEqual({ note: '\\u0000' });
  });

  it('in a batch item → named by index and field, nothing written', async () => {
    const res = await api(t.app, t.keys.write)
      .post('/api/interactions/batch')
      .send({ interactions: [valid('hostile-batch-0'), { ...valid('hostile-batch-1'), interaction: '\u0000' }] });
    expect(res.status).toBe(400);
    expect(res.body.error.details.errors).toEqual([
      expect.objectContaining({ index: 1, details: { field: 'interaction' } }),
    ]);
    expect(await countInteractions(t.database.db, 'hostile-batch-')).toBe(0);
  });
});

describe('JSON nested thousands deep, with an Idempotency-Key (it overflowed the stack in the request hash)', () => {
  it('single create → 400, nothing written', async () => {
    const res = await api(t.app, t.keys.write)
      .post('/api/interactions')
      .set('idempotency-key', 'deep-single')
      .send({ ...valid('hostile-deep-single'), interaction: deep(3000) });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'interaction' } });
    expect(await countInteractions(t.database.db, 'hostile-deep-')).toBe(0);
  });

  it('batch → 400, nothing written', async () => {
    const res = await api(t.app, t.keys.write)
      .post('/api/interactions/batch')
      .set('idempotency-key', 'deep-batch')
      .send({ interactions: [{ ...valid('hostile-deep-batch'), externalResponse: deep(3000) }] });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(await countInteractions(t.database.db, 'hostile-deep-')).toBe(0);
  });

  it('GraphQL → 400 before the operation runs, nothing written', async () => {
    const res = await api(t.app, t.keys.write).graphql(
      'mutation($input: CreateInteractionInput!) { createInteraction(input: $input, idempotencyKey: "deep-gql") { id } }',
      { input: { ...valid('hostile-deep-gql'), interaction: deep(3000) } },
    );
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'variables' } });
    expect(await countInteractions(t.database.db, 'hostile-deep-')).toBe(0);
  });
});
