import { api, createTestApp, type TestApp } from '../helpers/app';
import { insertInteractions } from '../helpers/factories';
import { nonZero, utcDay } from '../helpers/timeline';

// days=N: N whole UTC days ending with today (the last bucket is today, the range ends at tomorrow 00:00 UTC).
let t: TestApp;
const get = (query: string) => api(t.app, t.keys.read).get(`/api/interactions/timeline${query}`);

beforeAll(async () => {
  t = await createTestApp();
  await insertInteractions(t.database.db, [
    { createdDate: new Date(Date.parse(utcDay(-6)) - 1) }, // last millisecond before a 6-day window
    { createdDate: utcDay(-6) }, // first millisecond of it
    { createdDate: utcDay(-2), action: 'DELETE' },
    { createdDate: new Date(Date.parse(utcDay(1)) - 1) }, // today 23:59:59.999
  ]);
});
afterAll(() => t.close());

it('defaults to 90 day buckets ending with today', async () => {
  const res = await get('');
  expect(res.status).toBe(200);
  expect(res.body.granularity).toBe('day');
  expect(res.body.startDate).toBe(utcDay(-89));
  expect(res.body.endDate).toBe(utcDay(1));
  expect(res.body.data).toHaveLength(90);
  expect(res.body.data[89].bucket).toBe(utcDay(0));
});

it('counts the whole of the first and last day of days=6, nothing before', async () => {
  const res = await get('?days=6');
  expect(res.body.data).toHaveLength(6);
  expect(res.body.startDate).toBe(utcDay(-5));
  expect(nonZero(res.body.data)).toEqual({ [utcDay(-2)]: 1, [utcDay(0)]: 1 });
});

it('starts days=7 at 00:00 UTC six days ago', async () => {
  const res = await get('?days=7');
  expect(nonZero(res.body.data)).toEqual({ [utcDay(-6)]: 1, [utcDay(-2)]: 1, [utcDay(0)]: 1 });
});

it('takes filters with days', async () => {
  const res = await get('?days=7&action=DELETE');
  expect(nonZero(res.body.data)).toEqual({ [utcDay(-2)]: 1 });
});

it('takes an explicit granularity with days', async () => {
  const res = await get('?days=1&granularity=hour');
  expect(res.body.granularity).toBe('hour');
  expect(res.body.data).toHaveLength(24);
  expect(nonZero(res.body.data)).toEqual({ [new Date(Date.parse(utcDay(1)) - 3_600_000).toISOString()]: 1 });
});

it('accepts days=3650', async () => {
  const res = await get('?days=3650');
  expect(res.status).toBe(200);
  expect(res.body.data).toHaveLength(3650);
});

it.each(['0', '3651', '-1', '1.5', 'abc'])('refuses days=%s', async (days) => {
  const res = await get(`?days=${days}`);
  expect(res.status).toBe(400);
  expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'days' } });
});

it('refuses days that give more than 10,000 buckets, naming the coarser granularity', async () => {
  const res = await get('?days=105&granularity=15min');
  expect(res.status).toBe(400);
  expect(res.body.error.message).toContain('granularity=hour');
});
