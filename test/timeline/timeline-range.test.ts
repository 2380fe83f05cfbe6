import { refreshTimeline } from '../../src/timeline/timeline.refresh';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { insertInteractions } from '../helpers/factories';
import { nonZero } from '../helpers/timeline';

// startDate + endDate: automatic and explicit granularity, UTC-aligned zero-filled buckets, boundaries,
// filters and guard rails. The rows sit in March 2024, far from "now", and the view is refreshed over them.
let t: TestApp;
const get = (query: string) => api(t.app, t.keys.read).get(`/api/interactions/timeline?${query}`);

beforeAll(async () => {
  t = await createTestApp();
  await insertInteractions(t.database.db, [
    { createdDate: '2024-03-09T23:59:59.999Z' },
    { createdDate: '2024-03-10T00:00:00.000Z', action: 'UPDATE', origin: 'API' },
    { createdDate: '2024-03-10T10:14:59.999Z', resourceType: 'PAYMENT', origin: 'MOBILE' },
    { createdDate: '2024-03-10T10:15:00.000Z', resourceType: 'PAYMENT', action: 'UPDATE' },
    { createdDate: '2024-03-10T10:15:00.000Z' },
    { createdDate: '2024-03-12T05:59:59.999Z' },
    { createdDate: '2024-03-12T06:00:00.000Z' },
    { createdDate: '2024-03-20T12:00:00.000Z' },
  ]);
  await refreshTimeline(t.database.db);
});
afterAll(() => t.close());

describe('automatic granularity from the span', () => {
  it('uses 15min for at most 6 hours, with a bucket for the inclusive end', async () => {
    const res = await get('startDate=2024-03-10T10:00:00Z&endDate=2024-03-10T16:00:00Z');
    expect(res.status).toBe(200);
    expect(res.body.granularity).toBe('15min');
    expect(res.body.startDate).toBe('2024-03-10T10:00:00.000Z');
    expect(res.body.endDate).toBe('2024-03-10T16:15:00.000Z');
    expect(res.body.data).toHaveLength(25);
    expect(nonZero(res.body.data)).toEqual({ '2024-03-10T10:00:00.000Z': 1, '2024-03-10T10:15:00.000Z': 2 });
  });

  it('uses hour just above 6 hours', async () => {
    const res = await get('startDate=2024-03-10T10:00:00Z&endDate=2024-03-10T16:00:00.001Z');
    expect(res.body.granularity).toBe('hour');
  });

  it('uses hour for at most 2 days (a date-only endDate includes that whole day)', async () => {
    const res = await get('startDate=2024-03-09&endDate=2024-03-10');
    expect(res.body.granularity).toBe('hour');
    expect(res.body.data).toHaveLength(48);
    expect(res.body.endDate).toBe('2024-03-11T00:00:00.000Z');
    expect(nonZero(res.body.data)).toEqual({
      '2024-03-09T23:00:00.000Z': 1,
      '2024-03-10T00:00:00.000Z': 1,
      '2024-03-10T10:00:00.000Z': 3,
    });
  });

  it('uses 6hour for at most 14 days, aligned to 00/06/12/18 UTC', async () => {
    const res = await get('startDate=2024-03-07T03:00:00Z&endDate=2024-03-20T12:00:00Z');
    expect(res.body.granularity).toBe('6hour');
    expect(res.body.startDate).toBe('2024-03-07T00:00:00.000Z');
    expect(res.body.endDate).toBe('2024-03-20T18:00:00.000Z');
    expect(res.body.data).toHaveLength(55);
    expect(nonZero(res.body.data)).toEqual({
      '2024-03-09T18:00:00.000Z': 1,
      '2024-03-10T00:00:00.000Z': 1,
      '2024-03-10T06:00:00.000Z': 3,
      '2024-03-12T00:00:00.000Z': 1,
      '2024-03-12T06:00:00.000Z': 1,
      '2024-03-20T12:00:00.000Z': 1,
    });
  });

  it('uses day above 14 days, every day present and zero-filled', async () => {
    const res = await get('startDate=2024-03-01&endDate=2024-03-31');
    expect(res.body.granularity).toBe('day');
    expect(res.body.data).toHaveLength(31);
    expect(res.body.data[0]).toEqual({ bucket: '2024-03-01T00:00:00.000Z', count: 0 });
    expect(res.body.data[30]).toEqual({ bucket: '2024-03-31T00:00:00.000Z', count: 0 });
    const steps = res.body.data.map((entry: { bucket: string }) => Date.parse(entry.bucket));
    expect(steps.every((time: number, i: number) => i === 0 || time - steps[i - 1] === 86_400_000)).toBe(true);
    expect(nonZero(res.body.data)).toEqual({
      '2024-03-09T00:00:00.000Z': 1,
      '2024-03-10T00:00:00.000Z': 4,
      '2024-03-12T00:00:00.000Z': 2,
      '2024-03-20T00:00:00.000Z': 1,
    });
  });
});

describe('explicit granularity', () => {
  it.each([
    ['15min', 96, { '2024-03-10T00:00:00.000Z': 1, '2024-03-10T10:00:00.000Z': 1, '2024-03-10T10:15:00.000Z': 2 }],
    ['hour', 24, { '2024-03-10T00:00:00.000Z': 1, '2024-03-10T10:00:00.000Z': 3 }],
    ['6hour', 4, { '2024-03-10T00:00:00.000Z': 1, '2024-03-10T06:00:00.000Z': 3 }],
    ['day', 1, { '2024-03-10T00:00:00.000Z': 4 }],
  ])('%s over one day gives %i buckets', async (granularity, length, counts) => {
    const res = await get(`startDate=2024-03-10&endDate=2024-03-10&granularity=${granularity}`);
    expect(res.status).toBe(200);
    expect(res.body.granularity).toBe(granularity);
    expect(res.body.data).toHaveLength(length);
    expect(nonZero(res.body.data)).toEqual(counts);
  });

  it('widens a range to whole buckets of the granularity', async () => {
    const res = await get('startDate=2024-03-10T10:20:00Z&endDate=2024-03-12T05:00:00Z&granularity=day');
    expect(res.body.startDate).toBe('2024-03-10T00:00:00.000Z');
    expect(res.body.endDate).toBe('2024-03-13T00:00:00.000Z');
    expect(nonZero(res.body.data)).toEqual({ '2024-03-10T00:00:00.000Z': 4, '2024-03-12T00:00:00.000Z': 2 });
  });
});

describe('boundary buckets', () => {
  it('counts 23:59:59.999 in its day and exactly 00:00 UTC in the next', async () => {
    const res = await get('startDate=2024-03-09&endDate=2024-03-10&granularity=day');
    expect(res.body.data).toEqual([
      { bucket: '2024-03-09T00:00:00.000Z', count: 1 },
      { bucket: '2024-03-10T00:00:00.000Z', count: 4 },
    ]);
  });

  it('counts 10:14:59.999 before the 15-minute edge and 10:15:00.000 after it', async () => {
    const res = await get('startDate=2024-03-10T10:00:00Z&endDate=2024-03-10T10:29:59.999Z');
    expect(res.body.data).toEqual([
      { bucket: '2024-03-10T10:00:00.000Z', count: 1 },
      { bucket: '2024-03-10T10:15:00.000Z', count: 2 },
    ]);
  });

  it('counts an interaction at exactly a date-time endDate', async () => {
    const res = await get('startDate=2024-03-10T09:00:00Z&endDate=2024-03-10T10:15:00Z&granularity=hour');
    expect(nonZero(res.body.data)).toEqual({ '2024-03-10T10:00:00.000Z': 3 });
  });

  it('counts 05:59:59.999 and 06:00 in different 6-hour buckets', async () => {
    const res = await get('startDate=2024-03-12&endDate=2024-03-12&granularity=6hour');
    expect(res.body.data.map((entry: { count: number }) => entry.count)).toEqual([1, 1, 0, 0]);
  });
});

describe('filters', () => {
  it.each([
    ['resourceType=PAYMENT', 2],
    ['resourceType=payment', 2],
    ['action=UPDATE', 2],
    ['origin=WEBAPP', 2],
    ['resourceType=ORDER&action=CREATE&origin=WEBAPP', 1],
    ['resourceType=PAYMENT&origin=MOBILE', 1],
    ['action=DELETE', 0],
    ['resourceType=NO_SUCH_TYPE', 0],
  ])('day buckets (view) with %s count %i on 2024-03-10', async (filter, count) => {
    const res = await get(`startDate=2024-03-10&endDate=2024-03-10&granularity=day&${filter}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([{ bucket: '2024-03-10T00:00:00.000Z', count }]);
  });

  it.each([
    ['resourceType=PAYMENT', { '2024-03-10T10:00:00.000Z': 2 }],
    ['action=UPDATE&origin=API', { '2024-03-10T00:00:00.000Z': 1 }],
    ['origin=SYSTEM', {}],
  ])('hour buckets (live) with %s', async (filter, counts) => {
    const res = await get(`startDate=2024-03-10&endDate=2024-03-10&granularity=hour&${filter}`);
    expect(nonZero(res.body.data)).toEqual(counts);
  });

  it('refuses a malformed mnemonic', async () => {
    const res = await get('startDate=2024-03-10&endDate=2024-03-10&action=not-a-mnemonic!');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
  });
});

describe('guard rails', () => {
  it('refuses more than 10,000 buckets, naming the coarser granularity', async () => {
    const res = await get('startDate=2024-01-01&endDate=2024-06-01&granularity=15min');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_ERROR');
    expect(res.body.error.message).toContain('granularity=hour');
    expect(res.body.error.details).toMatchObject({ buckets: 14688, maxBuckets: 10000, suggestedGranularity: 'hour' });
  });

  it('accepts exactly 10,000 buckets', async () => {
    // 10,000 × 15 min = 2,500 h; the inclusive end 1 ms before falls in the 10,000th bucket.
    const res = await get('startDate=2024-01-01T00:00:00Z&endDate=2024-04-14T03:59:59.999Z&granularity=15min');
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(10000);
  });

  it('refuses 10,001 buckets', async () => {
    const res = await get('startDate=2024-01-01T00:00:00Z&endDate=2024-04-14T04:00:00Z&granularity=15min');
    expect(res.status).toBe(400);
    expect(res.body.error.details.buckets).toBe(10001);
  });

  it('refuses a day range longer than 10,000 days', async () => {
    const res = await get('startDate=1990-01-01&endDate=2024-01-01');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('shorten');
  });

  it('refuses startDate after endDate', async () => {
    const res = await get('startDate=2024-03-11&endDate=2024-03-10');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_ERROR', details: { field: 'startDate' } });
  });

  it('accepts startDate equal to endDate', async () => {
    const res = await get('startDate=2024-03-10T00:00:00Z&endDate=2024-03-10T00:00:00Z');
    expect(res.body).toMatchObject({ granularity: '15min', data: [{ bucket: '2024-03-10T00:00:00.000Z', count: 1 }] });
  });

  it('refuses startDate without endDate', async () => {
    const res = await get('startDate=2024-03-10');
    expect(res.status).toBe(400);
    expect(res.body.error.details.field).toBe('endDate');
  });

  it('refuses endDate without startDate', async () => {
    const res = await get('endDate=2024-03-10');
    expect(res.status).toBe(400);
    expect(res.body.error.details.field).toBe('startDate');
  });

  it('refuses days together with a range', async () => {
    const res = await get('days=7&startDate=2024-03-10&endDate=2024-03-11');
    expect(res.status).toBe(400);
    expect(res.body.error.details.field).toBe('days');
  });

  it('refuses an unknown granularity', async () => {
    const res = await get('startDate=2024-03-10&endDate=2024-03-11&granularity=week');
    expect(res.status).toBe(400);
    expect(res.body.error.details.field).toBe('granularity');
  });

  it('refuses a malformed date', async () => {
    const res = await get('startDate=2024-13-01&endDate=2024-03-11');
    expect(res.status).toBe(400);
    expect(res.body.error.details.field).toBe('startDate');
  });
});
