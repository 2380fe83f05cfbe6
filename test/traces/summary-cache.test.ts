import { randomUUID } from 'node:crypto';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { insertInteraction, ensureResourceTypes } from '../helpers/factories';

// Summaries are folded into trace_summaries incrementally; these tests look at that table to prove a read only
// aggregates what is new, and that interactions of the last few seconds are never folded in.
let t: TestApp;
const uow = randomUUID();

interface Stored {
  upto: number;
  total: number;
}
const stored = async (): Promise<Stored | undefined> =>
  (
    await t.database.db.sql.query<Stored>('SELECT upto_number AS upto, total FROM trace_summaries WHERE uow_id = $1', [
      uow,
    ])
  )[0];
const summary = async () => (await api(t.app, t.keys.read).get(`/api/traces/${uow}/summary`)).body;
const add = (action: string, createdDate: string | undefined, userId: string | null = null) =>
  insertInteraction(t.database.db, {
    origin: 'API',
    uowId: uow,
    resourceId: `r-${action}`,
    resourceType: 'ORDER',
    action,
    userId,
    createdDate,
  });

beforeAll(async () => {
  t = await createTestApp();
  await ensureResourceTypes(t.database.db, ['ORDER']);
});
afterAll(() => t.close());

it('stores the summary of settled interactions on the first read', async () => {
  await add('CREATE', '2024-05-01T00:00:00Z', 'u1');
  const last = await add('READ', '2024-05-01T00:00:02Z');
  expect(await summary()).toMatchObject({
    totalInteractions: 2,
    uniqueActions: ['CREATE', 'READ'],
    userIds: ['u1'],
    durationMs: 2000,
  });
  expect(await stored()).toEqual({ upto: last.interactionNumber, total: 2 });
});

it('folds in only the interactions added since', async () => {
  const last = await add('UPDATE', '2024-05-01T00:00:05Z', 'u0');
  expect(await summary()).toMatchObject({
    totalInteractions: 3,
    uniqueActions: ['CREATE', 'READ', 'UPDATE'],
    userIds: ['u0', 'u1'],
    resourceCount: 3,
    durationMs: 5000,
  });
  expect(await stored()).toEqual({ upto: last.interactionNumber, total: 3 });
});

it('answers from the stored aggregates without re-reading folded interactions', async () => {
  // Marking the stored row proves the read started from it rather than from all interactions.
  await t.database.db.sql.query('UPDATE trace_summaries SET total = total + 1000 WHERE uow_id = $1', [uow]);
  expect((await summary()).totalInteractions).toBe(1003);
  await t.database.db.sql.query('UPDATE trace_summaries SET total = total - 1000 WHERE uow_id = $1', [uow]);
});

it('counts interactions recorded seconds ago but does not store them yet', async () => {
  const before = await stored();
  await add('DELETE', undefined);
  expect(await summary()).toMatchObject({
    totalInteractions: 4,
    uniqueActions: ['CREATE', 'DELETE', 'READ', 'UPDATE'],
  });
  expect(await stored()).toEqual(before);
});
