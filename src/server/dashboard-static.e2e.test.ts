/**
 * The static dashboard (dist/web-static/index.html, one self-contained file) opened from disk in
 * Debian's Chromium with no server running: the planner estimates and searches in the browser.
 * Skips (saying why) without Chromium or the build; with COLOSSUS_BROWSER_TEST=1 it fails instead.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIssue, parseDocumentText } from '../core/index.js';
import { parseCampaignScenario } from '../scenario/index.js';
import { chartLabels } from './_page-labels.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const page0 = fileURLToPath(new URL('../../dist/web-static/index.html', import.meta.url));
const bundled = readFileSync(fileURLToPath(new URL('../../scenarios/colossus.yaml', import.meta.url)), 'utf8');
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
    // The best plan along the GPU count and the bandwidth: a search per point, plotted; at 8,192 GPUs it is the search's best.
    const bestTok = await page.locator('#search-results table tbody tr').first().locator('td').nth(4).textContent();
    await page.click('#scale-gpus');
    await expect.poll(() => page.locator('#scaling-status').textContent(), { timeout: 60_000 }).toMatch(/6 searches in [\d.]+ s in this browser/);
    expect(await page.locator('#scaling-rows tbody tr').count()).toBe(6);
    expect(await page.locator('#scaling-rows tbody tr').allTextContents()).toContainEqual(expect.stringMatching(new RegExp(`^8,192TP.*${(bestTok ?? '?').replace(/[.]/g, '\\.')}`)));
    expect(await page.locator('#scaling-tokens svg path').count()).toBeGreaterThan(3);
    expect(await page.locator('#scaling-mfu').textContent()).toMatch(/GPUs/);
    await page.click('#scale-net');
    await expect.poll(() => page.locator('#scaling-status').textContent(), { timeout: 60_000 }).toMatch(/5 searches/);
    expect(await page.locator('#scaling-rows thead').textContent()).toMatch(/scale-out Gb\/s per GPU/);
    await page.screenshot({ path: join(shots, 'static-planner.png'), fullPage: true });
    // Stored runs need a server: the view says so instead of failing.
    await page.click('nav a[data-view="campaign"]');
    await expect.poll(() => page.locator('main').textContent()).toMatch(/static dashboard \(no server\)/);
    expect(pageErrors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
  }, 150_000);

  it('campaign: an edited scenario is checked as the CLI checks it, played in the browser, kept, and compared with the bundled run', async () => {
    await page.goto(`${pathToFileURL(page0).href}#/campaign`);
    await page.locator('#new-run').waitFor({ timeout: 20_000 });
    await page.evaluate('localStorage.clear()');
    await page.reload();
    // With no runs yet, the editor is open.
    expect(await page.locator('#new-run').getAttribute('open')).not.toBeNull();
    await expect.poll(() => page.locator('#scenario-check').textContent()).toMatch(/✓ colossus: 200,000 GPUs/);
    expect(await page.inputValue('#scenario-text')).toBe(bundled);
    // 1. The bundled scenario, played in this browser (a worker), with nothing fetched.
    await page.click('#run-browser');
    await page.locator('article.run').first().waitFor({ timeout: 120_000 });
    await expect.poll(() => page.locator('#run-progress').textContent()).toMatch(/Played in this browser in [\d.]+ s/);
    expect(await page.locator('article.run .metric').first().textContent()).toMatch(/Time to model\d/);

    // 2. A bad edit: the same issues, with line and column, as the CLI's parser gives for the same text.
    const bad = bundled.replace('gpus: 100000, fromDay: 60', 'gpus: -5, fromDay: 60');
    await page.fill('#scenario-text', bad);
    await page.locator('#scenario-check .issues').waitFor();
    const doc = parseDocumentText(bad, 'scenario.yaml');
    const cli = parseCampaignScenario(doc, doc.value);
    expect(cli.ok).toBe(false);
    const expected = cli.ok ? [] : cli.issues.map(formatIssue);
    expect(expected[0]).toMatch(/^scenario\.yaml:19:\d+: deliveries/);
    expect(await page.locator('#scenario-check li').allTextContents()).toEqual(expected);
    expect(await page.isDisabled('#run-browser')).toBe(true);

    // 3. A what-if: the first delivery 30 days later, compared with the run shown (the bundled one).
    await page.fill('#scenario-text', bundled.replace('gpus: 100000, fromDay: 60, toDay: 109', 'gpus: 100000, fromDay: 90, toDay: 139'));
    await expect.poll(() => page.locator('#scenario-check').textContent()).toMatch(/✓/);
    await page.click('#run-browser');
    await expect.poll(() => page.locator('article.run').count(), { timeout: 120_000 }).toBe(2);
    const cmp = page.locator('[aria-label="Comparison"]');
    await cmp.locator('table.milestones').waitFor();
    // Deltas in days and points, never a percentage of a day number.
    expect(await cmp.locator('table').first().textContent()).toMatch(/time to model.*days.*days.*[+−]\d+\.\d days/);
    expect(await cmp.locator('table').first().textContent()).toMatch(/MFU.*%.*%.*[+−±][\d.]+ points/);
    expect(await cmp.locator('table').first().textContent()).not.toMatch(/days \([+−]/);
    // Milestones side by side: the first GPUs arrive 30 days later.
    const firstDelivery = cmp.locator('table.milestones tr', { hasText: 'first GPUs delivered' });
    expect(await firstDelivery.textContent()).toMatch(/day 60.*day 90.*\+30\.0 days/);
    expect(await cmp.locator('table.cost').textContent()).toMatch(/campaign\$[\d.]+B\$[\d.]+B[+−]/);
    expect(await cmp.locator('table.segments').count()).toBe(2);
    expect(await cmp.locator('table.segments').first().textContent()).toMatch(/tp\d+ pp\d+/i);
    // Overlaid on shared axes, ending where the later run ends; both runs in each legend.
    for (const id of ['overlay-capacity', 'overlay-progress', 'overlay-power']) {
      await page.locator(`#${id} svg`).waitFor();
      const text = (await page.locator(`#${id}`).textContent()) ?? '';
      expect(text.split('colossus').length - 1).toBeGreaterThanOrEqual(2);
    }
    // In the page (real text metrics): no two labels of any chart overlap; the overlaid charts' x ticks end at the later run's end.
    const geometry = await chartLabels(page, '#run-detail .chart');
    expect(geometry.length).toBe(3 + 2 * 4);
    const ends = await page.locator('article.run .metric', { hasText: 'Time to model' }).allTextContents();
    const later = Math.max(...ends.map((e) => Number(/([\d.,]+) days/.exec(e)?.[1]?.replace(/,/g, '') ?? NaN)));
    for (const g of geometry) expect(g.overlaps, g.chart).toEqual([]);
    for (const g of geometry.filter((x) => x.chart.startsWith('overlay-'))) {
      expect(g.maxXTick, g.chart).toBeLessThanOrEqual(Math.ceil(later));
      expect(g.maxXTick, g.chart).toBeGreaterThan(later - 60);
    }
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(shots, 'static-compare.png'), fullPage: true });

    // 4. Kept in this browser: a reload lists both runs.
    await page.reload();
    await page.locator('table.runs tbody tr').first().waitFor({ timeout: 20_000 });
    expect(await page.locator('table.runs tbody tr', { hasText: 'this browser' }).count()).toBe(2);
    expect(pageErrors).toEqual([]);
    expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:') && !u.startsWith('blob:'))).toEqual([]);
  }, 300_000);
});
