/**
 * Records are data: the figure-safety rules on their own, then a hostile run store through the
 * report writer and the dashboard in a real browser. Neither reads the local file, neither
 * sends a request to the loopback listener, no `javascript:` link survives, markup stays text,
 * and neither crashes (bad figures are skipped with a note).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { startDashboard } from '../../src/dashboard/server.js';
import { isSafeLink, refusingLoader, withoutExternalData } from '../../src/track/figure-safety.js';
import { writeRunReport } from '../../src/track/report.js';
import { renderSvgWithNotes } from '../../src/track/report-svg.js';
import { RunStore } from '../../src/track/store.js';
import { MARKUP, SECRET, makeHostileStore } from './hostile-store.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const unhandled: unknown[] = [];
process.on('unhandledRejection', (e) => unhandled.push(e));
process.on('uncaughtException', (e) => unhandled.push(e));

test('only http, https and mailto links are safe, whatever the case or hidden whitespace', () => {
  for (const ok of ['https://example.com/a', 'http://x', 'MAILTO:a@b.c']) assert.equal(isSafeLink(ok), true, ok);
  for (const bad of ['javascript:alert(1)', ' JaVa\nScRiPt:alert(1)', 'java\u0000script:x', 'data:text/html,<b>', 'file:///etc/passwd', 'vbscript:x', '/etc/passwd', '//evil.example', '', null, 42]) {
    assert.equal(isSafeLink(bad), false, String(bad));
  }
});

test('external data is replaced by empty inline data everywhere in a spec, and listed', () => {
  const spec = {
    data: { url: '/etc/passwd', format: { type: 'csv' } },
    layer: [{ data: { url: 'http://127.0.0.1:1/x', name: 'n' } }, { mark: 'point' }],
    transform: [{ lookup: 'k', from: { data: { url: 'file:///x' }, key: 'k' } }],
    hconcat: [{ data: { values: [1] } }],
  };
  const r = withoutExternalData(spec);
  assert.deepEqual(r.removed.map((x) => [x.where, x.url]), [
    ['data', '/etc/passwd'], ['layer[0].data', 'http://127.0.0.1:1/x'], ['transform[0].from.data', 'file:///x'],
  ]);
  assert.deepEqual(r.spec.data, { values: [] });
  assert.deepEqual(r.spec.layer[0]!.data, { name: 'n', values: [] });
  assert.deepEqual(r.spec.hconcat[0]!.data, { values: [1] });
  assert.equal(spec.data.url, '/etc/passwd', 'the input is not changed');
});

test('the refusing loader loads nothing and sanitizes only safe links', async () => {
  const refused: string[] = [];
  const l = refusingLoader((what, uri) => refused.push(`${what} ${uri}`));
  await assert.rejects(l.load('/etc/passwd'), /does not load what a record names/);
  await assert.rejects(l.http('http://127.0.0.1/'), /does not fetch/);
  await assert.rejects(l.file('/etc/passwd'), /does not read/);
  assert.deepEqual(await l.sanitize('javascript:alert(1)', { context: 'href' }), {});
  assert.deepEqual(await l.sanitize('https://example.com', { context: 'href' }), { href: 'https://example.com' });
  assert.deepEqual(await l.sanitize('https://example.com/i.png', { context: 'image' }), {});
  assert.equal(refused.length, 5);
});

test('renderSvgWithNotes draws a figure without its external data and says so', async () => {
  const r = await renderSvgWithNotes({ data: { url: 'http://127.0.0.1:9/x.csv' }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' } } });
  assert.match(r.svg, /^<svg/);
  assert.equal(r.notes.length, 1);
  assert.match(r.notes[0]!, /drawn without its external data \("http:\/\/127\.0\.0\.1:9\/x\.csv"\)/);
});

test('a hostile run store: the report reads no file, sends no request, keeps markup as text, skips bad figures with a note', async () => {
  const h = await makeHostileStore();
  try {
    const store = RunStore.open(h.dbPath, { readonly: true });
    let files;
    try {
      files = await writeRunReport(store, h.runId, join(h.dir, 'reports'));
    } finally {
      store.close();
    }
    await new Promise((r) => setTimeout(r, 300)); // anything asynchronous would have happened by now
    const html = readFileSync(files.html, 'utf8');
    const md = readFileSync(files.md, 'utf8');
    assert.deepEqual(h.requests, [], 'the report sent requests to the loopback listener');
    for (const text of [html, md]) {
      assert.ok(!text.includes(SECRET), 'the local file leaked into the report');
      assert.ok(!text.includes(MARKUP), 'raw markup from a record');
      assert.ok(!/<script>window/.test(text), 'a record\'s <script> is live');
      assert.ok(!/(?:xlink:)?href="\s*(?:javascript|data):/i.test(text), 'an unsafe link survived');
    }
    assert.ok(html.includes('&lt;img src=x onerror='), 'the run name shows as text');
    assert.equal((html.match(/drawn without its external data/g) ?? []).length, 4, 'a note under each figure with external data');
    assert.match(html, /skipped: this heatmap record could not be drawn/);
    assert.match(html, /could not render a chart as SVG/);
    assert.deepEqual(unhandled, [], 'no unhandled rejection or exception');
  } finally {
    await h.close();
  }
});

test('a hostile run store in the dashboard (real browser): no request, no file, no script, no crash', { timeout: 120_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} is missing (install it with: apt-get install -y chromium)`);
    return;
  }
  const h = await makeHostileStore();
  const dash = await startDashboard({ db: h.dbPath, port: 0 });
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const pageErrors: string[] = [];
    const dialogs: string[] = [];
    const foreign: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    page.on('request', (r) => { if (!r.url().startsWith(dash.url) && !r.url().startsWith('data:')) foreign.push(r.url()); });
    await page.goto(`${dash.url}#runs=${h.runId}&tab=media`);
    await page.waitForSelector('.card[data-key="figure:links/javascript"] svg');
    await page.waitForSelector('.card[data-key="figure:loopback/layers"] .figure-note');
    await page.waitForSelector('.card[data-key="text:notes"] pre');
    await page.waitForTimeout(500);
    // Hover and click the points that carry links: nothing may navigate or run.
    for (const p of await page.$$('.card[data-key="figure:links/javascript"] svg path.mark-symbol, .card[data-key="figure:links/javascript"] svg .mark-symbol path')) await p.click({ force: true }).catch(() => undefined);
    await page.waitForTimeout(300);
    const content = await page.content();
    assert.deepEqual(h.requests, [], 'the dashboard page sent requests to the loopback listener');
    assert.deepEqual(foreign, [], 'requests outside the dashboard');
    assert.ok(!content.includes(SECRET), 'the local file reached the page');
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned ?? null), null, 'a record ran script');
    assert.deepEqual(dialogs, []);
    assert.ok(page.url().startsWith(dash.url), `navigated to ${page.url()}`);
    assert.equal(await page.$$eval('a[href^="javascript:" i], a[*|href^="javascript:" i]', (a) => a.length), 0);
    assert.equal(await page.$eval('.card[data-key="text:notes"] pre', (e) => e.textContent), `<script>window.__pwned=3</script>${MARKUP}`);
    assert.match(await page.$eval('.card[data-key="figure:file/path"]', (e) => e.textContent ?? ''), /drawn without its external data/);
    assert.deepEqual(pageErrors, []);
    const shots = process.env['GRADLAB_SCREENSHOTS'];
    if (shots) await page.screenshot({ path: join(shots, 'dashboard-hostile.png'), fullPage: true });
  } finally {
    await browser?.close();
    await dash.close();
    await h.close();
  }
});
