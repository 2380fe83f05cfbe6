/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { freePort } from '../helpers/service';
import { CuttableProxy } from '../helpers/tcp-proxy';
import { guard, launchBrowser, listen, newPage, RESULTS_DIR, screenshot, settleView, type Guard } from './browser';

// Live mode of the console (issue 18): the interactions list and a trace following the live feed while the test
// records interactions through the REST API. The browser reaches the service through a TCP proxy the test can cut;
// the test's writes go straight to the app.
const UOW = '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f';
const MAX_REQUESTS_PER_VIEW = 20;
const LIST = '/?resourceType=ORDER&range=24h';

describe('console live mode', () => {
  let t: TestApp;
  let browser: Browser;
  let proxy: CuttableProxy;
  let stop: () => Promise<void>;
  const counts: Record<string, number> = {};
  let serial = 0;

  /** Records one interaction through POST /api/interactions; returns its id. */
  const record = async (body: Record<string, unknown>, headers: Record<string, string> = {}) => {
    let req = api(t.app, t.keys.write).post('/api/interactions');
    for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
    const res = await req.send({ action: 'UPDATE', origin: 'API', ...body });
    expect(res.status).toBe(201);
    return res.body.interactionId as string;
  };
  const order = (extra: Record<string, unknown> = {}) =>
    record({ resourceId: `order-${++serial}`, resourceType: 'ORDER', interaction: { total: serial }, ...extra });

  beforeAll(async () => {
    t = await createTestApp();
    const admin = api(t.app, t.keys.admin);
    expect(
      (
        await admin
          .post('/api/resource-types')
          .send({ mnemonic: 'ORDER', name: 'Order', icon: '📦', fontColorHex: '#ffffff', bgColorHex: '#1d4ed8' })
      ).status,
    ).toBe(201);
    expect((await admin.post('/api/resource-types').send({ mnemonic: 'CUSTOMER', name: 'Customer' })).status).toBe(201);
    for (let i = 0; i < 6; i++) await order({ action: i % 2 ? 'UPDATE' : 'CREATE', userId: i % 3 ? 'alice' : 'bob' });
    await record({ resourceId: 'cust-1', resourceType: 'CUSTOMER', action: 'READ', origin: 'MOBILE' });
    await record({ resourceId: 'order-t', resourceType: 'ORDER', action: 'CREATE' }, { 'x-uowid': UOW });
    await record({ resourceId: 'cust-t', resourceType: 'CUSTOMER', action: 'READ' }, { 'x-uowid': UOW });
    const service = await listen(t);
    stop = service.close;
    proxy = new CuttableProxy(await freePort(), { host: '127.0.0.1', port: Number(new URL(service.baseUrl).port) });
    await proxy.start();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await proxy?.cut();
    await stop?.();
    await t?.close();
    console.log(`requests per page view: ${JSON.stringify(counts)}`);
  });

  const open = async (width: number, height = 800): Promise<{ context: BrowserContext; page: Page; g: Guard }> => {
    const { context, page } = await newPage(browser, `http://127.0.0.1:${proxy.port}`, width, height);
    await context.addInitScript((key) => {
      sessionStorage.setItem(
        'interactions.console.session',
        JSON.stringify({ key, name: 'live', scopes: ['read', 'write', 'admin'] }),
      );
    }, t.keys.admin);
    return { context, page, g: guard(page) };
  };

  /** Waits until no request has started for 600 ms; checks the count of this view's requests. */
  const settle = (page: Page, g: Guard, name: string) => settleView(page, g, name, counts, MAX_REQUESTS_PER_VIEW);

  const rowIds = (page: Page) =>
    page
      .locator('[data-testid="interactions-table"] tbody tr[data-interaction-id]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-interaction-id')!));
  const status = (page: Page) => page.getByTestId('live-status');

  /** Opens the list with filters and turns Live on; resolves once the stream is live and the table loaded. */
  const goLive = async (page: Page, g: Guard, name: string) => {
    g.requests.length = 0;
    await page.goto(LIST);
    await page.locator('[data-testid="interactions-table"]').waitFor();
    await page.getByRole('switch', { name: 'Live' }).check();
    await status(page)
      .filter({ hasText: /^Live$/ })
      .waitFor();
    await page.getByRole('status').filter({ hasText: 'Loading…' }).waitFor({ state: 'detached' });
    await settle(page, g, name);
  };

  it('shows a new matching interaction at the top within 2 s, and not one outside the filters', async () => {
    const { context, page, g } = await open(1280);
    await goLive(page, g, 'list live 1280');
    const before = await rowIds(page);
    expect(before).toHaveLength(7); // the six orders and the trace's order; the customers do not match

    const other = await record({ resourceId: 'cust-2', resourceType: 'CUSTOMER', action: 'CREATE' });
    const id = await order({ userId: 'carol' });
    await page.locator(`tr[data-interaction-id="${id}"]`).waitFor({ timeout: 2000 });
    const after = await rowIds(page);
    expect(after).toEqual([id, ...before]);
    expect(after).not.toContain(other);
    const first = page.locator('[data-testid="interactions-table"] tbody tr').first();
    expect(await first.locator('[data-label="User"]').textContent()).toBe('carol');
    expect(await first.locator('[data-badge="resourceType:ORDER"]').textContent()).toContain('ORDER');
    expect(await page.locator('.pagination').textContent()).toMatch(/· 8 interactions/);
    await screenshot(page, 'live-01-playing-1280');
    await settle(page, g, 'list live arrival 1280');
    expect(g.problems).toEqual([]);
    await context.close();
  });

  for (const [width, suffix] of [
    [1280, '1280'],
    [375, '375'],
  ] as const) {
    it(`pauses (holding new rows back with their count) and resumes, at ${width} px`, async () => {
      const { context, page, g } = await open(width);
      await goLive(page, g, `list live ${suffix}`);
      await page.waitForTimeout(300);
      if (width === 375) await screenshot(page, 'live-01-playing-375');
      const before = await rowIds(page);
      await page.getByRole('button', { name: 'Pause' }).click();
      await status(page).filter({ hasText: 'Paused' }).waitFor();
      const held = [await order(), await order(), await order()];
      const resume = page.getByRole('button', { name: '3 new — Resume' });
      await resume.waitFor({ timeout: 5000 });
      expect(await rowIds(page)).toEqual(before);
      await screenshot(page, `live-02-paused-${suffix}`);
      // The top of the page as a phone shows it: the full-page shot is too tall to read the controls in.
      await page.screenshot({
        path: `${RESULTS_DIR}/live-02-paused-${suffix}-top.png`,
        clip: { x: 0, y: 0, width, height: 640 },
      });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(overflow).toBeLessThanOrEqual(width);

      await resume.click();
      await status(page)
        .filter({ hasText: /^Live$/ })
        .waitFor();
      expect(await rowIds(page)).toEqual([...held.reverse(), ...before]);
      await settle(page, g, `list paused and resumed ${suffix}`);
      expect(g.problems).toEqual([]);
      await context.close();
    });
  }

  it('after a dropped connection, shows every interaction recorded meanwhile exactly once', async () => {
    const { context, page, g } = await open(1280);
    // The cut itself: the stream's request fails, and reconnecting is refused until the proxy is back.
    g.expect(/api\/interactions\/stream.*net::ERR_/);
    g.expect(/net::ERR_(CONNECTION_REFUSED|CONNECTION_RESET|EMPTY_RESPONSE|INCOMPLETE_CHUNKED_ENCODING)/);
    await goLive(page, g, 'list before the cut 1280');
    const before = await rowIds(page);
    await proxy.cut();
    await status(page).filter({ hasText: 'Reconnecting…' }).waitFor({ timeout: 10_000 });
    await screenshot(page, 'live-03-reconnecting-1280');
    const missed = [await order(), await order(), await order(), await order()];
    await page.waitForTimeout(1000);
    await proxy.restore();
    await status(page)
      .filter({ hasText: /^Live$/ })
      .waitFor({ timeout: 15_000 });
    const later = await order();
    await page.locator(`tr[data-interaction-id="${later}"]`).waitFor({ timeout: 5000 });
    await page.waitForTimeout(500);
    const after = await rowIds(page);
    expect(after).toEqual([later, ...missed.reverse(), ...before]);
    expect(new Set(after).size).toBe(after.length);
    // Reconnecting is a handful of requests, not a storm.
    expect(g.requests.length).toBeLessThanOrEqual(MAX_REQUESTS_PER_VIEW);
    expect(g.problems).toEqual([]);
    await context.close();
  });

  it('a trace of a unit of work still running grows by itself, in chronological order', async () => {
    const { context, page, g } = await open(1280);
    await page.goto(`/trace/${UOW}`);
    const steps = page.locator('[data-testid="waterfall"] li');
    await steps.nth(1).waitFor();
    await status(page)
      .filter({ hasText: /^Live$/ })
      .waitFor();
    await settle(page, g, 'trace 1280');
    expect(await steps.count()).toBe(2);

    await record({ resourceId: 'order-t', resourceType: 'ORDER', action: 'UPDATE' }, { 'x-uowid': UOW });
    await record(
      { resourceId: 'ship-t', resourceType: 'ORDER', action: 'CREATE', origin: 'SYSTEM' },
      { 'x-uowid': UOW, 'x-userid': 'dave' },
    );
    await steps.nth(3).waitFor({ timeout: 2000 });
    expect(await page.getByTestId('trace-total').textContent()).toBe('4');
    const numbers = await steps.evaluateAll((items) => items.map((li) => Number(li.dataset.interactionNumber)));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    const offsets = await steps.evaluateAll((items) => items.map((li) => Number(li.dataset.offsetMs)));
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    expect(await steps.nth(3).textContent()).toContain('ship-t');
    expect(await steps.nth(3).textContent()).toContain('by dave');
    expect(await page.locator('.summary').textContent()).toContain('dave');
    await screenshot(page, 'live-04-trace-1280');
    await settle(page, g, 'trace grown 1280');

    // Leaving the page closes its stream: the service holds no subscription for it any more.
    await page.getByRole('link', { name: '← Interactions' }).click();
    await page.locator('[data-testid="interactions-table"]').waitFor();
    for (let i = 0; i < 150 && t.feed.size > 0; i++) await page.waitForTimeout(100);
    expect(t.feed.size).toBe(0);
    expect(g.problems).toEqual([]);
    await context.close();
  });
});
