/**
 * Seed groups on the dashboard (src/dashboard/client/groups.ts): grouping by configuration, the
 * mean and 95% CI per step, CSV / JSON of a chart's data; then in a real browser (Debian's
 * chromium through playwright-core): two seeds of one configuration are two lines ungrouped and
 * one mean line with a band grouped, the chart's data downloads as CSV, and x can be wall time.
 * The browser part skips, saying why, when /usr/bin/chromium is missing.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { groupCurve, groupRuns, runLabels, toCsv, toJson, type RunLike } from '../../src/dashboard/client/groups.js';
import { startDashboard } from '../../src/dashboard/server.js';
import { summarize } from '../../src/metrics/stats.js';
import { RunStore } from '../../src/track/store.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

function fake(id: string, name: string, seed: number, vals: number[]): RunLike {
  return {
    info: { id, name, study: 'grp', seed, startedAt: 1_000_000 },
    scalars: new Map([['val/loss', vals.map((v, i) => ({ step: i + 1, value: v, wallTime: 1000 + 10 * (i + 1) }))]]),
  };
}

test('groupRuns groups by study and name; groupCurve gives the mean and the Student-t 95% CI per step', () => {
  const a = fake('a', 'grp/adam', 1, [1.0, 0.8, 0.6]);
  const b = fake('b', 'grp/adam', 2, [1.2, 0.9, 0.5]);
  const c = fake('c', 'grp/sgd', 1, [1.5, 1.4, 1.3]);
  const groups = groupRuns([a, c, b]);
  assert.deepEqual(groups.map((g) => [g.label, g.runs.map((r) => r.info.id)]), [['grp/adam', ['a', 'b']], ['grp/sgd', ['c']]]);
  const curve = groupCurve(groups[0]!, 'val/loss');
  assert.deepEqual(curve.map((p) => p.step), [1, 2, 3]);
  const s = summarize([0.6, 0.5]);
  assert.ok(Math.abs(curve[2]!.mean - 0.55) < 1e-12);
  assert.equal(curve[2]!.lo, s.ciLow);
  assert.equal(curve[2]!.hi, s.ciHigh);
  assert.equal(curve[2]!.n, 2);
  const single = groupCurve(groups[1]!, 'val/loss');
  assert.deepEqual([single[0]!.lo, single[0]!.hi, single[0]!.n], [1.5, 1.5, 1]);
  // Wall time: seconds since each run started, averaged over the group.
  assert.deepEqual(groupCurve(groups[0]!, 'val/loss', 'time').map((p) => p.step), [10, 20, 30]);
  // Two runs with one name get distinct labels (series are keyed by run).
  assert.deepEqual([...runLabels([a, b, c]).values()], ['grp/adam (a, seed 1)', 'grp/adam (b, seed 2)', 'grp/sgd']);
});

test('chart data as CSV (quoted when needed) and JSON', () => {
  const d = { columns: ['run', 'tag', 'value'], rows: [['a,1', 'val/loss', 0.5], ['b"2', 'val/loss', NaN]] };
  assert.equal(toCsv(d), 'run,tag,value\r\n"a,1",val/loss,0.5\r\n"b""2",val/loss,\r\n');
  assert.deepEqual(JSON.parse(toJson(d)), [{ run: 'a,1', tag: 'val/loss', value: 0.5 }, { run: 'b"2', tag: 'val/loss', value: null }]);
});

test('in the browser: two seeds of one configuration are two lines, and grouped one mean line with a band; CSV download; x by wall time', { timeout: 120_000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} is missing (install it with: apt-get install -y chromium)`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-groups-'));
  const db = join(dir, 'runs.db');
  const store = RunStore.open(db);
  const curves: Record<string, number[][]> = { adam: [[1.0, 0.7, 0.5, 0.42], [1.1, 0.8, 0.55, 0.46]], sgd: [[1.4, 1.2, 1.05, 0.95]] };
  const ids: Record<string, string[]> = { adam: [], sgd: [] };
  for (const [cfg, list] of Object.entries(curves)) {
    list.forEach((vals, k) => {
      const run = store.startRun({ study: 'grp', name: `grp/${cfg}`, seed: k + 1, config: { optimizer: cfg }, handleSignals: false });
      vals.forEach((v, i) => run.logScalars({ 'train/loss': v + 0.1, 'val/loss': v }, i + 1));
      run.finish();
      ids[cfg]!.push(run.id);
    });
  }
  const dash = await startDashboard({ db, port: 0 });
  let browser: Browser | null = null;
  const errors: string[] = [];
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    const [a1, a2] = ids['adam']!;
    await page.goto(`${dash.url}?poll=300#runs=${a1},${a2}&tab=scalars`);
    await page.fill('#filter', 'val/');
    // Ungrouped: one line per run, though both runs have the same name.
    await page.waitForSelector('.card[data-key="loss"] .vega svg');
    const lineCount = async (): Promise<number> => page.$$eval('.card[data-key="loss"] svg g.mark-line.role-mark path', (ps) => ps.length);
    await page.waitForFunction(() => document.querySelectorAll('.card[data-key="loss"] .final[data-run]').length === 2);
    assert.equal(await lineCount(), 2);
    const runsShown = await page.$$eval('.card[data-key="loss"] .final[data-run]', (es) => es.map((e) => e.getAttribute('data-run')));
    assert.deepEqual(runsShown, [a1, a2]);
    assert.equal(await page.$$eval('.card[data-key="loss"] svg g.mark-area path', (ps) => ps.length), 0);
    const shots = process.env['GRADLAB_SCREENSHOTS'] ? process.env['GRADLAB_SCREENSHOTS'] : dir;
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, 'dashboard-seeds-ungrouped.png') });

    // Grouped: one mean line and one band for the configuration, mean and CI as computed here.
    await page.check('#groupseeds');
    await page.waitForSelector('.card[data-key="loss"] .final[data-group]');
    const g = await page.$eval('.card[data-key="loss"] .final[data-group]', (e) => ({ group: e.getAttribute('data-group'), n: e.getAttribute('data-n'), value: Number(e.getAttribute('data-value')), lo: Number(e.getAttribute('data-lo')), hi: Number(e.getAttribute('data-hi')) }));
    const want = summarize([0.42, 0.46]);
    assert.equal(g.group, 'grp/adam');
    assert.equal(g.n, '2');
    assert.ok(Math.abs(g.value - want.mean) < 1e-12, `mean ${g.value}`);
    assert.ok(Math.abs(g.lo - want.ciLow) < 1e-12 && Math.abs(g.hi - want.ciHigh) < 1e-12, `CI [${g.lo}, ${g.hi}]`);
    await page.waitForFunction(() => document.querySelectorAll('.card[data-key="loss"] svg g.mark-area path').length === 1);
    assert.equal(await lineCount(), 1);
    assert.match(page.url(), /group=1/);

    // The chart's data as CSV: the group's mean and CI per step.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('.card[data-key="loss"] .dl-csv')]);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\r\n');
    assert.equal(csv[0], 'group,tag,step,mean,ci_low,ci_high,n');
    assert.equal(csv.length, 5);
    assert.deepEqual(csv[4]!.split(',').slice(0, 4), ['grp/adam', 'val/loss', '4', String(want.mean)]);

    // Add the other configuration (one seed): two groups, a band only where there are 2 runs.
    await page.goto(`${dash.url}?poll=300#runs=${a1},${a2},${ids['sgd']![0]}&tab=scalars&group=1`);
    await page.fill('#filter', 'val/');
    await page.waitForFunction(() => document.querySelectorAll('.card[data-key="loss"] .final[data-group]').length === 2);
    assert.deepEqual(await page.$$eval('.card[data-key="loss"] .final[data-group]', (es) => es.map((e) => e.getAttribute('data-n'))), ['2', '1']);
    await page.waitForFunction(() => document.querySelectorAll('.card[data-key="loss"] svg g.mark-line.role-mark path').length === 2);
    await page.screenshot({ path: join(shots, 'dashboard-seeds-grouped.png') });

    // x by wall time: the axis says so.
    await page.selectOption('#xaxis', 'time');
    await page.waitForFunction(() => Array.from(document.querySelectorAll('.card[data-key="loss"] svg text')).some((e) => e.textContent === 'seconds since the run started'));
    assert.match(page.url(), /x=time/);

    // Compare: parallel coordinates, one line per run, the two seeds of adam in one colour.
    await page.click('#tab-compare');
    await page.waitForSelector('.card[data-key="parallel"] .vega svg');
    const strokes = await page.$$eval('.card[data-key="parallel"] svg g.mark-line.role-mark path', (ps) => ps.map((p) => p.getAttribute('stroke')));
    assert.equal(strokes.length, 3);
    assert.equal(new Set(strokes).size, 2);
    await page.screenshot({ path: join(shots, 'dashboard-seeds-parallel.png') });
    assert.deepEqual(errors, []);
  } finally {
    await browser?.close();
    store.close();
    await dash.close();
  }
});
