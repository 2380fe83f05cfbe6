import { randomUUID } from 'node:crypto';
import { InteractionsClient } from '../../packages/client/src';
import { createTestApp, type TestApp } from '../helpers/app';
import { createLookupRow, insertInteraction } from '../helpers/factories';
import { faultyProxy, listen } from '../helpers/proxy';

// client.export(): the SDK's async iterator over GET /api/interactions/export, against the real app.

let t: TestApp;
let service: Awaited<ReturnType<typeof listen>>;
let proxy: Awaited<ReturnType<typeof faultyProxy>>;
const uowId = randomUUID();

beforeAll(async () => {
  t = await createTestApp();
  const resourceTypeId = (await createLookupRow(t.database.db, 'resourceType', { mnemonic: 'SDK_EXPORT' })).id;
  for (let i = 0; i < 2_500; i += 1) {
    await insertInteraction(t.database.db, {
      resourceTypeId,
      uowId: i % 2 ? uowId : undefined,
      resourceId: `sdk-${i}`,
      interaction: { i, text: 'line\nbreak, "quoted" ü' },
      createdDate: new Date(Date.UTC(2026, 0, 1) + i * 1000),
    });
  }
  service = await listen(t.app);
  proxy = await faultyProxy(service.url);
});
afterAll(async () => {
  await proxy.close();
  await service.close();
  await t.close();
});

const client = (url: string) =>
  new InteractionsClient({ baseUrl: url, apiKey: t.keys.read, retry: { baseDelayMs: 1, maxDelayMs: 5 } });

describe('client.export()', () => {
  it('yields every match of the filters, newest first, as list items (across server chunks)', async () => {
    const numbers: number[] = [];
    for await (const item of client(service.url).export({ resourceType: 'SDK_EXPORT' })) {
      expect(item.interaction).toEqual({ i: expect.any(Number), text: 'line\nbreak, "quoted" ü' });
      numbers.push(item.interactionNumber);
    }
    expect(numbers).toHaveLength(2_500);
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
  });

  it('takes the list filters', async () => {
    const items = [];
    for await (const item of client(service.url).export({ uowId, startDate: '2026-01-01T00:10:00Z' })) items.push(item);
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((item) => item.uowId === uowId && item.createdDate >= '2026-01-01T00:10:00')).toBe(true);
  });

  it('stops reading when the loop breaks', async () => {
    let seen = 0;
    for await (const item of client(service.url).export()) {
      expect(item.interactionId).toEqual(expect.any(String));
      seen += 1;
      if (seen === 3) break;
    }
    expect(seen).toBe(3);
  });

  it('retries a 503 before the stream starts, and reports a bad filter as an InteractionsError', async () => {
    proxy.failNext(1);
    let count = 0;
    for await (const item of client(proxy.url).export({ resourceId: 'sdk-7' })) count += item ? 1 : 0;
    expect(count).toBe(1);
    const iterate = async () => {
      for await (const item of client(service.url).export({ startDate: 'not a date' })) void item;
    };
    await expect(iterate()).rejects.toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });
  });
});
