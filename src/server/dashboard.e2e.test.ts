/**
 * The dashboard end to end: the real server on an ephemeral loopback port, Debian's Chromium driven by
 * playwright-core (never a downloaded browser). Screenshots go to a temp dir (or $COLOSSUS_E2E_SHOTS).
 * Without Chromium or a built dashboard the tests skip and say why; with COLOSSUS_BROWSER_TEST=1 (set by
 * .ci/run) they fail instead.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignRunRecord, runCampaign, type CampaignResult } from '../campaign/index.js';
import { parseDocumentText } from '../core/index.js';
import { parseCampaignScenarioOrThrow } from '../scenario/index.js';
import { openStore, type RunInput, type RunStore } from '../store/index.js';
import { chartLabels } from './_page-labels.js';
import { builtDashboardDir } from './bundled-paths.js';
import { createApp } from './create-app.js';
import { startServer, type RunningServer } from './start-server.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const webDir = builtDashboardDir();
const why = !existsSync(CHROMIUM)
  ? `SKIPPED: ${CHROMIUM} is absent (apt-get install -y chromium; .ci/run installs it)`
  : webDir === null
    ? 'SKIPPED: the dashboard is not built (npm run build:web)'
    : '';
const forced = process.env['COLOSSUS_BROWSER_TEST'] === '1';
if (why) process.stderr.write(`dashboard e2e ${forced ? `FAILS (COLOSSUS_BROWSER_TEST=1): ${why}` : why}\n`);

/** Two real campaign runs as `colossus run` stores them: the bundled scenario, and its deliveries a month late. */
const scenarioFile = fileURLToPath(new URL('../../scenarios/colossus.yaml', import.meta.url));
const bundledText = readFileSync(scenarioFile, 'utf8');
function realRuns(): { records: RunInput[]; results: CampaignResult[] } {
  const input = parseCampaignScenarioOrThrow(parseDocumentText(bundledText, scenarioFile));
  const late = { ...input, name: 'colossus-late', buildout: { ...input.buildout, deliveries: input.buildout.deliveries.map((d) => ({ ...d, day: d.day + 30 })) } };
  const results = [runCampaign(input), runCampaign(late)];
  return { records: results.map((r, i) => campaignRunRecord(r, i === 0 ? input : late, 'e2e')), results };
}

describe.skipIf(why !== '' && !forced)(`dashboard in Chromium${why ? ` (${why})` : ''}`, () => {
  let dir: string;
  let shots: string;
  let store: RunStore;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let results: CampaignResult[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (why) throw new Error(`COLOSSUS_BROWSER_TEST=1 but ${why.replace(/^SKIPPED: /, '')}`);
    dir = mkdtempSync(join(tmpdir(), 'colossus-e2e-'));
    shots = process.env['COLOSSUS_E2E_SHOTS'] ?? join(dir, 'shots');
    mkdirSync(shots, { recursive: true });
    store = openStore(join(dir, 'runs.db'));
    const real = realRuns();
    results = real.results;
    for (const r of real.records) store.saveRun(r);
    server = await startServer(createApp({ store: () => store, webDir, logError: () => undefined }));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    store?.close();
    if (dir && !process.env['COLOSSUS_E2E_SHOTS']) rmSync(dir, { recursive: true, force: true });
  });

  const metric = (key: string) => page.locator(`[data-metric="${key}"] .value`).textContent();

  it('planner: changing the GPU count changes the live estimate; bad input shows field issues; best plans from the server', async () => {
    await page.goto(`${server.url}/#/planner`);
    await page.locator('[data-metric="stepTimeS"]').waitFor();
    const before = await metric('stepTimeS');
    const tokBefore = await metric('tokensPerSecPerGpu');
    expect(await page.locator('#dp').textContent()).toBe('128');
    // The estimate's 80% error band is shown with it.
    expect(await page.locator('[data-metric="tokensPerSecPerGpu"] .extra').textContent()).toMatch(/80\.0% band [\d,]+–[\d,]+ \(\d+ published runs\)/);

    await page.fill('#gpus', '8192');
    await expect.poll(() => metric('stepTimeS')).not.toBe(before);
    expect(await page.locator('#dp').textContent()).toBe('64');
    expect(await metric('tokensPerSecPerGpu')).not.toBe(tokBefore);

    await page.fill('#gpus', '1000');
    await page.locator('#problems .issues').waitFor();
    expect(await page.locator('#problems').textContent()).toMatch(/system\.gpus: is not a multiple of TP·PP·CP = 128/);
    await page.fill('#gpus', '8192');
    await page.locator('#problems .issues').waitFor({ state: 'detached' });
    await page.click('#find-plans');
    await page.locator('#search-results table tbody tr').first().waitFor({ timeout: 20_000 });
    expect(await page.locator('#search-results table tbody tr').count()).toBe(5);
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(shots, 'planner.png'), fullPage: true });
  }, 30_000);

  it('planner: an MoE plan gets faster with DeepEP dispatch and with the EP all-to-all overlapped', async () => {
    await page.goto(`${server.url}/#/planner`);
    await page.locator('[data-metric="stepTimeS"]').waitFor();
    await page.selectOption('#model', 'deepseek-v3');
    await page.fill('#gpus', '1024');
    await page.fill('#batch', '8192');
    await page.fill('#seq', '4096');
    await page.fill('#tp', '2');
    await page.fill('#pp', '8');
    await page.fill('#cp', '1');
    await page.fill('#ep', '64');
    await expect.poll(() => page.locator('#dp').textContent()).toBe('64');
    await expect.poll(() => page.locator('#plan-line').textContent()).toMatch(/EP 64/);
    const parse = (t: string | null) => Number((t ?? '').replace(/[^0-9.]/g, ''));
    const a2a = parse(await metric('tokensPerSecPerGpu'));
    await page.selectOption('#ep-dispatch', 'deepep');
    await expect.poll(() => page.locator('#plan-line').textContent()).toMatch(/DeepEP/);
    const deepep = parse(await metric('tokensPerSecPerGpu'));
    expect(deepep).toBeGreaterThan(a2a);
    await page.check('#ep-overlap');
    await expect.poll(async () => parse(await metric('tokensPerSecPerGpu'))).toBeGreaterThan(deepep);
    expect(pageErrors).toEqual([]);
  }, 30_000);

  it('keyboard: the views are reachable with Tab and Enter', async () => {
    await page.goto('about:blank');
    await page.goto(`${server.url}/#/planner`);
    await page.locator('[data-metric="stepTimeS"]').waitFor();
    await page.keyboard.press('Tab'); // skip link
    await page.keyboard.press('Tab'); // Planner
    await page.keyboard.press('Tab'); // Campaigns
    expect(await page.locator(':focus').textContent()).toBe('Campaigns');
    await page.keyboard.press('Enter');
    await page.locator('table.runs').waitFor();
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe('Campaigns');
  });

  it('campaign: lists the stored runs, opens one, compares two on shared axes with milestones, plan segments and cost', async () => {
    const [a, b] = [results[0]!, results[1]!];
    await page.click('nav a[data-view="planner"]');
    await page.click('nav a[data-view="campaign"]');
    await page.locator('table.runs tbody tr').first().waitFor();
    expect(await page.locator('table.runs tbody tr').count()).toBe(2);
    await page.locator('article.run').first().waitFor();
    expect(await page.locator('article.run').count()).toBe(1);
    expect(await page.locator('article.run svg').count()).toBeGreaterThanOrEqual(4);
    await page.locator('table.runs input[type=checkbox]:not(:checked)').click();
    await expect.poll(() => page.locator('article.run').count()).toBe(2);
    const cmp = page.locator('[aria-label="Comparison"]');
    await cmp.locator('table.milestones').waitFor();
    const d = (x: number): string => x.toFixed(1);
    const ttm = [a.training.timeToModelDays ?? NaN, b.training.timeToModelDays ?? NaN];
    const headline = (await cmp.locator('table').first().textContent()) ?? '';
    expect(headline).toContain(`time to model${d(ttm[0]!)} days${d(ttm[1]!)} days+${d(ttm[1]! - ttm[0]!)} days`);
    // MFU and ETTR differ in points, not as a percentage of a percentage.
    const pts = (b.training.mfu - a.training.mfu) * 100;
    expect(headline).toContain(`MFU${(a.training.mfu * 100).toFixed(1)}%${(b.training.mfu * 100).toFixed(1)}%${pts > 0 ? '+' : pts < 0 ? '−' : '±'}${Math.abs(pts).toFixed(1)} points`);
    expect(await cmp.locator('table.milestones tr', { hasText: 'first GPUs delivered' }).textContent()).toMatch(/day 60.*day 90.*\+30\.0 days/);
    expect(await cmp.locator('table.milestones tr', { hasText: 'model trained' }).textContent()).toContain(`+${d(ttm[1]! - ttm[0]!)} days`);
    expect(await cmp.locator('table.cost').textContent()).toMatch(/per million tokens\$[\d.]+\$[\d.]+[+−]/);
    expect(await cmp.locator('table.segments').count()).toBe(2);
    expect(await cmp.locator('table.segments').first().locator('tbody tr').count()).toBe(a.jobs[0]!.segments.length);
    // Both runs overlaid on one set of axes, ending where the later run ends, not at the horizon.
    await page.locator('#overlay-capacity svg').waitFor();
    expect(await page.locator('[aria-label="Overlaid"] svg').count()).toBe(3);
    expect(await page.locator('#overlay-capacity').textContent()).toMatch(/colossus.*colossus-late/);
    const ticks = await page.locator('#overlay-power svg text').allTextContents();
    expect(ticks).not.toContain(String(b.scenario.horizonDays));
    // No two labels overlap in any chart of the page (the browser's own text metrics).
    const labels = await chartLabels(page, '#run-detail .chart');
    expect(labels.length).toBe(3 + 2 * 4);
    for (const l of labels) expect(l.overlaps, l.chart).toEqual([]);
    // The shared x-axis ends at the later run's end (its last tick within one tick step of it).
    for (const l of labels.filter((x) => x.chart.startsWith('overlay-'))) {
      expect(l.maxXTick, l.chart).toBeLessThanOrEqual(b.endDay);
      expect(l.maxXTick, l.chart).toBeGreaterThan(b.endDay - 60);
    }
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(shots, 'campaign.png'), fullPage: true });
    await cmp.screenshot({ path: join(shots, 'compare-panel.png') });
  }, 60_000);

  it('campaign: a run started on the server from an edited scenario (bad edits show the parser\'s issues first)', async () => {
    await page.locator('#new-run summary').click();
    await page.fill('#scenario-text', bundledText.replace('horizonDays: 500', 'horizonDays: many'));
    await page.locator('#scenario-check .issues').waitFor();
    expect(await page.locator('#scenario-check').textContent()).toMatch(/scenario\.yaml:14:\d+: horizonDays/);
    expect(await page.isDisabled('#run-server')).toBe(true);
    await page.fill('#scenario-text', bundledText.replace('name: colossus', 'name: colossus-more-power').replace(/gridMw: (\d+)/g, (_m, mw: string) => `gridMw: ${Number(mw) * 2}`));
    await expect.poll(() => page.locator('#scenario-check').textContent()).toMatch(/✓ colossus-more-power/);
    await page.click('#run-server');
    await expect.poll(() => page.locator('table.runs tbody tr').count(), { timeout: 120_000 }).toBe(3);
    expect(await page.locator('table.runs tbody tr', { hasText: 'colossus-more-power' }).textContent()).toMatch(/server store/);
    expect(store.listRuns().map((r) => r.name)).toContain('colossus-more-power');
    // Compared with the run that was shown.
    await expect.poll(() => page.locator('article.run').count()).toBe(2);
    // Played in this browser instead: the worker is its own file the server serves (/assets/worker-*.js).
    const workerFetched: string[] = [];
    page.on('request', (r) => {
      if (/\/assets\/worker-[\w-]+\.js$/.test(r.url())) workerFetched.push(r.url());
    });
    await page.locator('#new-run').evaluate((d) => ((d as unknown as { open: boolean }).open = true));
    await page.click('#scenario-reset');
    await expect.poll(() => page.locator('#scenario-check').textContent()).toMatch(/✓ colossus:/);
    await page.click('#run-browser');
    await expect.poll(() => page.locator('table.runs tbody tr', { hasText: 'this browser' }).count(), { timeout: 120_000 }).toBe(1);
    expect(workerFetched).toHaveLength(1);
    expect(store.listRuns()).toHaveLength(3); // a run played in the browser is not put in the server's store
    expect(pageErrors).toEqual([]);
  }, 240_000);

  it('validation: scatter and the error per source', async () => {
    await page.click('nav a[data-view="validation"]');
    await page.locator('[aria-label="Error per source"] table').waitFor();
    expect(await page.locator('#validation-chart svg circle, #validation-chart svg path').count()).toBeGreaterThan(10);
    await page.screenshot({ path: join(shots, 'validation.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 30_000);
});
