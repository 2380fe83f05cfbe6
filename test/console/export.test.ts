/// <reference lib="dom" />
import fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { launchBrowser, listen, newPage, screenshot, signIn } from './browser';

// The list's Export buttons, in a browser: the file holds every match of the current filters, not just the page.

describe('console export', () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    t = await createTestApp();
    await api(t.app, t.keys.admin).post('/api/resource-types').send({ mnemonic: 'ORDER', name: 'Order' }).expect(201);
    await api(t.app, t.keys.admin).post('/api/resource-types').send({ mnemonic: 'OTHER', name: 'Other' }).expect(201);
    const items = Array.from({ length: 75 }, (_, i) => ({
      resourceId: `order-${i}, "q"`,
      resourceType: i % 3 === 0 ? 'OTHER' : 'ORDER',
      action: 'CREATE',
      origin: 'WEBAPP',
    }));
    await api(t.app, t.keys.write).post('/api/interactions/batch').send({ interactions: items }).expect(201);
    ({ baseUrl, close: stop } = await listen(t));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stop?.();
    await t.close();
  });

  it('Export CSV downloads every interaction matching the filters shown', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, t.keys.read, '/?resourceType=ORDER&limit=10');
    await page.getByTestId('interactions-table').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    const text = fs.readFileSync((await download.path())!, 'utf8');
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0].startsWith('interactionId,interactionNumber,')).toBe(true);
    // 50 ORDER rows (not the page of 10), quoted where they hold a comma or a quote.
    expect(lines).toHaveLength(1 + 50);
    expect(lines.slice(1).every((line) => line.includes(',"order-') && line.includes(', ""q""",'))).toBe(true);
    expect(download.suggestedFilename()).toMatch(/^interactions-.*\.csv$/);
    await screenshot(page, 'console-export');
    await context.close();
  });

  it('Export NDJSON gives one list item a line', async () => {
    const { context, page } = await newPage(browser, baseUrl);
    await signIn(page, t.keys.read, '/?resourceType=OTHER');
    await page.getByTestId('interactions-table').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-ndjson').click()]);
    const items = fs
      .readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(items).toHaveLength(25);
    expect(items.every((item) => item.resourceTypeMnemonic === 'OTHER')).toBe(true);
    await context.close();
  });
});
