/// <reference lib="dom" />
// Code inside page.evaluate() runs in the browser: DOM types for those callbacks.
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { colorsOf, launchBrowser, listen, newPage, RESULTS_DIR, rgb, screenshot, signIn } from './browser';

// The web console end to end: the real app on a fresh database, driven by Debian's chromium.
// Views whose API lands on other branches (timeline, traces, activity) run when schema.graphql has their fields.
const SCHEMA = fs.readFileSync(path.resolve(__dirname, '../../schema.graphql'), 'utf8');
const HAS_TIMELINE = /\btimeline\(/.test(SCHEMA) && /type Timeline\b/.test(SCHEMA);
const HAS_TRACES = /\btrace\(uowId/.test(SCHEMA);
const HAS_ACTIVITY = /\bactivity\(input/.test(SCHEMA);
const itIf = (condition: boolean) => (condition ? it : it.skip);

const ORDER = { mnemonic: 'ORDER', name: 'Order', icon: '📦', fontColorHex: '#ffffff', bgColorHex: '#1d4ed8' };
const PAYMENT = { mnemonic: 'PAYMENT', name: 'Payment', icon: '💳', fontColorHex: '#1f2937', bgColorHex: '#fde68a' };
/** Two greys a person cannot read apart: the console must substitute a readable text colour. */
const CLASH = {
  mnemonic: 'CLASH',
  name: 'Clashing colours',
  icon: '⚠',
  fontColorHex: '#777777',
  bgColorHex: '#888888',
};
const UOW = '0b9a7c1e-3f1d-4a57-9a3e-6c2b1d0e4f11';
const T0 = Date.parse('2026-11-20T10:00:00.000Z');

describe('web console in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let stop: () => Promise<void>;
  const metrics: Record<string, unknown> = {};

  const record = async (input: Record<string, unknown>) => {
    const res = await api(t.app, t.keys.admin).graphql(
      'mutation($input: CreateInteractionInput!) { createInteraction(input: $input) { id } }',
      { input },
    );
    expect(res.body.errors).toBeUndefined();
    return res.body.data.createInteraction.id as string;
  };

  beforeAll(async () => {
    t = await createTestApp();
    for (const lookup of [ORDER, PAYMENT, CLASH]) {
      const res = await api(t.app, t.keys.admin).post('/api/resource-types').send(lookup);
      expect(res.status).toBe(201);
    }
    // One unit of work recorded out of order: the waterfall must sort it by time (offsets 0, 300, 1500, 4200 ms).
    const at = (ms: number) => new Date(T0 + ms).toISOString();
    await record({
      resourceId: 'pay-1',
      resourceType: 'PAYMENT',
      action: 'CREATE',
      origin: 'API',
      uowId: UOW,
      userId: 'alice',
      interactionTimestamp: at(1500),
      interaction: { amount: 149.99 },
      externalResponse: { status: 'succeeded', id: 'pi_123' },
    });
    await record({
      resourceId: 'order-1',
      resourceType: 'ORDER',
      action: 'CREATE',
      origin: 'WEBAPP',
      uowId: UOW,
      userId: 'alice',
      interactionTimestamp: at(0),
      interaction: { total: 149.99, items: [{ sku: 'A-1', qty: 2 }] },
    });
    await record({
      resourceId: 'pay-1',
      resourceType: 'PAYMENT',
      action: 'UPDATE',
      origin: 'SYSTEM',
      uowId: UOW,
      userId: 'alice',
      interactionTimestamp: at(4200),
    });
    await record({
      resourceId: 'order-1',
      resourceType: 'ORDER',
      action: 'UPDATE',
      origin: 'WEBAPP',
      uowId: UOW,
      userId: 'alice',
      interactionTimestamp: at(300),
    });
    await record({ resourceId: 'order-2', resourceType: 'ORDER', action: 'CREATE', origin: 'MOBILE', userId: 'bob' });
    await record({ resourceId: 'thing-1', resourceType: 'CLASH', action: 'READ', origin: 'API', userId: 'bob' });
    await record({ resourceId: 'order-old', resourceType: 'ORDER', action: 'UPDATE', origin: 'API', userId: 'carol' });
    // An interaction from three days ago, for the time presets (created_date is the service's clock).
    await t.database.db.sql.query(
      "UPDATE interactions SET created_date = now() - interval '3 days' WHERE resource_id = $1",
      ['order-old'],
    );
    ({ baseUrl, close: stop } = await listen(t));
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await stop?.();
    await t?.close();
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    fs.writeFileSync(path.join(RESULTS_DIR, 'console-metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  });

  const rows = (page: Page) => page.locator('[data-testid="interactions-table"] tbody tr[data-interaction-id]');

  it('refuses an unknown key with a clear 401 message', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await page.goto('/');
    await screenshot(page, '01-sign-in');
    await page.getByLabel('API key').fill('ik_not-a-real-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.getByRole('alert'), /401 Unauthenticated/);
    await context.close();
  });

  it('signs in with a pasted key and lists the seeded interactions', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await signIn(page, t.keys.read);
    await rows(page).first().waitFor();
    expect(await rows(page).count()).toBe(7);
    expect(errors).toEqual([]);
    expect(await page.evaluate(() => sessionStorage.getItem('interactions.console.session'))).toContain(t.keys.read);
    await screenshot(page, '02-interactions');
    await context.close();
  });

  it('paints badges in the lookup colours', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, t.keys.read);
    await rows(page).first().waitFor();
    expect(await colorsOf(page, '[data-badge="resourceType:ORDER"]')).toEqual({
      color: rgb(ORDER.fontColorHex),
      backgroundColor: rgb(ORDER.bgColorHex),
    });
    expect(await colorsOf(page, '[data-badge="resourceType:PAYMENT"]')).toEqual({
      color: rgb(PAYMENT.fontColorHex),
      backgroundColor: rgb(PAYMENT.bgColorHex),
    });
    await expectText(page.locator('[data-badge="resourceType:ORDER"]').first(), /📦\s*ORDER/);
    await context.close();
  });

  it('substitutes a readable text colour when the lookup colours clash', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, t.keys.read);
    const badge = '[data-badge="resourceType:CLASH"]';
    await page.locator(badge).first().waitFor();
    const colors = await colorsOf(page, badge);
    expect(colors.backgroundColor).toBe(rgb(CLASH.bgColorHex));
    expect(colors.color).not.toBe(rgb(CLASH.fontColorHex));
    expect(await page.locator(badge).first().getAttribute('data-fallback')).toBe('true');
    await context.close();
  });

  it('filters by action and by a time preset, in the URL and the table', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, t.keys.read);
    await rows(page).first().waitFor();
    await page.getByLabel('Action', { exact: true }).selectOption('UPDATE');
    await page.waitForURL(/action=UPDATE/);
    await waitForCount(page, 3);
    expect(
      await page
        .locator('[data-testid="interactions-table"] tbody [data-badge^="action:"]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-badge'))),
    ).toEqual(Array(3).fill('action:UPDATE'));
    await page.getByText('24 hours', { exact: true }).click();
    await page.waitForURL(/range=24h/);
    expect(page.url()).toContain('action=UPDATE');
    await waitForCount(page, 2);
    expect(await page.getByText('order-old').count()).toBe(0);
    await screenshot(page, '03-interactions-filtered');
    // The URL alone restores the view (a shared link).
    const { context: other, page: shared } = await newPage(browser, baseUrl);
    await signIn(shared, t.keys.read, new URL(page.url()).pathname + new URL(page.url()).search);
    await waitForCount(shared, 2);
    await other.close();
    await context.close();
  });

  it('shows the interaction and externalResponse JSON of a row', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, t.keys.read, '/?resourceId=pay-1&action=CREATE');
    await waitForCount(page, 1);
    await page.getByRole('button', { name: /JSON of interaction/ }).click();
    await expectText(page.getByRole('group', { name: 'externalResponse JSON' }), /"succeeded"/);
    await expectText(page.getByRole('group', { name: 'interaction JSON' }), /149\.99/);
    await screenshot(page, '04-interaction-json');
    await context.close();
  });

  itIf(HAS_TIMELINE)('draws the timeline and narrows the range to a clicked bar', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, t.keys.read, '/?range=7d');
    const bars = page.locator('[data-testid="timeline-bars"] .bar');
    await bars.first().waitFor();
    const counts = await bars.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(7);
    await screenshot(page, '05-timeline');
    // The bucket of three days ago holds only order-old.
    const index = counts.findIndex((c) => c > 0);
    await bars.nth(index).click();
    await page.waitForURL(/range=custom/);
    await waitForCount(page, counts[index]);
    await context.close();
  });

  itIf(HAS_TRACES)('opens a trace from a uowId and shows the waterfall in time order', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, t.keys.read, `/?uowId=${UOW}`);
    await waitForCount(page, 4);
    await page
      .getByRole('link', { name: `…${UOW.slice(-8)}` })
      .first()
      .click();
    await page.waitForURL(new RegExp(`/trace/${UOW}`));
    const items = page.locator('[data-testid="waterfall"] li');
    await items.first().waitFor();
    const offsets = await items.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-offset-ms'))));
    expect(offsets).toEqual([0, 300, 1500, 4200]);
    await expectText(page.getByTestId('trace-total'), /^4$/);
    await screenshot(page, '06-trace');
    await context.close();
  });

  itIf(HAS_ACTIVITY)('groups the activity of several resources and opens a group as a trace', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, t.keys.read, '/activity');
    await page.getByLabel('Resource id 1').fill('order-1');
    await page.getByRole('button', { name: '+ Add resource' }).click();
    await page.getByLabel('Resource id 2').fill('order-2');
    await page.getByRole('button', { name: 'Show activity' }).click();
    await page.waitForURL(/r=%3Aorder-1/);
    const groups = page.locator('[data-testid="activity-table"] tbody tr');
    await groups.first().waitFor();
    expect(await groups.count()).toBe(2);
    await screenshot(page, '07-activity');
    await page.getByRole('link', { name: `…${UOW.slice(-8)}` }).click();
    await page.locator('[data-testid="waterfall"] li').first().waitFor();
    await context.close();
  });

  it('creates a lookup as admin with a live badge preview', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, t.keys.admin);
    await page.getByRole('link', { name: 'Lookups' }).click();
    await page.locator('[data-testid="lookups-table"] [data-badge="resourceType:ORDER"]').waitFor();
    await page.getByRole('button', { name: 'New resource type' }).click();
    await page.getByLabel('Mnemonic').fill('shipment');
    await page.getByLabel('Name').fill('Shipment');
    await page.getByLabel('Icon').fill('🚚');
    await page.getByLabel('Text colour', { exact: true }).fill('#0f172a');
    await page.getByLabel('Background colour', { exact: true }).fill('#a7f3d0');
    const preview = '.preview [data-badge="resourceType:SHIPMENT"]';
    expect(await colorsOf(page, preview)).toEqual({ color: rgb('#0f172a'), backgroundColor: rgb('#a7f3d0') });
    await screenshot(page, '08-lookups-create');
    await page.getByRole('button', { name: 'Create resource type' }).click();
    const created = '[data-testid="lookups-table"] [data-badge="resourceType:SHIPMENT"]';
    await page.locator(created).waitFor();
    expect(await colorsOf(page, created)).toEqual({ color: rgb('#0f172a'), backgroundColor: rgb('#a7f3d0') });
    const res = await api(t.app, t.keys.read).get('/api/resource-types');
    expect(res.body.data.map((l: { mnemonic: string }) => l.mnemonic)).toContain('SHIPMENT');
    await screenshot(page, '09-lookups');
    await context.close();
  });

  it('tells a read-only key on the lookups view that it gets 403', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, t.keys.read);
    await page.getByRole('link', { name: 'Lookups' }).click();
    await expectText(page.getByTestId('forbidden'), /403 Forbidden/);
    expect(await page.getByRole('button', { name: 'New resource type' }).count()).toBe(0);
    await screenshot(page, '10-lookups-read-only');
    await context.close();
  });

  it('fits a 375 px wide screen', async () => {
    const { context, page } = await newPage(browser, baseUrl, 375, 812);
    await signIn(page, t.keys.read);
    await rows(page).first().waitFor();
    await screenshot(page, '11-interactions-375px');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    if (HAS_TRACES) {
      await page.goto(`/trace/${UOW}`);
      await page.locator('[data-testid="waterfall"] li').first().waitFor();
      await screenshot(page, '12-trace-375px');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    }
    await context.close();
  });

  it('opens the bundled GraphiQL at /graphql with the key header from the sign-in', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    const external: string[] = [];
    page.on('request', (req) => {
      if (!req.url().startsWith(baseUrl) && !req.url().startsWith('data:') && !req.url().startsWith('blob:'))
        external.push(req.url());
    });
    await signIn(page, t.keys.read);
    await page.getByRole('link', { name: 'GraphQL explorer' }).click();
    await page.locator('.graphiql-query-editor .view-lines', { hasText: 'interactions' }).waitFor();
    const [response] = await Promise.all([
      page.waitForResponse(
        (r) => r.url().endsWith('/graphql') && (r.request().postData() ?? '').includes('interactions('),
      ),
      page.locator('.graphiql-execute-button').click(),
    ]);
    expect(response.request().headers()['x-api-key']).toBe(t.keys.read);
    expect((await response.json()).data.interactions.pagination.total).toBe(7);
    await page.locator('.graphiql-response .view-lines', { hasText: 'interactionNumber' }).waitFor();
    await screenshot(page, '13-graphiql');
    expect(external).toEqual([]);
    // Nothing refused by the Content-Security-Policy (script-src 'self'), no failed request.
    expect(errors).toEqual([]);
    await context.close();
  });

  it('loads fast and small (first meaningful render, gzipped JS of the console entry)', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await context.addInitScript((key) => {
      sessionStorage.setItem('interactions.console.session', JSON.stringify({ key, name: 'read', scopes: ['read'] }));
    }, t.keys.read);
    // Three cold page loads (the first also fills the HTTP cache of hashed assets, as a first visit would not):
    // report each and the median; the machine is shared, so single figures wander.
    const loads: { domContentLoadedMs: number; tableRenderedMs: number }[] = [];
    for (let i = 0; i < 3; i++) {
      await page.goto('/');
      await rows(page).first().waitFor();
      await page.waitForFunction(() => performance.getEntriesByName('console:interactions-rendered').length > 0);
      loads.push(
        await page.evaluate(() => {
          const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
          const mark = performance.getEntriesByName('console:interactions-rendered')[0];
          return {
            domContentLoadedMs: Math.round(nav.domContentLoadedEventEnd),
            tableRenderedMs: Math.round(mark.startTime),
          };
        }),
      );
    }
    const timing = { loads, medianTableRenderedMs: loads.map((l) => l.tableRenderedMs).sort((a, b) => a - b)[1] };
    const html = fs.readFileSync(path.resolve(__dirname, '../../web/dist/index.html'), 'utf8');
    const scripts = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]);
    const gzipBytes = scripts.reduce(
      (sum, s) => sum + gzipSync(fs.readFileSync(path.resolve(__dirname, '../../web/dist', `.${s}`))).length,
      0,
    );
    Object.assign(metrics, {
      firstLoad: timing,
      consoleEntryJs: { files: scripts, gzipBytes, gzipKB: +(gzipBytes / 1024).toFixed(1) },
    });
    console.log(`console metrics: ${JSON.stringify(metrics)}`);
    expect(timing.medianTableRenderedMs).toBeGreaterThan(0);
    expect(gzipBytes).toBeLessThan(300 * 1024);
    await context.close();
  });
});

async function expectText(locator: import('playwright-core').Locator, pattern: RegExp): Promise<void> {
  await locator.first().waitFor();
  for (let i = 0; i < 50; i++) {
    if (pattern.test((await locator.first().textContent()) ?? '')) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(await locator.first().textContent()).toMatch(pattern);
}

/** Waits until the table shows `n` rows (it re-renders after a filter change). */
async function waitForCount(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (count) =>
      document.querySelectorAll('[data-testid="interactions-table"] tbody tr[data-interaction-id]').length === count &&
      !document.querySelector('[role="status"]')?.textContent?.includes('Loading'),
    n,
  );
}
