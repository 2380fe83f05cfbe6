/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { launchBrowser, listen, newPage } from './browser';

// The Activity view as a user opens it (issue 14): every time range must load once and settle, the times it shows
// must be the recorded ones it filters by, and units of work recorded in the same minute must look different.
const RANGES = ['', '5m', '1h', '24h', '7d', '30d', '90d'];

describe('activity view in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let stop: () => Promise<void>;
  const uows: string[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    const res = await api(t.app, t.keys.admin).post('/api/resource-types').send({ mnemonic: 'TICKET', icon: '🎫' });
    expect(res.status).toBe(201);
    // Three units of work with server-generated (UUIDv7) ids within the same second; the first one's caller says
    // it happened three days before it was recorded.
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000).toISOString();
    for (const [i, headers] of [{ 'x-interaction-timestamp': threeDaysAgo }, {}, {}].entries()) {
      const created = await api(t.app, t.keys.write)
        .post('/api/interactions')
        .set({ 'x-userid': `user-${i}`, ...headers })
        .send({ resourceId: 'ticket-25', resourceType: 'TICKET', action: 'UPDATE', origin: 'API' });
      expect(created.status).toBe(201);
      uows.push(created.body.uowId);
    }
    ({ baseUrl, close: stop } = await listen(t));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stop?.();
    await t?.close();
  });

  const signedIn = async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await context.addInitScript((key) => {
      sessionStorage.setItem('interactions.console.session', JSON.stringify({ key, name: 'read', scopes: ['read'] }));
    }, t.keys.read);
    return { context, page };
  };

  /** Opens a URL and counts its requests until the page settles (no request for 1 s). */
  const countRequests = async (page: Page, url: string) => {
    const seen: string[] = [];
    const onRequest = (req: import('playwright-core').Request) =>
      seen.push(`${req.method()} ${new URL(req.url()).pathname}`);
    page.on('request', onRequest);
    await page.goto(url);
    await page.locator('[data-testid="activity-table"]').waitFor({ timeout: 5000 });
    let last = -1;
    while (last !== seen.length) {
      last = seen.length;
      await page.waitForTimeout(1000);
    }
    page.off('request', onRequest);
    return { total: seen.length, graphql: seen.filter((s) => s === 'POST /graphql').length };
  };

  it('loads once and settles for every time range (bounded requests per page view)', async () => {
    const { context, page } = await signedIn();
    const counts: Record<string, { total: number; graphql: number }> = {};
    for (const range of RANGES) {
      const url = `/activity?r=%3Aticket-25${range ? `&range=${range}` : ''}`;
      counts[range || 'all'] = await countRequests(page, url);
      expect(await page.getByRole('status').filter({ hasText: 'Loading' }).count()).toBe(0);
    }
    console.log(`activity requests per page view: ${JSON.stringify(counts)}`);
    for (const count of Object.values(counts)) {
      expect(count.graphql).toBeLessThanOrEqual(3);
      expect(count.total).toBeLessThanOrEqual(20);
    }
    await context.close();
  });

  it('choosing "Last 24 hours" and pressing Show activity loads once', async () => {
    const { context, page } = await signedIn();
    await page.goto('/activity?r=%3Aticket-25');
    await page.locator('[data-testid="activity-table"] tbody tr').first().waitFor();
    let graphql = 0;
    page.on('request', (req) => {
      if (req.method() === 'POST' && req.url().endsWith('/graphql')) graphql++;
    });
    await page.getByLabel('Time range').selectOption('24h');
    await page.getByRole('button', { name: 'Show activity' }).click();
    await page.waitForTimeout(2000);
    expect(graphql).toBeLessThanOrEqual(2);
    expect(await page.locator('[data-testid="activity-table"] tbody tr').count()).toBe(3);
    await context.close();
  });

  it('shows the recorded time it filters by, and the caller’s time beneath it', async () => {
    const { context, page } = await signedIn();
    await page.goto('/activity?r=%3Aticket-25&range=24h');
    const rows = page.locator('[data-testid="activity-table"] tbody tr');
    await rows.first().waitFor();
    const text = (await rows.allTextContents()).join('\n');
    expect(text).not.toMatch(/days? ago/);
    const late = rows.filter({ hasText: 'user-0' });
    expect(await late.locator('.occurred').textContent()).toMatch(/happened/);
    await context.close();
  });

  it('tells units of work recorded in the same minute apart, with the full id on hover and a copy action', async () => {
    const { context, page } = await signedIn();
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto('/activity?r=%3Aticket-25');
    const links = page.locator('[data-testid="activity-table"] tbody a[href^="/trace/"]');
    await links.first().waitFor();
    const labels = await links.allTextContents();
    expect(new Set(labels).size).toBe(3);
    const titles = await links.evaluateAll((els) => els.map((e) => e.getAttribute('title') ?? ''));
    for (const uow of uows) expect(titles.some((title) => title.includes(uow))).toBe(true);
    await page.getByRole('button', { name: `Copy unit of work id ${uows[1]}` }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(uows[1]);
    // The list shows the same distinguishing part.
    await page.goto('/?resourceId=ticket-25');
    const listLinks = page.locator('[data-testid="interactions-table"] tbody a[href^="/trace/"]');
    await listLinks.first().waitFor();
    expect(new Set(await listLinks.allTextContents()).size).toBe(3);
    await context.close();
  });

  it('says what is missing when Show activity is pressed with no resource', async () => {
    const { context, page } = await signedIn();
    await page.goto('/activity');
    await page.getByRole('button', { name: 'Show activity' }).click();
    await page.getByText('Enter at least one resource id').waitFor({ timeout: 3000 });
    await context.close();
  });

  it('shows resource type icons in its selects, as the list does', async () => {
    const { context, page } = await signedIn();
    await page.goto('/activity');
    await page.getByLabel('Resource type 1').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('select option').length > 2);
    const options = await page.getByLabel('Resource type 1').locator('option').allTextContents();
    expect(options).toContain('🎫 TICKET');
    await context.close();
  });
});
