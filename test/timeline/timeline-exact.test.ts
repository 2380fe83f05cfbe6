import { api, createTestApp, type TestApp } from '../helpers/app';
import { insertInteractions } from '../helpers/factories';
import { utcDay } from '../helpers/timeline';

// Exact up to now: what was written after the last refresh is counted at once; counts are by creation time.
let t: TestApp;
const read = () => api(t.app, t.keys.read);
const todayCount = async (query = '') => {
  const res = await read().get(`/api/interactions/timeline?days=1${query}`);
  return res.body.data[0].count as number;
};
const record = (headers: Record<string, string> = {}) => {
  const request = api(t.app, t.keys.write).post('/api/interactions');
  for (const [name, value] of Object.entries(headers)) request.set(name, value);
  return request.send({ resourceId: 'order-1', resourceType: 'ORDER', action: 'CREATE', origin: 'API' });
};

beforeAll(async () => {
  t = await createTestApp();
  await api(t.app, t.keys.admin).post('/api/resource-types').send({ mnemonic: 'ORDER' });
});
afterAll(() => t.close());

describe('refresh', () => {
  it('reports refreshedAt null before the first refresh', async () => {
    const res = await read().get('/api/interactions/timeline?days=1');
    expect(res.status).toBe(200);
    expect(res.body.refreshedAt).toBeNull();
  });

  it('refreshes with an admin key', async () => {
    const res = await api(t.app, t.keys.admin).post('/api/interactions/timeline/refresh');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(['durationMs', 'refreshedAt']);
    expect(Number.isNaN(Date.parse(res.body.refreshedAt))).toBe(false);
    expect(Number.isInteger(res.body.durationMs)).toBe(true);
  });

  it('reports the last refresh in the timeline', async () => {
    const refreshed = await api(t.app, t.keys.admin).post('/api/interactions/timeline/refresh');
    const res = await read().get('/api/interactions/timeline?days=1');
    expect(res.body.refreshedAt).toBe(refreshed.body.refreshedAt);
  });

  it('refuses a refresh with a read key', async () => {
    const res = await read().post('/api/interactions/timeline/refresh');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  it('refuses the timeline without a key', async () => {
    const res = await api(t.app, '').get('/api/interactions/timeline');
    expect(res.status).toBe(401);
  });
});

describe('exact between refreshes', () => {
  beforeAll(async () => {
    await api(t.app, t.keys.admin).post('/api/interactions/timeline/refresh');
  });

  it('counts an interaction created after the last refresh at once', async () => {
    const before = await todayCount();
    expect((await record()).status).toBe(201);
    expect(await todayCount()).toBe(before + 1);
  });

  it('keeps the count when a refresh moves it into the view', async () => {
    const before = await todayCount();
    await api(t.app, t.keys.admin).post('/api/interactions/timeline/refresh');
    const [state] = await t.database.db.sql.query<{ covered: number; max: number }>(
      `SELECT (SELECT covered_through FROM timeline_refresh_state) AS covered, (SELECT max(interaction_number) FROM interactions) AS max`,
    );
    expect(state.covered).toBe(state.max);
    expect(await todayCount()).toBe(before);
  });

  it('counts a row written after the refresh with a created_date in a day the view covers', async () => {
    await insertInteractions(t.database.db, [{ createdDate: '2025-05-05T12:00:00Z', resourceType: 'ORDER' }]);
    await api(t.app, t.keys.admin).post('/api/interactions/timeline/refresh');
    await insertInteractions(t.database.db, [{ createdDate: '2025-05-05T13:00:00Z', resourceType: 'ORDER' }]);
    const res = await read().get('/api/interactions/timeline?startDate=2025-05-01&endDate=2025-05-31');
    expect(res.body.data[4]).toEqual({ bucket: '2025-05-05T00:00:00.000Z', count: 2 });
  });

  it('counts each interaction once after the view covers it', async () => {
    await api(t.app, t.keys.admin).post('/api/interactions/timeline/refresh');
    const res = await read().get('/api/interactions/timeline?startDate=2025-05-01&endDate=2025-05-31');
    expect(res.body.data[4].count).toBe(2);
  });
});

describe('which timestamp the timeline counts by', () => {
  beforeAll(async () => {
    const res = await record({ 'x-interaction-timestamp': '2020-02-02T10:00:00Z' });
    expect(res.body.interactionTimestamp).toBe('2020-02-02T10:00:00.000Z');
  });

  it('counts an interaction with a past x-interaction-timestamp on the day it was created', async () => {
    const res = await read().get('/api/interactions/timeline?days=1&origin=API');
    expect(res.body.data[0].bucket).toBe(utcDay(0));
    expect(res.body.data[0].count).toBeGreaterThanOrEqual(1);
  });

  it('does not count it on the day of its x-interaction-timestamp', async () => {
    const res = await read().get('/api/interactions/timeline?startDate=2020-02-02&endDate=2020-02-02&granularity=day');
    expect(res.body.data).toEqual([{ bucket: '2020-02-02T00:00:00.000Z', count: 0 }]);
  });

  it('still counts it by creation time once the view covers it', async () => {
    const before = await todayCount('&origin=API');
    await api(t.app, t.keys.admin).post('/api/interactions/timeline/refresh');
    expect(await todayCount('&origin=API')).toBe(before);
    const past = await read().get('/api/interactions/timeline?startDate=2020-02-02&endDate=2020-02-02&granularity=day');
    expect(past.body.data[0].count).toBe(0);
  });
});

describe('GraphQL', () => {
  const TIMELINE = `query ($days: Int, $startDate: String, $endDate: String, $granularity: String, $filter: TimelineFilterInput) {
    timeline(days: $days, startDate: $startDate, endDate: $endDate, granularity: $granularity, filter: $filter) {
      granularity startDate endDate refreshedAt retainedFrom data { bucket count }
    }
  }`;

  it('returns the same timeline as REST', async () => {
    const rest = await read().get(
      '/api/interactions/timeline?startDate=2025-05-05&endDate=2025-05-05&granularity=hour&resourceType=ORDER',
    );
    const gql = await read().graphql(TIMELINE, {
      startDate: '2025-05-05',
      endDate: '2025-05-05',
      granularity: 'hour',
      filter: { resourceType: 'ORDER' },
    });
    expect(gql.body.errors).toBeUndefined();
    expect(gql.body.data.timeline).toEqual(rest.body);
  });

  it('reports a guard rail as BAD_USER_INPUT', async () => {
    const gql = await read().graphql(TIMELINE, { days: 0 });
    expect(gql.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('refreshes with refreshTimeline', async () => {
    const gql = await api(t.app, t.keys.admin).graphql('mutation { refreshTimeline { refreshedAt durationMs } }');
    expect(gql.body.errors).toBeUndefined();
    expect(typeof gql.body.data.refreshTimeline.durationMs).toBe('number');
  });

  it('refuses refreshTimeline without the admin scope', async () => {
    const gql = await read().graphql('mutation { refreshTimeline { refreshedAt durationMs } }');
    expect(gql.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });
});
