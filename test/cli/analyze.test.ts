/** `gradlab analyze`: the scatter plot renders one mark per point coloured by label; k-means prints purity and ARI. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { Command } from 'commander';
import { clusterReport, loadForAnalysis, registerAnalyze, renderSvg, scatterSpec } from '../../src/cli/analyze.js';
import { Generator } from '../../src/tensor/random.js';
import { RunStore } from '../../src/track/store.js';

/** A small digits-format file: 3 well-separated "classes" of 64-pixel rows. */
function fakeDigits(dir: string, n: number): string {
  const g = new Generator(1);
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 3;
    const px = Array.from({ length: 64 }, (_, j) => Math.max(0, Math.min(16, Math.round((j % 3 === label ? 12 : 2) + g.normal()))));
    lines.push([...px, label].join(','));
  }
  const p = join(dir, 'digits.csv.gz');
  writeFileSync(p, gzipSync(lines.join('\n') + '\n'));
  return p;
}

async function capture(f: () => Promise<unknown>): Promise<string> {
  // Let the test runner flush what it still has to write for earlier tests (it writes to this
  // process's stdout), so an analysis that gives the event loop turns does not capture it.
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  const chunks: string[] = [];
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((s: string) => { chunks.push(String(s)); return true; }) as typeof process.stdout.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    await f();
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return chunks.join('');
}

test('scatter plot: an SVG with one circle per point and one colour per label', async () => {
  const pts = Float64Array.from([0, 0, 1, 1, 2, 0, 3, 1]);
  const svg = await renderSvg(scatterSpec(pts, 2, [0, 1, 1, 2], 'test map'));
  assert.match(svg, /^<svg/);
  assert.match(svg, /test map/);
  const fills = new Set((svg.match(/fill="#[0-9a-f]{6}"/g) ?? []).filter((f) => f !== 'fill="#ffffff"'));
  assert.ok(fills.size >= 3, `colours: ${[...fills].join(' ')}`);
});

test('clusterReport: purity per cluster, overall purity, ARI', () => {
  const r = clusterReport([0, 0, 1, 1, 2, 2], [5, 5, 6, 6, 6, 7]);
  assert.equal(r.purity, 5 / 6);
  assert.match(r.text, /^cluster {2}size {2}majority {2}purity/);
  assert.match(r.text, /\n {6}6 {5}3 {9}1 {3}0\.667\n/);
  assert.match(r.text, /overall purity 0\.8333 {3}ARI 0\.\d{4} {3}NMI 0\.\d{4}$/);
});

test('analyze kmeans and tsne run end to end on a digits-format file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gradlab-analyze-'));
  try {
    const path = fakeDigits(dir, 60);
    const program = new Command().exitOverride();
    registerAnalyze(program);
    const db = join(dir, 'runs.db');
    const km = await capture(() => program.parseAsync(['node', 'gradlab', 'analyze', 'kmeans', '--dataset', 'digits', '--path', path, '--k', '3', '--db', db], { from: 'node' }));
    assert.match(km, /k-means on 60 digits points, k = 3/);
    assert.match(km, /overall purity 1\.0000 {3}ARI 1\.0000/);
    const out = join(dir, 'map.svg');
    const ptsFile = join(dir, 'pts.json');
    const program2 = new Command().exitOverride();
    registerAnalyze(program2);
    const ts = await capture(() => program2.parseAsync(['node', 'gradlab', 'analyze', 'tsne', '--path', path, '--perplexity', '10', '--iter', '300', '--out', out, '--points', ptsFile, '--db', db], { from: 'node' }));
    assert.match(ts, /KL divergence \d+\.\d{4} after 300 iterations/);
    assert.match(readFileSync(out, 'utf8'), /^<svg/);
    const pts = JSON.parse(readFileSync(ptsFile, 'utf8')) as { embedding: number[]; labels: number[] };
    assert.equal(pts.embedding.length, 120);
    assert.equal(pts.labels.length, 60);
    // Both analyses are recorded in the run store: the map as a point set and a figure, k-means as scalars.
    const store = RunStore.open(db, { readonly: true });
    const runs = store.listRuns({ study: 'analyze' });
    assert.deepEqual(runs.map((r) => r.name).sort(), ['analyze/kmeans-digits-k3', 'analyze/tsne-digits']);
    const tsneRun = runs.find((r) => r.name === 'analyze/tsne-digits')!;
    const points = store.media(tsneRun.id, { kind: 'points' });
    assert.equal(points.length, 1);
    assert.equal(store.media(tsneRun.id, { kind: 'figure' }).length, 1);
    const kmRun = runs.find((r) => r.name === 'analyze/kmeans-digits-k3')!;
    assert.equal(store.lastScalars(kmRun.id)['kmeans/purity'].value, 1);
    // What they log while computing: t-SNE's KL every 50 iterations, the inertia of each k-means restart.
    assert.deepEqual(store.scalars(tsneRun.id, { tag: 'tsne/progress/kl' }).map((p) => p.step), [50, 100, 150, 200, 250, 300]);
    assert.deepEqual(store.scalars(kmRun.id, { tag: 'kmeans/restart_inertia' }).map((p) => p.step), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(Math.min(...store.scalars(kmRun.id, { tag: 'kmeans/restart_inertia' }).map((p) => p.value)), store.lastScalars(kmRun.id)['kmeans/inertia'].value);
    assert.deepEqual(runs.map((r) => r.status), ['finished', 'finished']);
    assert.match(km, /recorded run \w+ in /);
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('unknown dataset is a clear error', () => {
  assert.throws(() => loadForAnalysis('usps'), /unknown dataset 'usps' \(known: digits, mnist\)/);
});
