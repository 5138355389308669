/**
 * The static dashboard (dist/web-static/index.html, one self-contained file) opened from disk in
 * Debian's Chromium with no server running: the planner estimates and searches in the browser.
 * Skips (saying why) without Chromium or the build; with COLOSSUS_BROWSER_TEST=1 it fails instead.
 */
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const page0 = fileURLToPath(new URL('../../dist/web-static/index.html', import.meta.url));
const why = !existsSync(CHROMIUM) ? `SKIPPED: ${CHROMIUM} is absent` : !existsSync(page0) ? 'SKIPPED: dist/web-static is not built (npm run build:web)' : '';
const forced = process.env['COLOSSUS_BROWSER_TEST'] === '1';
if (why) process.stderr.write(`static dashboard e2e ${forced ? `FAILS (COLOSSUS_BROWSER_TEST=1): ${why}` : why}\n`);

describe.skipIf(why !== '' && !forced)(`static dashboard from disk in Chromium${why ? ` (${why})` : ''}`, () => {
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  const requests: string[] = [];
  const shots = process.env['COLOSSUS_E2E_SHOTS'] ?? mkdtempSync(join(tmpdir(), 'colossus-static-'));

  beforeAll(async () => {
    if (why) throw new Error(`COLOSSUS_BROWSER_TEST=1 but ${why.replace(/^SKIPPED: /, '')}`);
    mkdirSync(shots, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('request', (r) => requests.push(r.url()));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('planner: a live estimate and a plan search, computed in the page, with nothing fetched', async () => {
    await page.goto(`${pathToFileURL(page0).href}#/planner`);
    const metric = (key: string) => page.locator(`[data-metric="${key}"] .value`).textContent();
    await page.locator('[data-metric="stepTimeS"]').waitFor({ timeout: 20_000 });
    const before = await metric('stepTimeS');
    await page.fill('#gpus', '8192');
    await expect.poll(() => metric('stepTimeS')).not.toBe(before);
    expect(await page.locator('#dp').textContent()).toBe('64');
    await page.click('#find-plans');
    await page.locator('#search-results table tbody tr').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('#search-results table tbody tr').count()).toBe(5);
    expect(await page.locator('#search-results').textContent()).toMatch(/in this browser/);
    await page.screenshot({ path: join(shots, 'static-planner.png'), fullPage: true });
    // Stored runs need a server: the view says so instead of failing.
    await page.click('nav a[data-view="campaign"]');
    await expect.poll(() => page.locator('main').textContent()).toMatch(/static dashboard \(no server\)/);
    expect(pageErrors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
  }, 60_000);
});
