import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { ensurePartitions } from '../../src/partitions/partition.service';
import { runRetention } from '../../src/retention/retention.service';
import { refreshTimeline } from '../../src/timeline/timeline.refresh';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { createLookupRow, insertInteraction } from '../helpers/factories';

// Over HTTP: GET /api/retention, `retainedFrom` in timeline and trace answers (REST and GraphQL), and the export.
let t: TestApp;
const uowCut = randomUUID();
const uowWhole = randomUUID();
const today = new Date().toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestApp({ RETENTION_DAYS: '30' });
  const db = t.database.db;
  const resourceTypeId = (await createLookupRow(db, 'resourceType', { mnemonic: 'EXPORTED' })).id;
  await insertInteraction(db, {
    resourceTypeId,
    uowId: uowCut,
    createdDate: '2020-01-15T00:00:00Z',
    resourceId: 'old',
  });
  await insertInteraction(db, { resourceTypeId, uowId: uowCut, resourceId: 'kept, "quoted"\nline' });
  await insertInteraction(db, {
    resourceTypeId,
    uowId: uowWhole,
    resourceId: 'ünïcødé 🚀',
    interaction: { nested: { list: [1, 'two', { three: null }] }, text: 'a,"b"' },
  });
  await ensurePartitions(db, { interval: 'month' });
  await refreshTimeline(db);
});
afterAll(() => t.close());

describe('GET /api/retention', () => {
  it('shows the policy, the partitions with rows and sizes, and what the next run drops (admin)', async () => {
    const res = await api(t.app, t.keys.admin).get('/api/retention').expect(200);
    expect(res.body.policy).toEqual({ retentionDays: 30, interval: 'month', archives: false });
    const jan = res.body.partitions.find((p: { name: string }) => p.name === 'interactions_p20200101');
    expect(jan).toMatchObject({ rows: 1, expired: true, rangeStart: '2020-01-01T00:00:00.000Z' });
    expect(res.body.nextDrops).toEqual(['interactions_p20200101']);
    expect(res.body.retainedFrom).toBeNull();
  });

  it('needs the admin scope', async () => {
    const res = await api(t.app, t.keys.read).get('/api/retention').expect(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });

  it('GraphQL has the same', async () => {
    const res = await api(t.app, t.keys.admin).graphql('{ retention { nextDrops partitions { name rows } } }');
    expect(res.body.data.retention.nextDrops).toEqual(['interactions_p20200101']);
  });
});

describe('retainedFrom after a run', () => {
  beforeAll(async () => {
    const run = await runRetention(t.database.db, {
      policy: { retentionDays: 30, interval: 'month', archiveDir: null },
    });
    expect(run.dropped.map((d) => d.name)).toEqual(['interactions_p20200101']);
  });

  it('a timeline reaching into dropped time says from when it is whole; one after it says nothing', async () => {
    const reader = api(t.app, t.keys.read);
    const into = await reader.get(`/api/interactions/timeline?startDate=2019-12-01&endDate=${today}`).expect(200);
    expect(into.body.retainedFrom).toBe('2020-02-01T00:00:00.000Z');
    expect(into.body.data.reduce((sum: number, b: { count: number }) => sum + b.count, 0)).toBe(2);
    const after = await reader.get('/api/interactions/timeline?days=30').expect(200);
    expect(after.body.retainedFrom).toBeNull();
    const graphql = await reader.graphql(`{ timeline(startDate: "2019-12-01", endDate: "${today}") { retainedFrom } }`);
    expect(graphql.body.data.timeline.retainedFrom).toBe('2020-02-01T00:00:00.000Z');
  });

  it('a trace cut by retention says so in every trace answer; a whole one does not', async () => {
    const reader = api(t.app, t.keys.read);
    for (const path of ['', '/timeline', '/summary']) {
      const cut = await reader.get(`/api/traces/${uowCut}${path}`).expect(200);
      expect(cut.body.retainedFrom).toBe('2020-02-01T00:00:00.000Z');
      const whole = await reader.get(`/api/traces/${uowWhole}${path}`).expect(200);
      expect(whole.body.retainedFrom).toBeNull();
    }
    const summary = await reader.get(`/api/traces/${uowCut}/summary`).expect(200);
    expect(summary.body.totalInteractions).toBe(1);
    const graphql = await reader.graphql(
      `{ trace(uowId: "${uowCut}") { retainedFrom summary { totalInteractions } } }`,
    );
    expect(graphql.body.data.trace).toEqual({
      retainedFrom: '2020-02-01T00:00:00.000Z',
      summary: { totalInteractions: 1 },
    });
  });

  it('the status lists what was dropped', async () => {
    const res = await api(t.app, t.keys.admin).get('/api/retention').expect(200);
    expect(res.body.retainedFrom).toBe('2020-02-01T00:00:00.000Z');
    expect(res.body.dropped).toEqual([expect.objectContaining({ rows: 1, rangeStart: '2020-01-01T00:00:00.000Z' })]);
  });
});

describe('GET /api/interactions/export', () => {
  const get = (query: string, key = t.keys.read) =>
    request(t.app)
      .get(`/api/interactions/export${query}`)
      .set('x-api-key', key)
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done(null, text));
      });

  it('streams NDJSON by default: the list items, in the list order', async () => {
    const res = await get('?resourceType=EXPORTED').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const items = (res.body as string)
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    const list = await api(t.app, t.keys.read).get('/api/interactions?resourceType=EXPORTED').expect(200);
    expect(items).toEqual(list.body.data);
    expect(items.find((i) => i.resourceId === 'ünïcødé 🚀').interaction).toEqual({
      nested: { list: [1, 'two', { three: null }] },
      text: 'a,"b"',
    });
  });

  it('answers CSV for Accept: text/csv, quoted by RFC 4180, JSON columns as JSON text', async () => {
    const res = await get('?resourceType=EXPORTED').set('accept', 'text/csv').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const text = res.body as string;
    expect(text.startsWith('interactionId,interactionNumber,')).toBe(true);
    expect(text).toContain('"kept, ""quoted""\nline"');
    expect(text).toContain('ünïcødé 🚀');
    // jsonb's own key order (shorter keys first), as the NDJSON and the list show it.
    expect(text).toContain(`"{""text"":""a,\\""b\\"""",""nested"":{""list"":[1,""two"",{""three"":null}]}}"`);
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('refuses a bad filter with a JSON 400 before streaming, and needs the read scope', async () => {
    const bad = await get('?startDate=yesterday').expect(400);
    expect(JSON.parse(bad.body as string).error.code).toBe('VALIDATION_ERROR');
    const forbidden = await get('', t.keys.write).expect(403);
    expect(JSON.parse(forbidden.body as string).error.code).toBe('FORBIDDEN');
  });
});
