/// <reference lib="dom" />
// Code inside page.evaluate() runs in the browser: DOM types for those callbacks.
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { TestApp } from '../helpers/app';

/** Debian's chromium (CI installs it with apt); CHROMIUM_PATH overrides. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const RESULTS_DIR = path.resolve(__dirname, '../../test-results');

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/** Chromium on a fresh profile (playwright's launch makes a new temporary user-data-dir every time). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: FLAGS });
}

/** Listens on an ephemeral port; returns the base URL and a closer. */
export async function listen(t: TestApp): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const server: Server = await new Promise((resolve) => {
    const s = t.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A fresh browser context (its own sessionStorage) at the given viewport. */
export async function newPage(
  browser: Browser,
  baseUrl: string,
  width = 1280,
  height = 860,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width, height } });
  const page = await context.newPage();
  return { context, page };
}

/** Signs in through the form, as a person would. */
export async function signIn(page: Page, key: string, path = '/'): Promise<void> {
  await page.goto(path);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  await page.screenshot({ path: path.join(RESULTS_DIR, `${name}.png`), fullPage: true });
}

/** Computed colours of an element, as the browser paints them. */
export function colorsOf(page: Page, selector: string): Promise<{ color: string; backgroundColor: string }> {
  return page
    .locator(selector)
    .first()
    .evaluate((el) => {
      const style = getComputedStyle(el);
      return { color: style.color, backgroundColor: style.backgroundColor };
    });
}

/** '#1d4ed8' → 'rgb(29, 78, 216)' as getComputedStyle reports it. */
export function rgb(hex: string): string {
  const h = hex.replace('#', '');
  const full = h.length === 3 ? [...h].map((c) => c + c).join('') : h;
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16));
  return `rgb(${r}, ${g}, ${b})`;
}

/** What a page did that a test checks: its problems, and its requests since the test last cleared them. */
export interface Guard {
  problems: string[];
  /** Requests since the last view() call. */
  requests: string[];
  /** Failures that are expected (e.g. a 400 the view explains). */
  expect: (pattern: RegExp) => void;
}

/**
 * Watches a page: a page error, a console error, a failed request or an HTTP error the test did not `expect` is a
 * problem; every request is counted.
 */
export function guard(page: Page): Guard {
  const g: Guard = { problems: [], requests: [], expect: () => undefined };
  const expected: RegExp[] = [];
  g.expect = (p) => expected.push(p);
  const fine = (text: string) => expected.some((p) => p.test(text));
  page.on('pageerror', (e) => g.problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !fine(m.text())) g.problems.push(`console.error: ${m.text()}`);
  });
  page.on('request', (r) => g.requests.push(`${r.method()} ${r.url()}`));
  page.on('requestfailed', (r) => {
    const text = `${r.method()} ${r.url()} ${r.failure()?.errorText}`;
    // A request aborted by a newer one (AbortController on navigation) is the console working as meant.
    if (!/ERR_ABORTED/.test(text) && !fine(text)) g.problems.push(`requestfailed: ${text}`);
  });
  page.on('response', (r) => {
    const text = `${r.status()} ${r.request().method()} ${r.url()}`;
    if (r.status() >= 400 && !fine(text)) g.problems.push(`response: ${text}`);
  });
  return g;
}

/**
 * Waits until the page has started no request for 600 ms, records the view's request count under `name` in `counts`,
 * fails when it is over `max`, and starts counting the next view.
 */
export async function settleView(
  page: Page,
  g: Guard,
  name: string,
  counts: Record<string, number>,
  max: number,
): Promise<void> {
  let last = -1;
  while (last !== g.requests.length) {
    last = g.requests.length;
    await page.waitForTimeout(600);
  }
  counts[name] = g.requests.length;
  expect({ name, requests: g.requests.length }).toEqual({ name, requests: Math.min(g.requests.length, max) });
  g.requests.length = 0;
}
