/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, createTestApp, type TestApp } from '../helpers/app';
import { guard, launchBrowser, listen, newPage, screenshot, settleView, signIn, type Guard } from './browser';

// Every console page, as a user walks it (issue 14, STYLE 16): the sign-in page, each list filter with the chart
// beside it, a row's JSON, a trace, activity (and its empty states), lookups of each kind (create and edit) and
// GraphiQL. A page error, a console error,
// a failed request the test does not expect, or more than 20 requests for one page view fails the walk.
const UOW = '0b9a7c1e-3f1d-4a57-9a3e-6c2b1d0e4f11';
const MAX_REQUESTS_PER_VIEW = 20;

describe('walking every console page', () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let stop: () => Promise<void>;
  const ids: string[] = [];
  const counts: Record<string, number> = {};

  const record = async (input: Record<string, unknown>) => {
    const res = await api(t.app, t.keys.admin).graphql(
      'mutation($input: CreateInteractionInput!) { createInteraction(input: $input) { id } }',
      { input },
    );
    expect(res.body.errors).toBeUndefined();
    ids.push(res.body.data.createInteraction.id);
  };

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
    const T0 = Date.now() - 60_000;
    const at = (ms: number) => new Date(T0 + ms).toISOString();
    // One unit of work with one late step: the linear waterfall squeezes the first three together.
    await record({
      resourceId: 'order-1',
      resourceType: 'ORDER',
      action: 'CREATE',
      origin: 'WEBAPP',
      uowId: UOW,
      userId: 'alice',
      interactionTimestamp: at(0),
      externalReference: 'ext-1',
      interaction: { total: 10 },
    });
    await record({
      resourceId: 'order-1',
      resourceType: 'ORDER',
      action: 'UPDATE',
      origin: 'API',
      uowId: UOW,
      userId: 'alice',
      interactionTimestamp: at(40),
    });
    await record({
      resourceId: 'cust-1',
      resourceType: 'CUSTOMER',
      action: 'READ',
      origin: 'MOBILE',
      uowId: UOW,
      userId: 'alice',
      interactionTimestamp: at(90),
    });
    await record({
      resourceId: 'order-1',
      resourceType: 'ORDER',
      action: 'UPDATE',
      origin: 'SYSTEM',
      uowId: UOW,
      userId: 'alice',
      interactionTimestamp: at(45_000),
    });
    await record({ resourceId: 'order-2', resourceType: 'ORDER', action: 'CREATE', origin: 'MOBILE', userId: 'bob' });
    await record({ resourceId: 'cust-1', resourceType: 'CUSTOMER', action: 'DELETE', origin: 'API', userId: 'bob' });
    await record({ resourceId: 'order-old', resourceType: 'ORDER', action: 'UPDATE', origin: 'API', userId: 'carol' });
    // Recorded 200 days ago: "All" must still count it (it drew 90 days only).
    await t.database.db.sql.query(
      "UPDATE interactions SET created_date = now() - interval '200 days' WHERE resource_id = $1",
      ['order-old'],
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

  const open = async (width: number, height: number, key = t.keys.admin) => {
    const { context, page } = await newPage(browser, baseUrl, width, height);
    await context.addInitScript(
      ([k, scopes]) => {
        sessionStorage.setItem('interactions.console.session', JSON.stringify({ key: k, name: 'walk', scopes }));
      },
      [key, key === t.keys.admin ? ['read', 'write', 'admin'] : ['read']] as const,
    );
    return { context, page, g: guard(page) };
  };

  /** Waits until no request has started for 600 ms; checks the count of this view's requests. */
  const settle = (page: Page, g: Guard, name: string) => settleView(page, g, name, counts, MAX_REQUESTS_PER_VIEW);

  const view = async (page: Page, g: Guard, url: string, name: string) => {
    g.requests.length = 0;
    await page.goto(url);
    await page.locator('[data-testid="interactions-table"]').waitFor();
    await page.locator('[data-testid="timeline-bars"]').waitFor();
    await settle(page, g, name);
  };

  const totals = async (page: Page) => ({
    chart: Number((await page.locator('#chart-caption strong').textContent())?.replace(/,/g, '')),
    table: Number(
      /· ([\d,]+) interactions/.exec((await page.locator('.pagination').textContent()) ?? '')?.[1].replace(/,/g, ''),
    ),
  });

  it('draws a chart that answers the same question as the table, for every list filter', async () => {
    const { context, page, g } = await open(1280, 800);
    const cases: [string, number][] = [
      ['/', 7],
      ['/?externalReference=nope', 0],
      ['/?externalReference=ext-1', 1],
      [`/?uowId=${UOW}`, 4],
      ['/?userId=alice', 4],
      ['/?resourceId=order-1', 3],
      [`/?interactionId=${ids[4]}`, 1],
      ['/?action=UPDATE', 3],
      ['/?range=24h&userId=bob', 2],
      ['/?range=7d', 6],
      ['/?resourceType=CUSTOMER&origin=API', 1],
    ];
    for (const [url, n] of cases) {
      await view(page, g, url, url);
      expect({ url, ...(await totals(page)) }).toEqual({ url, chart: n, table: n });
    }
    expect(g.problems).toEqual([]);
    await context.close();
  });

  it('a custom range ending at 10:00 has no 10:00–10:15 bucket', async () => {
    const { context, page, g } = await open(1280, 800);
    await view(page, g, '/', 'all');
    await page.getByText('Custom', { exact: true }).click();
    await page.getByRole('textbox', { name: 'From' }).fill('2026-11-20T09:00');
    await page.getByRole('textbox', { name: 'To' }).fill('2026-11-20T10:00');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/startDate=/);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="timeline-bars"]')?.getAttribute('data-granularity') === '15min',
    );
    const bars = await page
      .locator('[data-testid="timeline-bars"] .bar')
      .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    expect(bars).toHaveLength(4);
    expect(await page.getByRole('textbox', { name: 'To' }).inputValue()).toBe('2026-11-20T10:00');
    expect(g.problems).toEqual([]);
    await context.close();
  });

  it('edits a lookup without colours without painting it', async () => {
    const { context, page, g } = await open(1280, 800);
    await page.goto('/lookups');
    await page.getByRole('button', { name: 'Edit CUSTOMER' }).click();
    expect(await page.getByLabel('Text colour', { exact: true }).inputValue()).toBe('');
    expect(await page.getByLabel('Background colour', { exact: true }).inputValue()).toBe('');
    await page.getByLabel('Name').fill('Customer account');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('button', { name: 'Save changes' }).waitFor({ state: 'detached' });
    const res = await api(t.app, t.keys.read).get('/api/resource-types');
    const customer = res.body.data.find((l: { mnemonic: string }) => l.mnemonic === 'CUSTOMER');
    expect(customer).toMatchObject({ name: 'Customer account', fontColorHex: null, bgColorHex: null });
    expect(g.problems).toEqual([]);
    await context.close();
  });

  it('shows every system lookup in its own colours, none below 4.5:1', async () => {
    const { context, page, g } = await open(1280, 800);
    for (const kind of ['action', 'origin']) {
      await page.goto(`/lookups?kind=${kind}`);
      const rows = page.locator('[data-testid="lookups-table"] tbody tr', { hasText: 'system' });
      await rows.first().waitFor();
      const low = await rows.filter({ hasText: 'too low' }).allTextContents();
      expect(low).toEqual([]);
      expect(await page.locator(`[data-testid="lookups-table"] [data-badge^="${kind}:"][data-fallback]`).count()).toBe(
        0,
      );
    }
    expect(g.problems).toEqual([]);
    await context.close();
  });

  // GraphiQL's intro comment, whole and inside the editor pane: at 375 px the pane is ~20 characters wide, and an
  // unwrapped line was cut off (issue 14, defect 11).
  for (const [width, signedIn] of [
    [1280, true],
    [1280, false],
    [375, true],
    [375, false],
  ] as const) {
    it(`shows GraphiQL's intro comment whole at ${width} px (${signedIn ? 'signed in' : 'signed out'})`, async () => {
      const { context, page, g } = signedIn
        ? await open(width, 800)
        : { ...(await newPage(browser, baseUrl, width, 800)), g: null };
      await page.goto('/graphql');
      await page.locator('.graphiql-query-editor .view-line', { hasText: 'explorer' }).waitFor();
      /** The lines the editor shows now (it renders only those), and any that run past the pane's right edge. */
      const shown = () =>
        page.locator('.graphiql-query-editor').evaluate((editor) => {
          const pane = editor.querySelector('.monaco-scrollable-element')!.getBoundingClientRect().right;
          const lines = Array.from(editor.querySelectorAll<HTMLElement>('.view-line')).sort(
            (a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top,
          );
          return {
            text: lines.map((line) => line.textContent ?? '').join(''),
            cut: lines
              .map((line) => ({
                text: line.textContent,
                right: line.querySelector('span')!.getBoundingClientRect().right,
              }))
              .filter((line) => Math.floor(line.right) > Math.ceil(pane)),
          };
        });
      // At 375 px the wrapped intro is taller than the editor: scroll down in small steps, so that every line is
      // whole in one of the views.
      const views = [await shown()];
      const box = (await page.locator('.graphiql-query-editor').boundingBox())!;
      await page.mouse.move(box.x + box.width / 3, box.y + 40);
      for (let i = 0; i < 6; i++) {
        await page.mouse.wheel(0, 50);
        await page.waitForTimeout(250);
        views.push(await shown());
      }
      const words = (text: string) => text.replace(/\s+/g, '');
      const intro = [
        '# Interactions GraphQL explorer.',
        ...(signedIn
          ? ['# Your console key is in Headers, below.']
          : ['# Sign in to the console at / first, or put', '# {"x-api-key": "…"} in Headers, below.']),
        '# Ctrl+Enter runs the query;',
        '# Docs (top left) lists every field.',
      ];
      const missing = intro.filter((line) => !views.some((view) => words(view.text).includes(words(line))));
      expect(missing).toEqual([]);
      expect(views.flatMap((view) => view.cut)).toEqual([]);
      await screenshot(page, `graphiql-intro-${width}-${signedIn ? 'signed-in' : 'signed-out'}`);
      expect(g?.problems ?? []).toEqual([]);
      await context.close();
    });
  }

  // The first page a new user sees, and Activity before and after it has something to show.
  for (const [width, suffix] of [
    [1280, '1280'],
    [375, '375'],
  ] as const) {
    it(`shows the sign-in page and Activity's empty states at ${width} px, with screenshots`, async () => {
      const { context, page } = await newPage(browser, baseUrl, width, 800);
      const g = guard(page);
      const fits = async (name: string) => {
        await screenshot(page, `walk-${name}-${suffix}`);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
        expect({ name, overflow: overflow <= width }).toEqual({ name, overflow: true });
      };
      await page.goto('/');
      await page.getByLabel('API key').waitFor();
      await settle(page, g, `sign-in ${suffix}`);
      await fits('00-sign-in');
      await signIn(page, t.keys.read, '/');
      g.requests.length = 0;
      await page.goto('/activity');
      await page.getByText('Enter up to 100 resources').waitFor();
      await settle(page, g, `activity none ${suffix}`);
      await fits('06a-activity-no-resources');
      await page.goto('/activity?r=%3Anobody&range=24h');
      await page.getByText('No activity for these resources.').waitFor();
      await settle(page, g, `activity empty ${suffix}`);
      await fits('06b-activity-empty');
      expect(g.problems).toEqual([]);
      await context.close();
    });
  }

  for (const [width, height, suffix] of [
    [1280, 800, '1280'],
    [375, 800, '375'],
  ] as const) {
    it(`walks every view at ${width} px wide, with screenshots`, async () => {
      const { context, page, g } = await open(width, height);
      await walk(context, page, g, suffix, width);
      expect(g.problems).toEqual([]);
      await context.close();
    });
  }

  async function walk(context: BrowserContext, page: Page, g: Guard, suffix: string, width: number) {
    const fits = async (name: string) => {
      await screenshot(page, `walk-${name}-${suffix}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
      expect({ name, overflow: overflow <= width }).toEqual({ name, overflow: true });
    };
    await view(page, g, '/', `list ${suffix}`);
    await fits('01-list');
    await view(page, g, '/?action=UPDATE&range=7d&userId=alice', `list filtered ${suffix}`);
    await fits('02-list-filtered');
    await page
      .getByRole('button', { name: /JSON of interaction/ })
      .first()
      .click();
    await page.getByRole('group', { name: 'interaction JSON' }).waitFor();
    await settle(page, g, `json ${suffix}`);
    await fits('03-json');
    g.requests.length = 0;
    await page.goto(`/trace/${UOW}`);
    await page.locator('[data-testid="waterfall"] li').first().waitFor();
    await settle(page, g, `trace ${suffix}`);
    await fits('04-trace');
    // The late step squeezes the first three on a linear scale; the compressed scale spreads them out.
    const lefts = () =>
      page
        .locator('[data-testid="waterfall"] .wf-dot')
        .evaluateAll((els) => els.map((e) => parseFloat((e as HTMLElement).style.left.replace('calc(', ''))));
    await page.getByRole('radio', { name: 'Compressed' }).check();
    const compressed = await lefts();
    expect(compressed[2] - compressed[0]).toBeGreaterThan(20);
    await fits('05-trace-compressed');
    g.requests.length = 0;
    await page.goto('/activity?r=ORDER%3Aorder-1&r=%3Acust-1&range=24h');
    await page.locator('[data-testid="activity-table"] tbody tr').first().waitFor();
    await settle(page, g, `activity ${suffix}`);
    await fits('06-activity');
    g.requests.length = 0;
    await page.goto('/lookups');
    await page.locator('[data-testid="lookups-table"] tbody tr').first().waitFor();
    await settle(page, g, `lookups ${suffix}`);
    await fits('07-lookups');
    for (const kind of ['action', 'origin']) {
      g.requests.length = 0;
      await page.goto(`/lookups?kind=${kind}`);
      await page.locator(`[data-testid="lookups-table"] [data-badge^="${kind}:"]`).first().waitFor();
      await settle(page, g, `lookups ${kind} ${suffix}`);
      await fits(`07-lookups-${kind}`);
    }
    g.requests.length = 0;
    await page.goto('/lookups');
    await page.locator('[data-testid="lookups-table"] tbody tr').first().waitFor();
    await settle(page, g, `lookups again ${suffix}`);
    await page.getByRole('button', { name: 'New resource type' }).click();
    await page.getByLabel('Mnemonic').fill(`SHIP${suffix}`);
    await page.getByLabel('Name').fill('Shipment');
    await page.getByLabel('Icon').fill('🚚');
    await fits('08-lookups-create');
    g.requests.length = 0;
    await page.getByRole('button', { name: 'Create resource type' }).click();
    await page.locator(`[data-testid="lookups-table"] [data-badge="resourceType:SHIP${suffix}"]`).waitFor();
    await settle(page, g, `lookups created ${suffix}`);
    await page.getByRole('button', { name: `Edit SHIP${suffix}` }).click();
    await page.getByLabel('Background colour', { exact: true }).fill('#fde68a');
    await page.getByLabel('Text colour', { exact: true }).fill('#1f2937');
    await fits('09-lookups-edit');
    g.requests.length = 0;
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('button', { name: 'Save changes' }).waitFor({ state: 'detached' });
    await settle(page, g, `lookups saved ${suffix}`);
    g.requests.length = 0;
    await page.goto('/graphql');
    await page.locator('.graphiql-query-editor .view-lines', { hasText: 'interactions' }).waitFor();
    await settle(page, g, `graphiql ${suffix}`);
    await fits('10-graphiql');
    void context;
  }
});
