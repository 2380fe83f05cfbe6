import { randomUUID } from 'node:crypto';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { createLookupRow, SYSTEM } from '../helpers/factories';

let t: TestApp;
let orderId: string;
let paymentId: string;
beforeAll(async () => {
  t = await createTestApp();
  orderId = (await createLookupRow(t.database.db, 'resourceType', { mnemonic: 'ORDER' })).id;
  paymentId = (await createLookupRow(t.database.db, 'resourceType', { mnemonic: 'PAYMENT' })).id;
});
afterAll(() => t.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BY_MNEMONIC = { resourceType: 'ORDER', action: 'CREATE', origin: 'WEBAPP' };
const post = (body: unknown) =>
  api(t.app, t.keys.write)
    .post('/api/interactions')
    .send(body as object);

/** The twelve fields of the documented create response. */
const CREATE_RESPONSE_KEYS = [
  'actionId',
  'createdDate',
  'externalReference',
  'interaction',
  'interactionId',
  'interactionNumber',
  'interactionTimestamp',
  'originId',
  'resourceId',
  'resourceTypeId',
  'uowId',
  'userId',
];

describe('POST /api/interactions: the response', () => {
  it('is 201 with exactly the documented keys', async () => {
    const res = await post({
      resourceId: 'order-1',
      ...BY_MNEMONIC,
      interaction: { total: 10 },
      externalReference: 'ext-1',
    });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(CREATE_RESPONSE_KEYS);
    expect(res.body).toMatchObject({
      resourceId: 'order-1',
      resourceTypeId: orderId,
      actionId: SYSTEM.actions.CREATE,
      originId: SYSTEM.origins.WEBAPP,
      interaction: { total: 10 },
      externalReference: 'ext-1',
      userId: null,
      interactionTimestamp: null,
    });
    expect(res.body.interactionId).toMatch(UUID);
    expect(new Date(res.body.createdDate).toISOString()).toBe(res.body.createdDate);
  });

  it('gives interactionNumber as a JSON number that increases', async () => {
    const first = await post({ resourceId: 'n-1', ...BY_MNEMONIC }).expect(201);
    const second = await post({ resourceId: 'n-2', ...BY_MNEMONIC }).expect(201);
    expect(typeof first.body.interactionNumber).toBe('number');
    expect(second.body.interactionNumber).toBeGreaterThan(first.body.interactionNumber);
    expect(second.text).toMatch(/"interactionNumber":\d+[,}]/);
  });

  it('stores the interaction so that GET /api/interactions/:id returns it', async () => {
    const created = await post({ resourceId: 'stored', ...BY_MNEMONIC, externalResponse: { ok: true } }).expect(201);
    const read = await api(t.app, t.keys.read).get(`/api/interactions/${created.body.interactionId}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      interactionId: created.body.interactionId,
      interactionNumber: created.body.interactionNumber,
      externalResponse: { ok: true },
      createdDate: created.body.createdDate,
    });
  });

  it('keeps interaction and externalResponse of any JSON shape', async () => {
    const res = await post({
      resourceId: 'json',
      ...BY_MNEMONIC,
      interaction: [1, 'two', null],
      externalResponse: 'plain',
    });
    expect(res.status).toBe(201);
    expect(res.body.interaction).toEqual([1, 'two', null]);
    const read = await api(t.app, t.keys.read).get(`/api/interactions/${res.body.interactionId}`);
    expect(read.body.externalResponse).toBe('plain');
  });
});

describe('POST /api/interactions: naming lookups', () => {
  it('accepts mnemonics only, in any case', async () => {
    const res = await post({ resourceId: 'r', resourceType: 'payment', action: 'update', origin: 'api' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      resourceTypeId: paymentId,
      actionId: SYSTEM.actions.UPDATE,
      originId: SYSTEM.origins.API,
    });
  });

  it('accepts UUIDs only', async () => {
    const res = await post({
      resourceId: 'r',
      resourceTypeId: orderId,
      actionId: SYSTEM.actions.READ,
      originId: SYSTEM.origins.MOBILE,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      resourceTypeId: orderId,
      actionId: SYSTEM.actions.READ,
      originId: SYSTEM.origins.MOBILE,
    });
  });

  it('accepts both when they name the same row', async () => {
    const res = await post({
      resourceId: 'r',
      resourceType: 'ORDER',
      resourceTypeId: orderId,
      action: 'CREATE',
      actionId: SYSTEM.actions.CREATE,
      origin: 'WEBAPP',
      originId: SYSTEM.origins.WEBAPP,
    });
    expect(res.status).toBe(201);
    expect(res.body.resourceTypeId).toBe(orderId);
  });

  it.each([
    ['resourceType', () => ({ resourceType: 'ORDER', resourceTypeId: paymentId })],
    ['action', () => ({ action: 'CREATE', actionId: SYSTEM.actions.DELETE })],
    ['origin', () => ({ origin: 'WEBAPP', originId: SYSTEM.origins.API })],
  ])('is 400 LOOKUP_MISMATCH when the %s mnemonic and UUID name different rows', async (field, refs) => {
    const res = await post({ resourceId: 'r', ...BY_MNEMONIC, ...refs() });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('LOOKUP_MISMATCH');
    expect(res.body.error.details.field).toBe(field);
  });

  it.each(['resourceType', 'action', 'origin'])('is 400 UNKNOWN_LOOKUP for an unknown %s mnemonic', async (field) => {
    const res = await post({ resourceId: 'r', ...BY_MNEMONIC, [field]: 'NO_SUCH_THING' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'UNKNOWN_LOOKUP', details: { field, value: 'NO_SUCH_THING' } });
  });

  it.each(['resourceType', 'action', 'origin'])('is 400 UNKNOWN_LOOKUP for an unknown %sId', async (field) => {
    const id = randomUUID();
    const body: Record<string, unknown> = { resourceId: 'r', ...BY_MNEMONIC, [`${field}Id`]: id };
    delete body[field];
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'UNKNOWN_LOOKUP', details: { field: `${field}Id`, value: id } });
  });

  it('is 400 VALIDATION_ERROR for a lookup id that is not a UUID', async () => {
    const res = await post({ resourceId: 'r', resourceTypeId: 'order', action: 'CREATE', origin: 'WEBAPP' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
  });

  it.each(['resourceType', 'action', 'origin'])(
    'is 400 VALIDATION_ERROR when %s is not named at all',
    async (field) => {
      const body: Record<string, unknown> = { resourceId: 'r', ...BY_MNEMONIC };
      delete body[field];
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    },
  );
});

describe('POST /api/interactions: body validation', () => {
  it('is 400 VALIDATION_ERROR without resourceId', async () => {
    const res = await post({ ...BY_MNEMONIC });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
  });

  it('is 400 VALIDATION_ERROR for an empty resourceId', async () => {
    const res = await post({ resourceId: '', ...BY_MNEMONIC });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
  });

  it('accepts a resourceId of 512 characters', async () => {
    const res = await post({ resourceId: 'x'.repeat(512), ...BY_MNEMONIC });
    expect(res.status).toBe(201);
    expect(res.body.resourceId).toHaveLength(512);
  });

  it('is 400 VALIDATION_ERROR for a resourceId of 513 characters', async () => {
    const res = await post({ resourceId: 'x'.repeat(513), ...BY_MNEMONIC });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'resourceId' } });
  });

  it.each([
    ['resourceId', 123],
    ['resourceId', { id: 1 }],
    ['action', 5],
    ['externalReference', false],
  ])('is 400 VALIDATION_ERROR for %s of the wrong type (%j)', async (field, value) => {
    const res = await post({ resourceId: 'r', ...BY_MNEMONIC, [field]: value });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
  });

  it('is 400 VALIDATION_ERROR for a body that is not valid JSON', async () => {
    const res = await api(t.app, t.keys.write)
      .post('/api/interactions')
      .set('content-type', 'application/json')
      .send('{"resourceId":');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
  });

  it('is 400 VALIDATION_ERROR for a body that is not JSON at all', async () => {
    const res = await api(t.app, t.keys.write)
      .post('/api/interactions')
      .set('content-type', 'text/plain')
      .send('resourceId=r');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
  });

  it('is 400 VALIDATION_ERROR for a JSON array body', async () => {
    const res = await post([{ resourceId: 'r', ...BY_MNEMONIC }]);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
  });

  it('never leaks a stack trace in an error', async () => {
    const res = await post({ resourceId: 123 });
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.ts:\d+|node_modules/);
    expect(Object.keys(res.body)).toEqual(['error']);
  });
});

describe('POST /api/interactions: headers', () => {
  const postWith = (headers: Record<string, string>) => {
    const req = api(t.app, t.keys.write).post('/api/interactions');
    for (const [name, value] of Object.entries(headers)) req.set(name, value);
    return req.send({ resourceId: 'headers', ...BY_MNEMONIC });
  };

  it('generates a UUID uowId when x-uowid is absent, a new one each time', async () => {
    const first = await postWith({}).expect(201);
    const second = await postWith({}).expect(201);
    expect(first.body.uowId).toMatch(UUID);
    expect(second.body.uowId).toMatch(UUID);
    expect(second.body.uowId).not.toBe(first.body.uowId);
  });

  it('uses the x-uowid given', async () => {
    const uowId = randomUUID();
    const res = await postWith({ 'x-uowid': uowId });
    expect(res.status).toBe(201);
    expect(res.body.uowId).toBe(uowId);
  });

  it('is 400 VALIDATION_ERROR for an x-uowid that is not a UUID', async () => {
    const res = await postWith({ 'x-uowid': 'job-42' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'uowId' } });
  });

  it('stores x-userid as userId', async () => {
    const res = await postWith({ 'x-userid': 'user-7' });
    expect(res.status).toBe(201);
    expect(res.body.userId).toBe('user-7');
  });

  it('takes x-interaction-timestamp as ISO-8601', async () => {
    const res = await postWith({ 'x-interaction-timestamp': '2024-03-01T10:00:00+01:00' });
    expect(res.status).toBe(201);
    expect(res.body.interactionTimestamp).toBe('2024-03-01T09:00:00.000Z');
  });

  it('takes x-interaction-timestamp as epoch milliseconds', async () => {
    const ms = Date.UTC(2024, 2, 1, 9, 0, 0, 123);
    const res = await postWith({ 'x-interaction-timestamp': String(ms) });
    expect(res.status).toBe(201);
    expect(res.body.interactionTimestamp).toBe('2024-03-01T09:00:00.123Z');
  });

  it.each(['yesterday', '2024-13-45T00:00:00Z', '2024-03-01 10:00'])(
    'is 400 VALIDATION_ERROR for x-interaction-timestamp %j',
    async (value) => {
      const res = await postWith({ 'x-interaction-timestamp': value });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'interactionTimestamp' } });
    },
  );

  it('records createdDate (not the interaction timestamp) as the time of recording', async () => {
    const before = Date.now();
    const res = await postWith({ 'x-interaction-timestamp': '2020-01-01T00:00:00Z' }).expect(201);
    expect(new Date(res.body.createdDate).getTime()).toBeGreaterThanOrEqual(before - 5_000);
  });
});
