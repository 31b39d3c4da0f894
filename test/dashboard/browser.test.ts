/**
 * The dashboard in a real browser (Debian's chromium through playwright-core) over a database
 * made by a short real training run: the curves, a weight histogram and a text heat-map render
 * with the logged values, a screenshot is a real PNG, and a run that is still training shows
 * up and fills in without a reload. Skips, saying why, when /usr/bin/chromium is missing
 * (`apt-get install chromium`). Screenshots go to a temp folder, or to $GRADLAB_SCREENSHOTS.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startDashboard } from '../../src/dashboard/server.js';
import { formatNumber } from '../../src/track/report-specs.js';
import { RunStore } from '../../src/track/store.js';
import { pngInfo } from '../../src/track/png.js';
import { makeFixture } from './fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

function shotDir(): string {
  const d = process.env['GRADLAB_SCREENSHOTS'];
  if (d) {
    mkdirSync(d, { recursive: true });
    return d;
  }
  return mkdtempSync(join(tmpdir(), 'gradlab-shots-'));
}

async function texts(page: Page, selector: string, attr?: string): Promise<string[]> {
  return page.$$eval(selector, (els, a) => els.map((e) => (a ? e.getAttribute(a) ?? '' : (e.textContent ?? '').trim())), attr ?? null);
}

test('the dashboard shows a real run: curves, histograms, a heat-map, and a live run filling in', { timeout: 120_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} is missing (install it with: apt-get install -y chromium)`);
    return;
  }
  const fx = await makeFixture();
  const dash = await startDashboard({ db: fx.dbPath, port: 0 });
  const store = RunStore.open(fx.dbPath);
  let browser: Browser | null = null;
  const errors: string[] = [];
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    await page.goto(`${dash.url}?poll=300#runs=${fx.runId}&tab=scalars`);

    // Scalars: a chart per metric, train and val overlaid, final values as logged.
    const last = store.lastScalars(fx.runId);
    await page.waitForSelector('.card[data-key="loss"] .vega svg');
    await page.waitForSelector('.card[data-key="accuracy"] .vega svg');
    assert.deepEqual(await texts(page, '.card[data-key="loss"] .final', 'data-tag'), ['train/loss', 'val/loss']);
    assert.deepEqual(await texts(page, '.card[data-key="accuracy"] .final', 'data-tag'), ['train/accuracy', 'val/accuracy']);
    for (const tag of ['train/loss', 'val/loss', 'train/accuracy', 'val/accuracy']) {
      const shown = await page.$eval(`.final[data-tag="${tag}"]`, (e) => ({ value: e.getAttribute('data-value'), bold: e.querySelector('b')?.textContent }));
      assert.equal(Number(shown.value), last[tag]!.value, tag);
      assert.equal(shown.bold, formatNumber(last[tag]!.value), tag);
    }
    assert.equal(await page.$eval('.chip[data-tag="val/accuracy"] b', (e) => e.textContent), formatNumber(last['val/accuracy']!.value));
    // One line per series, each through the 3 epochs.
    const lines = await page.$$eval('.card[data-key="loss"] svg g.mark-line.role-mark path', (ps) => ps.map((p) => p.getAttribute('d') ?? ''));
    assert.equal(lines.length, 2);
    for (const d of lines) assert.equal((d.match(/L/g) ?? []).length, 2, `a 3-point line, got path ${d}`);
    const dir = shotDir();
    const shot = join(dir, 'dashboard-scalars.png');
    await page.screenshot({ path: shot });
    const png = readFileSync(shot);
    assert.deepEqual(pngInfo(png).width, 1400);
    assert.ok(png.length > 20_000, `screenshot ${shot} is only ${png.length} bytes`);

    // Histograms: weights of the first layer, one row of buckets per logged step.
    await page.click('#tab-histograms');
    const tag = 'weights/0.weight';
    await page.waitForSelector(`.card[data-key="${tag}"] .vega svg`);
    const hs = store.histograms(fx.runId, { tag });
    const cells = await page.$$eval(`.card[data-key="${tag}"] svg g.mark-rect.role-mark path`, (ps) => ps.length);
    assert.equal(cells, hs.reduce((n, h) => n + h.counts.length, 0));
    const lastH = hs[hs.length - 1]!;
    const mean = await page.$eval(`.final[data-tag="${tag}"]`, (e) => Number(e.getAttribute('data-mean')));
    assert.ok(Math.abs(mean - lastH.sum / lastH.num) < 1e-12, `mean ${mean} vs ${lastH.sum / lastH.num}`);
    await page.screenshot({ path: join(dir, 'dashboard-histograms.png') });

    // Media: the attention heat-map's tokens shaded by their weights, and the digit image.
    await page.click('#tab-media');
    await page.waitForSelector('.tok');
    assert.deepEqual(await texts(page, '.card[data-key="heatmap:attention/review-0"] .tok'), fx.heatmap.tokens);
    assert.deepEqual((await texts(page, '.tok', 'data-weight')).map(Number), fx.heatmap.weights);
    const alphas = await page.$$eval('.tok', (els) => els.map((e) => {
      const m = /rgba?\(\d+, \d+, \d+(?:, ([\d.]+))?\)/.exec(getComputedStyle(e).backgroundColor);
      return m ? Number(m[1] ?? 1) : NaN;
    }));
    assert.equal(alphas[4], 1); // 'good' has the largest weight
    assert.ok(Math.abs(alphas[3]! - 0.35 / 0.4) < 1e-3);
    await page.waitForFunction(() => (document.querySelector('img.pixelated') as HTMLImageElement | null)?.naturalWidth === 28);
    await page.waitForSelector('.card[data-key="matrix:confusion/val"] svg');
    await page.screenshot({ path: join(dir, 'dashboard-media.png'), fullPage: true });

    // Live: a run that starts now appears in the list and fills in without a reload.
    await page.click('#tab-scalars');
    const live = store.startRun({ study: 'dash-test', name: 'live-run', config: { hidden: 8 }, handleSignals: false });
    live.logScalars({ 'train/loss': 2.5, 'val/loss': 2.4 }, 1);
    await page.waitForSelector(`li.run[data-run="${live.id}"]`, { timeout: 15_000 });
    await page.click(`li.run[data-run="${live.id}"]`);
    await page.waitForSelector('.final[data-tag="val/loss"][data-value="2.4"]');
    assert.equal(await page.$eval('.badge', (e) => e.textContent), 'running');
    live.logScalars({ 'train/loss': 1.25, 'val/loss': 1.5 }, 2);
    await page.waitForSelector('.final[data-tag="val/loss"][data-value="1.5"]', { timeout: 15_000 });
    const liveLines = await page.$$eval('.card[data-key="loss"] svg g.mark-line.role-mark path', (ps) => ps.map((p) => (p.getAttribute('d') ?? '').split('L').length));
    assert.deepEqual(liveLines, [2, 2]);
    live.finish();
    await page.waitForFunction(() => document.querySelector('.badge')?.textContent === 'finished', null, { timeout: 15_000 });
    await page.screenshot({ path: join(dir, 'dashboard-live.png') });
    assert.deepEqual(errors, []);
  } finally {
    await browser?.close();
    store.close();
    await dash.close();
  }
});
