/**
 * Reports: a run's HTML report is self-contained (no external references) with one inline SVG
 * per chart holding the logged series and values, the image as a PNG data: URI and the heat-map
 * tokens; the Markdown summary has the config and final metrics tables and the figure list. A
 * study report compares its runs. Also the shared chart helpers: TensorBoard's debiased EMA,
 * tag grouping, bucket edges, number formatting.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { before, test } from 'node:test';
import { writeRunReport } from '../../src/track/report.js';
import { writeStudyReport } from '../../src/track/report-study.js';
import { bucketEdges, formatNumber, groupScalarTags, smoothEma } from '../../src/track/report-specs.js';
import { renderSvg } from '../../src/track/report-svg.js';
import { RunStore } from '../../src/track/store.js';
import { makeFixture, type Fixture } from '../dashboard/fixture.js';

let fx: Fixture;
before(async () => {
  fx = await makeFixture();
});

test('smoothEma is TensorBoard\'s debiased exponential moving average', () => {
  assert.deepEqual(smoothEma([1, 2, 3], 0), [1, 2, 3]);
  const s = smoothEma([1, 2, 3], 0.5);
  // last_1 = 0.5·1 → /(1-0.5) = 1; last_2 = 0.25 + 0.5·2·… : closed form Σ w^(n-i)(1-w)v_i / (1-w^n)
  assert.equal(s[0], 1);
  assert.ok(Math.abs(s[1]! - (0.25 + 1) / 0.75) < 1e-12);
  assert.ok(Math.abs(s[2]! - (0.125 + 0.5 + 1.5) / 0.875) < 1e-12);
  assert.deepEqual(smoothEma([5, 5, 5, 5], 0.9).map((v) => Number(v.toFixed(12))), [5, 5, 5, 5]); // no pull towards 0
  const withNaN = smoothEma([1, NaN, 1], 0.6);
  assert.ok(Number.isNaN(withNaN[1]));
  assert.equal(withNaN[2], 1);
});

test('groupScalarTags puts splits of a metric on one chart, loss and accuracy first', () => {
  assert.deepEqual(groupScalarTags(['lr', 'val/loss', 'train/accuracy', 'train/loss', 'test/loss', 'batch/loss', 'val/accuracy']), [
    { chart: 'loss', tags: ['test/loss', 'train/loss', 'val/loss'] },
    { chart: 'accuracy', tags: ['train/accuracy', 'val/accuracy'] },
    { chart: 'batch/loss', tags: ['batch/loss'] },
    { chart: 'lr', tags: ['lr'] },
  ]);
});

test('bucketEdges and formatNumber', () => {
  assert.deepEqual(bucketEdges({ limits: [1, 2, 3], min: 0 }), [{ lo: 0, hi: 1 }, { lo: 1, hi: 2 }, { lo: 2, hi: 3 }]);
  assert.deepEqual(bucketEdges({ limits: [4.5], min: 4 }), [{ lo: 3.5, hi: 4.5 }]);
  assert.deepEqual([formatNumber(3), formatNumber(0.123456), formatNumber(1.5e-5), formatNumber(NaN), formatNumber(-Infinity), formatNumber(null)], ['3', '0.1235', '1.500e-5', 'NaN', '−∞', '–']);
});

test('renderSvg turns a Vega-Lite spec into SVG, and names a broken chart', async () => {
  const svg = await renderSvg({ title: 'tiny', data: { values: [{ a: 1, b: 2 }] }, mark: 'point', encoding: { x: { field: 'a', type: 'quantitative' }, y: { field: 'b', type: 'quantitative' } } });
  assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, />tiny</);
  await assert.rejects(renderSvg({ title: 'broken', mark: 'no-such-mark' }), /report: could not render 'broken' as SVG/);
});

test('writeRunReport writes a self-contained HTML report and a Markdown summary', { timeout: 60_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'gradlab-report-'));
  const store = RunStore.open(fx.dbPath, { readonly: true });
  try {
    const run = store.getRun(fx.runId);
    const files = await writeRunReport(store, fx.runId, out);
    assert.equal(basename(files.html), `${run.name}-${run.id}.html`);
    assert.equal(basename(files.md), `${run.name}-${run.id}.md`);
    const html = readFileSync(files.html, 'utf8');
    // Self-contained: nothing fetched from elsewhere.
    assert.doesNotMatch(html, /<script|<link|src="http|href="http(?!:\/\/www\.w3\.org)/);
    const tags = store.tags(fx.runId);
    // One SVG per scalar chart (loss, accuracy, lr, the dead-ReLU fraction, …), per histogram tag, per vega-rendered media (matrix, curve, points, vl figure).
    const svgs = html.match(/<svg /g)?.length ?? 0;
    assert.ok(tags.scalars.includes('diag/dead_relu/1'), 'the ReLU of the fixture MLP is watched');
    assert.equal(svgs, groupScalarTags(tags.scalars).length + tags.histograms.length + 4);
    for (const t of ['train/loss', 'val/loss', 'train/accuracy', 'val/accuracy']) assert.ok(html.includes(`>${t}</text>`), `legend entry ${t}`);
    const last = store.lastScalars(fx.runId);
    assert.ok(html.includes(`<td>${formatNumber(last['val/accuracy']!.value)}</td>`));
    assert.match(html, /<img class="px" alt="digits\/first" width="224" src="data:image\/png;base64,iVBORw0KGgo/);
    for (const tok of fx.heatmap.tokens) assert.ok(html.includes(`>${tok}</span>`), tok);
    assert.match(html, /<figure id="fig-\d+" class="fig fig-histogram"><figcaption>weights\/0\.weight over steps<\/figcaption><svg/);
    assert.match(html, /src="data:image\/svg\+xml;base64,/); // the SVG figure, as an image

    const md = readFileSync(files.md, 'utf8');
    assert.match(md, new RegExp(`^# ${run.name.replace(/-/g, '-')}\n`));
    assert.match(md, /\| hidden \| 32 \|/);
    assert.match(md, new RegExp(`\\| val/accuracy \\| 3 \\| ${formatNumber(last['val/accuracy']!.value).replace('.', '\\.')} \\|`));
    const figures = md.split('\n').filter((l) => /^\d+\. \[/.test(l));
    assert.equal(figures.length, groupScalarTags(tags.scalars).length + tags.histograms.length + tags.media.length);
    assert.match(figures[0]!, /^1\. \[loss \(train\/loss, val\/loss\)\]\(.*\.html#fig-1\) \(scalars\)$/);
  } finally {
    store.close();
  }
});

test('writeStudyReport compares the runs of a study and writes each run\'s report', { timeout: 60_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'gradlab-report-'));
  const store = RunStore.open(fx.dbPath, { readonly: true });
  try {
    const files = await writeStudyReport(store, 'dash-test', out);
    assert.equal(basename(files.html), 'study-dash-test.html');
    assert.equal(files.runs.length, 2);
    const html = readFileSync(files.html, 'utf8');
    const [a, b] = [store.getRun(fx.runId), store.getRun(fx.otherId)];
    // The differing config keys are columns; both runs' legend entries are on the loss chart.
    assert.match(html, /<th>epochs<\/th><th>hidden<\/th><th>lr<\/th>/);
    assert.doesNotMatch(html, /<th>batchSize<\/th>/);
    assert.ok(html.includes(`>${a.name} · val/loss</text>`) && html.includes(`>${b.name} · val/loss</text>`));
    assert.ok(html.includes(`<a href="${a.name}-${a.id}.html">`));
    const md = readFileSync(files.md, 'utf8');
    assert.match(md, /^# Study dash-test\n/);
    assert.match(md, new RegExp(`\\| ${a.name} \\| finished \\| 1 \\|`));
    await assert.rejects(writeStudyReport(store, 'nope', out), /no runs of study 'nope' in .*; studies there: dash-test \(2 runs\)/);
    await assert.rejects(writeRunReport(store, 'nope', out), /no run 'nope' in .*recent runs:/);
  } finally {
    store.close();
  }
});

test('a report stays under 2 MB whatever the epoch count: 400 epochs, 12 histogram tags, 3 runs in a study', { timeout: 120_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'gradlab-report-big-'));
  const store = RunStore.open(join(out, 'big.db'));
  try {
    const ids: string[] = [];
    for (let r = 0; r < 3; r++) {
      const run = store.startRun({ study: 'big', name: `big/v${r}`, seed: 1, handleSignals: false });
      run.batch(() => {
        for (let e = 1; e <= 400; e++) {
          run.logScalars({ 'train/loss': 1 / e + r * 0.01, 'val/loss': 1 / e + 0.05, 'train/accuracy': 1 - 1 / (e + 1), 'val/accuracy': 1 - 1.2 / (e + 1), lr: 1e-3 }, e);
          for (let p = 0; p < 6; p++) {
            const vals = Array.from({ length: 64 }, (_, i) => Math.sin(i * 0.3 + e * 0.01 + p));
            run.logHistogram(`weights/layer${p}.weight`, vals, e);
            run.logHistogram(`grads/layer${p}.weight`, vals.map((v) => v * 1e-3), e);
          }
        }
      });
      run.finish();
      ids.push(run.id);
    }
    const one = await writeRunReport(store, ids[0]!, out);
    const size = readFileSync(one.html).length;
    assert.ok(size < 2_000_000, `run report is ${size} bytes`);
    const html = readFileSync(one.html, 'utf8');
    assert.match(html, /weights\/layer0\.weight over steps \(\d+ of 400 steps\)/);
    const study = await writeStudyReport(store, 'big', out, { writeRunReports: false });
    const ssize = readFileSync(study.html).length;
    assert.ok(ssize < 2_000_000, `study report is ${ssize} bytes`);
  } finally {
    store.close();
  }
});
