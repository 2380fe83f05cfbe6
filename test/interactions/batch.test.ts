import { createHash } from 'node:crypto';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { countInteractions, createOrderResourceType, orderBody } from '../helpers/factories';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await createOrderResourceType(t);
});
afterAll(() => t.close());

const UOW = '0190a4b2-1c3d-7e4f-8a5b-6c7d8e9f0a1b';
const OWN_UOW = '0190a4b2-1c3d-7e4f-8a5b-6c7d8e9f0a1c';

describe('POST /api/interactions/batch', () => {
  it('records every item and answers 201 with them in input order', async () => {
    const items = Array.from({ length: 30 }, (_, i) => orderBody(`batch-order-${i}`, { interaction: { n: i } }));
    const response = await api(t.app, t.keys.write).post('/api/interactions/batch').send({ interactions: items });
    expect(response.status).toBe(201);
    expect(response.body.data.map((row: { resourceId: string }) => row.resourceId)).toEqual(
      items.map((item) => item.resourceId),
    );
    expect(response.body.data[7]).toMatchObject({
      resourceId: 'batch-order-7',
      interaction: { n: 7 },
      interactionTimestamp: null,
    });
    expect(typeof response.body.data[0].interactionNumber).toBe('number');
    expect(await countInteractions(t.database.db, 'batch-order-')).toBe(30);
  });

  it('applies the headers to every item and lets an item carry its own uowId, userId and timestamp', async () => {
    const response = await api(t.app, t.keys.write)
      .post('/api/interactions/batch')
      .set('x-uowid', UOW)
      .set('x-userid', 'header-user')
      .send({
        interactions: [
          orderBody('batch-headers-0'),
          orderBody('batch-headers-1', {
            uowId: OWN_UOW,
            userId: 'own-user',
            interactionTimestamp: '2026-01-02T03:04:05.000Z',
          }),
        ],
      });
    expect(response.status).toBe(201);
    expect(response.body.data[0]).toMatchObject({ uowId: UOW, userId: 'header-user', interactionTimestamp: null });
    expect(response.body.data[1]).toMatchObject({
      uowId: OWN_UOW,
      userId: 'own-user',
      interactionTimestamp: '2026-01-02T03:04:05.000Z',
    });
  });

  it('refuses the whole batch naming each invalid index, and writes nothing', async () => {
    const response = await api(t.app, t.keys.write)
      .post('/api/interactions/batch')
      .send({
        interactions: [
          orderBody('batch-invalid-0'),
          orderBody('batch-invalid-1', { action: 'NO_SUCH_ACTION' }),
          orderBody('batch-invalid-2'),
          orderBody('batch-invalid-3', { uowId: 'not-a-uuid' }),
        ],
      });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_ERROR');
    expect(response.body.error.details.errors.map((e: { index: number; code: string }) => [e.index, e.code])).toEqual([
      [1, 'UNKNOWN_LOOKUP'],
      [3, 'VALIDATION_ERROR'],
    ]);
    expect(await countInteractions(t.database.db, 'batch-invalid-')).toBe(0);
  });

  it('names items of the wrong shape by index', async () => {
    const response = await api(t.app, t.keys.write)
      .post('/api/interactions/batch')
      .send({ interactions: [orderBody('batch-shape-0'), 'not an object', { resourceType: 'ORDER' }] });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_ERROR');
    expect(response.body.error.details.errors.map((e: { index: number }) => e.index)).toEqual([1, 2]);
    expect(await countInteractions(t.database.db, 'batch-shape-')).toBe(0);
  });

  it('is atomic: a row the database refuses fails the whole batch and writes nothing', async () => {
    const response = await api(t.app, t.keys.write)
      .post('/api/interactions/batch')
      .send({
        interactions: [orderBody('batch-atomic-0'), orderBody('batch-atomic-\u0000-1'), orderBody('batch-atomic-2')],
      });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_ERROR');
    expect(await countInteractions(t.database.db, 'batch-atomic-')).toBe(0);
  });

  it('stores text and JSON exactly, whatever quotes, backslashes, braces or commas they hold', async () => {
    // The insert sends each column as one PostgreSQL array literal: every character that means something in that
    // syntax must come back as it was sent (read back from the database, not from the echoed response).
    const awkward = ['batch-text-"quoted"', 'batch-text-back\\slash', 'batch-text-{brace},comma', 'batch-text- NULL '];
    const fields = awkward.map((resourceId, i) => ({
      resourceId,
      userId: i === 3 ? 'NULL' : `user "${i}" \\ {x}`,
      externalReference: i === 0 ? null : `ref,${i}}{"\\`,
      interaction: { text: `say "hi" \\ {${i}}`, list: ['a,b', '"', '\\'], unicode: 'é ✓ 😀', nested: { n: i } },
      externalResponse: i === 2 ? ['x"y', { z: '\\n' }] : null,
      interactionTimestamp: i === 1 ? '2026-01-02T03:04:05.678Z' : null,
    }));
    const items = fields.map((extra) => orderBody(extra.resourceId, extra));
    const response = await api(t.app, t.keys.write).post('/api/interactions/batch').send({ interactions: items });
    expect(response.status).toBe(201);
    const stored = await t.database.db.sql.query<Record<string, unknown>>(
      `SELECT resource_id AS "resourceId", user_id AS "userId", external_reference AS "externalReference", interaction,
         external_response AS "externalResponse", interaction_timestamp AS "interactionTimestamp"
       FROM interactions WHERE resource_id LIKE 'batch-text-%' ORDER BY interaction_number`,
    );
    expect(stored).toEqual(
      fields.map((extra) => ({
        ...extra,
        interactionTimestamp: extra.interactionTimestamp ? new Date(extra.interactionTimestamp) : null,
      })),
    );
  });

  it('resolves lookups the cache does not hold yet beside cached ones, in input order', async () => {
    // A lookup created after the cache was filled is resolved through the database; the other items come from
    // the cache; both kinds keep their places, and a bad item still fails the batch by its index.
    const created = await api(t.app, t.keys.admin).post('/api/actions').send({ mnemonic: 'BATCH_FRESH_ACTION' });
    expect(created.status).toBe(201);
    const items = [
      orderBody('batch-mixed-0'),
      orderBody('batch-mixed-1', { action: 'BATCH_FRESH_ACTION' }),
      orderBody('batch-mixed-2', { actionId: created.body.id, action: undefined }),
      orderBody('batch-mixed-3', { action: 'UPDATE' }),
    ];
    const response = await api(t.app, t.keys.write).post('/api/interactions/batch').send({ interactions: items });
    expect(response.status).toBe(201);
    const update = await api(t.app, t.keys.read).get('/api/actions').query({ limit: 100 });
    const idOf = (mnemonic: string) => update.body.data.find((a: { mnemonic: string }) => a.mnemonic === mnemonic).id;
    expect(
      response.body.data.map((row: { resourceId: string; actionId: string }) => [row.resourceId, row.actionId]),
    ).toEqual([
      ['batch-mixed-0', idOf('CREATE')],
      ['batch-mixed-1', created.body.id],
      ['batch-mixed-2', created.body.id],
      ['batch-mixed-3', idOf('UPDATE')],
    ]);
    expect(await countInteractions(t.database.db, 'batch-mixed-')).toBe(4);

    const another = await api(t.app, t.keys.admin).post('/api/actions').send({ mnemonic: 'BATCH_FRESH_ACTION_2' });
    const refused = await api(t.app, t.keys.write)
      .post('/api/interactions/batch')
      .send({
        interactions: [
          orderBody('batch-refused-0', { action: 'BATCH_FRESH_ACTION_2' }),
          orderBody('batch-refused-1', { action: 'NO_SUCH_ACTION' }),
          orderBody('batch-refused-2', { resourceId: '' }),
          orderBody('batch-refused-3', { actionId: another.body.id, action: 'UPDATE' }),
        ],
      });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.errors.map((e: { index: number; code: string }) => [e.index, e.code])).toEqual([
      [1, 'UNKNOWN_LOOKUP'],
      [2, 'VALIDATION_ERROR'],
      [3, 'LOOKUP_MISMATCH'],
    ]);
    expect(await countInteractions(t.database.db, 'batch-refused-')).toBe(0);
  });

  it('answers without an ETag, which only reads keep', async () => {
    const created = await api(t.app, t.keys.write)
      .post('/api/interactions/batch')
      .send({ interactions: [orderBody('batch-etag-0')] });
    expect(created.status).toBe(201);
    expect(created.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(created.headers['content-length']).toBe(String(Buffer.byteLength(created.text)));
    expect(created.headers.etag).toBeUndefined();
    const read = await api(t.app, t.keys.read).get(`/api/interactions/${created.body.data[0].interactionId}`);
    expect(read.status).toBe(200);
    expect(read.headers.etag).toMatch(/^W\/"/);
    // The ETag Express's etag package would write for the body.
    const sha1 = createHash('sha1').update(read.text).digest('base64').slice(0, 27);
    expect(read.headers.etag).toBe(`W/"${Buffer.byteLength(read.text).toString(16)}-${sha1}"`);
  });

  it('refuses more than 1,000 items', async () => {
    const items = Array.from({ length: 1001 }, (_, i) => orderBody(`batch-big-${i}`));
    const response = await api(t.app, t.keys.write).post('/api/interactions/batch').send({ interactions: items });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_ERROR');
    expect(await countInteractions(t.database.db, 'batch-big-')).toBe(0);
  });

  it('refuses an empty batch', async () => {
    const response = await api(t.app, t.keys.write).post('/api/interactions/batch').send({ interactions: [] });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_ERROR');
  });

  it('refuses a body without an interactions array', async () => {
    const response = await api(t.app, t.keys.write).post('/api/interactions/batch').send({ resourceId: 'x' });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual({ field: 'interactions' });
  });

  it('needs the write scope', async () => {
    const response = await api(t.app, t.keys.read)
      .post('/api/interactions/batch')
      .send({ interactions: [orderBody('batch-scope')] });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('FORBIDDEN');
  });
});

describe('createInteractions (GraphQL)', () => {
  const MUTATION = `mutation ($inputs: [CreateInteractionInput!]!) {
    createInteractions(inputs: $inputs) { id resourceId action { mnemonic } }
  }`;

  it('returns the created interactions in input order', async () => {
    const inputs = [orderBody('gql-batch-0'), orderBody('gql-batch-1', { action: 'UPDATE' })];
    const response = await api(t.app, t.keys.write).graphql(MUTATION, { inputs });
    expect(response.body.errors).toBeUndefined();
    expect(
      response.body.data.createInteractions.map((row: { resourceId: string; action: { mnemonic: string } }) => [
        row.resourceId,
        row.action.mnemonic,
      ]),
    ).toEqual([
      ['gql-batch-0', 'CREATE'],
      ['gql-batch-1', 'UPDATE'],
    ]);
  });

  it('reports invalid indexes in the error details', async () => {
    const inputs = [orderBody('gql-invalid-0', { origin: 'NOWHERE' }), orderBody('gql-invalid-1')];
    const response = await api(t.app, t.keys.write).graphql(MUTATION, { inputs });
    expect(response.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(response.body.errors[0].extensions.details.errors[0]).toMatchObject({ index: 0, code: 'UNKNOWN_LOOKUP' });
    expect(await countInteractions(t.database.db, 'gql-invalid-')).toBe(0);
  });
});
