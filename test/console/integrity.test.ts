/// <reference lib="dom" />
// Code inside page.evaluate() runs in the browser: DOM types for those callbacks.
import type { Browser, Page } from 'playwright-core';
import { generateSigningKey } from '../../src/integrity/signing-key';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { sealEverything } from '../helpers/integrity';
import { contrastRatio, MIN_CONTRAST } from '../../web/src/contrast';
import { SEAL_COLORS } from '../../web/src/integrity/seal';
import { colorsOf, guard, launchBrowser, listen, newPage, rgb, screenshot, settleView, type Guard } from './browser';

// Issue 19 in the console: each interaction's "verified in checkpoint #N" badge, checked in the browser with
// WebCrypto; a trace's one badge; the Integrity page with its checkpoints and the stored result of the last verify.
// 44 interactions sealed in checkpoints of 2 rows (22 checkpoints: two pages), then 3 written after the seal.
const UOW_SEALED = '0b9a7c1e-3f1d-4a57-9a3e-6c2b1d0e4f21';
const UOW_MIXED = '0b9a7c1e-3f1d-4a57-9a3e-6c2b1d0e4f22';
const MAX_REQUESTS_PER_VIEW = 20;

describe('integrity in the console', () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let stop: () => Promise<void>;
  const key = generateSigningKey();
  const sealed: { id: string; seq: number }[] = [];
  const late: string[] = [];
  const counts: Record<string, number> = {};

  const record = async (input: Record<string, unknown>) => {
    const res = await api(t.app, t.keys.admin).graphql(
      'mutation($input: CreateInteractionInput!) { createInteraction(input: $input) { id } }',
      { input },
    );
    expect(res.body.errors).toBeUndefined();
    return res.body.data.createInteraction.id as string;
  };
  const ACTIONS = ['CREATE', 'UPDATE', 'READ', 'DELETE'];
  const ORIGINS = ['API', 'WEBAPP', 'MOBILE', 'SYSTEM'];

  beforeAll(async () => {
    t = await createTestApp({}, { integrityKey: key });
    const admin = api(t.app, t.keys.admin);
    await admin
      .post('/api/resource-types')
      .send({ mnemonic: 'ORDER', name: 'Order', icon: '📦', fontColorHex: '#ffffff', bgColorHex: '#1d4ed8' })
      .expect(201);
    const ids: string[] = [];
    for (let i = 0; i < 44; i += 1) {
      ids.push(
        await record({
          resourceId: `order-${i % 9}`,
          resourceType: 'ORDER',
          action: ACTIONS[i % 4],
          origin: ORIGINS[i % 3],
          userId: ['alice', 'bob', 'carol'][i % 3],
          // Four steps of one unit of work sealed together, three of another sealed, its fourth written after.
          ...(i >= 40 ? { uowId: UOW_SEALED } : i >= 37 ? { uowId: UOW_MIXED } : {}),
          interaction: { step: i, total: 10 + i, items: [{ sku: `A-${i}`, qty: 1 + (i % 3) }] },
          externalResponse: i % 5 === 0 ? { status: 'ok', note: 'é ✓' } : null,
        }),
      );
    }
    const checkpoints = await sealEverything(t.database.db, key, 2);
    expect(checkpoints).toHaveLength(22);
    ids.forEach((id, i) => sealed.push({ id, seq: Math.floor(i / 2) + 1 }));
    late.push(await record({ resourceId: 'order-late', resourceType: 'ORDER', action: 'CREATE', origin: 'API' }));
    late.push(await record({ resourceId: 'order-late', resourceType: 'ORDER', action: 'UPDATE', origin: 'API' }));
    late.push(
      await record({ resourceId: 'order-7', resourceType: 'ORDER', action: 'UPDATE', origin: 'API', uowId: UOW_MIXED }),
    );
    ({ baseUrl, close: stop } = await listen(t));
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await stop?.();
    await t?.close();
    console.log(`requests per page view: ${JSON.stringify(counts)}`);
  });

  const open = async (keyValue: string, scopes: string[], width = 1280, height = 900) => {
    const { context, page } = await newPage(browser, baseUrl, width, height);
    await context.addInitScript(
      ([k, s]) => {
        sessionStorage.setItem(
          'interactions.console.session',
          JSON.stringify({ key: k, name: s.includes('admin') ? 'admin' : 'reader', scopes: s }),
        );
      },
      [keyValue, scopes] as const,
    );
    const proofRequests: string[] = [];
    page.on('request', (r) => {
      if (/ConsoleInteractionProofs/.test(r.postData() ?? '')) proofRequests.push(r.postData() ?? '');
    });
    return { context, page, g: guard(page), proofRequests };
  };
  const settle = (page: Page, g: Guard, name: string) => settleView(page, g, name, counts, MAX_REQUESTS_PER_VIEW);

  /** The seal badge text of each row of the table, by interaction id, once none is still checking. */
  const rowSeals = async (page: Page) => {
    await page.locator('[data-testid="interactions-table"] tbody tr[data-interaction-id]').first().waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-seal="checking"]').length === 0);
    return page
      .locator('[data-testid="interactions-table"] tbody tr[data-interaction-id]')
      .evaluateAll((rows) =>
        Object.fromEntries(
          rows.map((row) => [row.getAttribute('data-interaction-id'), row.querySelector('[data-seal]')?.textContent]),
        ),
      );
  };
  const expected = (edited: string | null = null) =>
    Object.fromEntries([
      ...sealed.map(({ id, seq }) => [
        id,
        id === edited ? `✗ Does not match checkpoint #${seq}` : `✓ Verified in checkpoint #${seq}`,
      ]),
      ...late.map((id) => [id, 'Not sealed yet']),
    ]);
  /** Colours of the first badge in a state, as painted, and their contrast. */
  const painted = async (page: Page, state: keyof typeof SEAL_COLORS) => {
    const colors = await colorsOf(page, `[data-seal="${state}"]`);
    expect(colors).toEqual({
      color: rgb(SEAL_COLORS[state].color),
      backgroundColor: rgb(SEAL_COLORS[state].backgroundColor),
    });
    expect(contrastRatio(SEAL_COLORS[state].color, SEAL_COLORS[state].backgroundColor)).toBeGreaterThanOrEqual(
      MIN_CONTRAST,
    );
  };

  it('verifies every row of a page in the browser from one request, and says which are not sealed yet', async () => {
    const { context, page, g, proofRequests } = await open(t.keys.read, ['read']);
    await page.goto('/');
    expect(await rowSeals(page)).toEqual(expected());
    await settle(page, g, 'interactions');
    expect(proofRequests).toHaveLength(1);
    await painted(page, 'verified');
    await painted(page, 'unsealed');
    await screenshot(page, 'integrity-01-list');

    // A row's detail says the same, with what was checked.
    const row = page.locator(`tr[data-interaction-id="${sealed[5].id}"]`);
    await row.getByRole('button', { name: /JSON/ }).click();
    const detail = page.getByTestId('seal-detail');
    await detail.waitFor();
    expect(await detail.textContent()).toMatch(
      /^✓ Verified in checkpoint #3 Checked in this browser: the row hashes to its leaf, the audit path leads to the root of checkpoint #3, and the checkpoint's Ed25519 signature verifies/,
    );
    await page.locator(`tr[data-interaction-id="${late[0]}"]`).getByRole('button', { name: /JSON/ }).click();
    expect(await page.getByTestId('seal-detail').textContent()).toMatch(/^Not sealed yet Rows are sealed/);
    await settle(page, g, 'interaction details');
    expect(proofRequests).toHaveLength(1);
    await screenshot(page, 'integrity-02-detail');
    expect(g.problems).toEqual([]);
    await context.close();
  });

  it('sums a trace up in one badge', async () => {
    const { context, page, g } = await open(t.keys.read, ['read']);
    await page.goto(`/trace/${UOW_SEALED}`);
    const badge = page.getByTestId('trace-seal');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="trace-seal"]')?.getAttribute('data-seal') === 'verified',
    );
    expect(await badge.textContent()).toBe('✓ All 4 verified in checkpoints #21, #22');
    await settle(page, g, 'trace sealed');
    await screenshot(page, 'integrity-03-trace-verified');

    await page.goto(`/trace/${UOW_MIXED}`);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="trace-seal"]')?.getAttribute('data-seal') === 'unsealed',
    );
    expect(await badge.textContent()).toBe('1 of 4 not sealed yet · 3 verified in checkpoints #19, #20');
    await settle(page, g, 'trace mixed');
    await screenshot(page, 'integrity-04-trace-mixed');
    expect(g.problems).toEqual([]);
    await context.close();
  });

  it('lists the checkpoints newest first, two pages of them, and no verify button for a read key', async () => {
    const { context, page, g } = await open(t.keys.read, ['read']);
    await page.goto('/');
    await page.getByRole('link', { name: 'Integrity' }).click();
    const table = page.getByTestId('checkpoints-table');
    await table.locator('tbody tr').first().waitFor();
    const seqs = () =>
      table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-seq'))));
    expect(await seqs()).toEqual(Array.from({ length: 20 }, (_, i) => 22 - i));
    expect(await page.getByTestId('integrity-key').textContent()).toContain(key.keyId);
    const first = await table.locator('tbody tr').first().textContent();
    expect(first).toMatch(/^222\d+-\d+[0-9a-f]{12}…/);
    expect(await page.getByTestId('verify-result').textContent()).toBe('Never verified yet.');
    expect(await page.getByRole('button', { name: 'Verify now' }).count()).toBe(0);
    await expectText(page.getByTestId('last-verify'), /needs an admin key/);
    await settle(page, g, 'integrity');
    await screenshot(page, 'integrity-05-page-read-key');

    await page.getByRole('button', { name: 'Older →' }).click();
    await page.waitForURL(/before=3/);
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="checkpoints-table"] tbody tr').length === 2,
    );
    expect(await seqs()).toEqual([2, 1]);
    expect(await page.locator('.pagination').textContent()).toContain('Checkpoints 2–1 of 22');
    await page.getByRole('button', { name: '← Newer' }).click();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="checkpoints-table"] tbody tr').length === 20,
    );
    expect(new URL(page.url()).search).toBe('');
    expect(g.problems).toEqual([]);
    await context.close();
  });

  it('verifies on demand with an admin key, and keeps the result across a reload', async () => {
    const { context, page, g } = await open(t.keys.admin, ['read', 'write', 'admin']);
    await page.goto('/integrity');
    await page.getByRole('button', { name: 'Verify now' }).waitFor();
    await settle(page, g, 'integrity as admin');
    await page.getByRole('button', { name: 'Verify now' }).click();
    await expectText(page.getByTestId('verify-result'), /✓ No problems found/);
    await settle(page, g, 'verify now');
    expect(await page.getByTestId('verify-result').textContent()).toMatch(
      /^✓ No problems found checkpoints #1–#22, 44 rows re-hashed in \d+ ms by admin\.Verified .+ \(\d\d \w{3} \d{4}, /,
    );
    await painted(page, 'verified');
    await page.reload();
    await expectText(page.getByTestId('verify-result'), /✓ No problems found checkpoints #1–#22, 44 rows/);
    await settle(page, g, 'integrity after verify');
    await screenshot(page, 'integrity-06-verified');
    expect(g.problems).toEqual([]);
    await context.close();
  });

  it('shows a red "does not match" on the row edited in the database, its trace, and the next verify', async () => {
    const edited = sealed[41];
    await t.database.db.sql.query(`UPDATE interactions SET interaction = '{"step": 41, "total": 0}' WHERE id = $1`, [
      edited.id,
    ]);
    const { context, page, g, proofRequests } = await open(t.keys.admin, ['read', 'write', 'admin']);
    await page.goto('/');
    expect(await rowSeals(page)).toEqual(expected(edited.id));
    await settle(page, g, 'interactions tampered');
    expect(proofRequests).toHaveLength(1);
    await painted(page, 'mismatch');
    await page.locator(`tr[data-interaction-id="${edited.id}"]`).getByRole('button', { name: /JSON/ }).click();
    expect(await page.getByTestId('seal-detail').textContent()).toBe(
      `✗ Does not match checkpoint #${edited.seq} Checked in this browser: the row as stored now does not hash to its sealed leaf. Ask an admin to run "Verify now" on the Integrity page.`,
    );
    await screenshot(page, 'integrity-07-list-tampered');

    await page.goto(`/trace/${UOW_SEALED}`);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="trace-seal"]')?.getAttribute('data-seal') === 'mismatch',
    );
    expect(await page.getByTestId('trace-seal').textContent()).toBe('✗ 1 of 4 do not match checkpoints #21, #22');
    await settle(page, g, 'trace tampered');
    await screenshot(page, 'integrity-08-trace-tampered');

    await page.goto('/integrity');
    await page.getByRole('button', { name: 'Verify now' }).waitFor();
    await settle(page, g, 'integrity before the second verify');
    await page.getByRole('button', { name: 'Verify now' }).click();
    await expectText(page.getByTestId('verify-result'), /✗ 1 problem found/);
    await settle(page, g, 'verify now, tampered');
    const problems = page.getByTestId('verify-problems').locator('tbody tr');
    expect(await problems.count()).toBe(1);
    expect(await problems.first().textContent()).toMatch(/^row-altered#21\d+interaction/);
    await painted(page, 'mismatch');
    await page.reload();
    await expectText(page.getByTestId('verify-result'), /✗ 1 problem found/);
    await settle(page, g, 'integrity tampered');
    await screenshot(page, 'integrity-09-verify-found');
    expect(g.problems).toEqual([]);
    await context.close();

    // Another reader (another tab, or another instance on this database) sees the same stored result.
    const other = await open(t.keys.read, ['read']);
    await other.page.goto('/integrity');
    await expectText(other.page.getByTestId('verify-result'), /✗ 1 problem found .* by admin\./);
    await other.context.close();
  });

  it('fits a 375 px wide screen', async () => {
    const { context, page, g } = await open(t.keys.read, ['read'], 375, 800);
    for (const [url, name] of [
      ['/', 'integrity-10-list-375px'],
      [`/trace/${UOW_MIXED}`, 'integrity-11-trace-375px'],
      ['/integrity', 'integrity-12-page-375px'],
    ]) {
      await page.goto(url);
      await page.waitForFunction(() =>
        document.querySelector('[data-seal]:not([data-seal="checking"]), [data-testid="verify-result"]'),
      );
      await settle(page, g, name);
      expect({ url, width: await page.evaluate(() => document.documentElement.scrollWidth) }).toEqual({
        url,
        width: 375,
      });
      await screenshot(page, name);
    }
    expect(g.problems).toEqual([]);
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
