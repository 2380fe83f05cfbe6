import { randomUUID } from 'node:crypto';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { insertInteraction, ensureResourceTypes } from '../helpers/factories';

// Activity answers by one clock, the recorded time (createdDate), as the interaction list does (ADR 085):
// it filters by it, so it also orders and reports by it; the caller's interactionTimestamp is a separate field.
let t: TestApp;
const LATE = randomUUID(); // recorded 2026-11-28 12:30, but the caller said it happened four days earlier
const EARLY = randomUUID(); // recorded 2026-11-27, the caller's time is "in the future" (clock skew)
const INSIDE = randomUUID(); // recorded 2026-11-29 and happened then too (no interactionTimestamp)

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.db;
  await ensureResourceTypes(db, ['TICKET']);
  const row = (uowId: string, createdDate: string, interactionTimestamp: string | null) =>
    insertInteraction(db, {
      resourceId: 'ticket-25',
      resourceType: 'TICKET',
      action: 'UPDATE',
      origin: 'API',
      userId: 'alice',
      uowId,
      createdDate,
      interactionTimestamp,
    });
  await row(LATE, '2026-11-28T12:30:00Z', '2026-11-24T12:30:00Z');
  await row(EARLY, '2026-11-27T09:00:00Z', '2026-11-30T09:00:00Z');
  await row(INSIDE, '2026-11-29T08:00:00Z', null);
});
afterAll(() => t.close());

const post = (body: object) => api(t.app, t.keys.read).post('/api/activity').send(body);

describe('POST /api/activity reports the recorded time it filters by', () => {
  it('gives firstInteractionAt/lastInteractionAt inside the requested range', async () => {
    const res = await post({ resources: [{ resourceId: 'ticket-25' }], startDate: '2026-11-28T12:00:00Z' });
    expect(res.status).toBe(200);
    expect(res.body.data.map((g: { uowId: string }) => g.uowId)).toEqual([INSIDE, LATE]);
    const late = res.body.data[1];
    expect(late.firstInteractionAt).toBe('2026-11-28T12:30:00.000Z');
    expect(late.lastInteractionAt).toBe('2026-11-28T12:30:00.000Z');
    for (const g of res.body.data)
      expect(Date.parse(g.lastInteractionAt)).toBeGreaterThanOrEqual(Date.parse('2026-11-28T12:00:00Z'));
  });

  it('orders groups newest recorded first, whatever the callers said', async () => {
    const res = await post({ resources: [{ resourceId: 'ticket-25' }] });
    expect(res.body.data.map((g: { uowId: string }) => g.uowId)).toEqual([INSIDE, LATE, EARLY]);
  });

  it("exposes the caller's time of the group's last interaction over GraphQL", async () => {
    const res = await api(t.app, t.keys.read).graphql(
      `query($input: ActivityInput!) { activity(input: $input) { items { uowId lastInteractionAt lastInteractionTimestamp } } }`,
      { input: { resources: [{ resourceId: 'ticket-25' }] } },
    );
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.activity.items).toEqual([
      { uowId: INSIDE, lastInteractionAt: '2026-11-29T08:00:00.000Z', lastInteractionTimestamp: null },
      {
        uowId: LATE,
        lastInteractionAt: '2026-11-28T12:30:00.000Z',
        lastInteractionTimestamp: '2026-11-24T12:30:00.000Z',
      },
      {
        uowId: EARLY,
        lastInteractionAt: '2026-11-27T09:00:00.000Z',
        lastInteractionTimestamp: '2026-11-30T09:00:00.000Z',
      },
    ]);
  });
});
