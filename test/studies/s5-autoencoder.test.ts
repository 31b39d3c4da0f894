import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DIGITS_PATH } from '../../src/data/datasets/digits.js';
import { manualSeed } from '../../src/tensor/random.js';
import { randn } from '../../src/tensor/creation.js';
import { AutoEncoder, clusterDigits, s5Autoencoder } from '../../src/studies/s5-autoencoder.js';
import { StudyTracking } from '../../src/studies/tracking.js';
import { RunStore } from '../../src/track/store.js';

test('AutoEncoder maps 64 → code → 64 with outputs in (0, 1) and codes in (−1, 1)', () => {
  const ae = new AutoEncoder(64, 100, 3, manualSeed(1));
  const x = randn([5, 64], { generator: manualSeed(2) });
  const z = ae.encode(x);
  assert.deepEqual(z.shape, [5, 3]);
  assert.ok(Array.from(z.data).every((v) => v > -1 && v < 1));
  const r = ae.reconstruct(x);
  assert.deepEqual(r.shape, [5, 64]);
  assert.ok(Array.from(r.data).every((v) => v > 0 && v < 1));
  assert.equal(ae.countParameters(), 64 * 100 + 100 + 100 * 3 + 3 + 3 * 100 + 100 + 100 * 64 + 64);
});

test('clusterDigits: well separated groups get purity 1 and ARI 1', () => {
  const rows = 50;
  const data = new Float32Array(rows * 2);
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    labels[i] = i % 10;
    data[2 * i] = 10 * (i % 10) + 0.01 * i;
    data[2 * i + 1] = -5 * (i % 10);
  }
  const c = clusterDigits({ data, rows, cols: 2 }, labels, 0);
  assert.equal(c.purity, 1);
  assert.ok(Math.abs(c.ari - 1) < 1e-12);
  assert.equal(c.perCluster.length, 10);
});

test('s5-autoencoder logs reconstructions, codes, t-SNE points and k-means scores', { skip: !existsSync(DIGITS_PATH) && 'python3-sklearn is not installed' }, async () => {
  const store = RunStore.open(join(mkdtempSync(join(tmpdir(), 'gradlab-s5-ae-')), 'runs.db'));
  const tracking = new StudyTracking(store, 's5-autoencoder', 1);
  const lines: string[] = [];
  const r = await s5Autoencoder.run({ epochs: 15, seed: 1, log: (l) => lines.push(l), tracking, params: { codes: '2', tsne: '120' } });
  tracking.finish();
  const raw = r.raw as { purity: number; ari: number };
  // k-means on the raw 8×8 pixels (sklearn gets about 0.79 / 0.67 too).
  assert.ok(raw.purity > 0.7 && raw.purity < 0.9, `raw purity ${raw.purity}`);
  assert.ok(raw.ari > 0.55 && raw.ari < 0.8, `raw ARI ${raw.ari}`);
  const [code] = r.codes as { code: number; purity: number; ari: number; testLoss: number }[];
  assert.equal(code.code, 2);
  assert.ok(code.purity > 0.3 && code.purity < 0.9, `code purity ${code.purity}`);
  assert.ok(code.ari > 0.1 && code.ari < 0.8, `code ARI ${code.ari}`);
  assert.ok(code.testLoss > 0 && code.testLoss < 0.5, `test BCE ${code.testLoss}`);

  const [rawRun, codeRun] = tracking.runIds;
  const tsnePts = store.media(rawRun, { kind: 'points', tag: 'tsne' });
  assert.equal(tsnePts.length, 1);
  const tp = tsnePts[0].data as { dims: number; coords: number[]; labels: number[] };
  assert.equal(tp.dims, 2);
  assert.equal(tp.coords.length, 240);
  assert.equal(tp.labels.length, 120);
  assert.ok(tp.coords.every(Number.isFinite));
  const codePts = store.media(codeRun, { kind: 'points', tag: 'code' });
  assert.equal((codePts[0].data as { labels: number[] }).labels.length, 1797);
  const img = store.media(codeRun, { kind: 'image', tag: 'reconstructions' });
  assert.equal(img.length, 1);
  const im = img[0].data as { width: number; height: number; png: Uint8Array };
  assert.deepEqual([im.width, im.height], [10 * 9 + 1, 4 * 9 + 1]);
  assert.deepEqual(Array.from(im.png.subarray(1, 4)), [0x50, 0x4e, 0x47]); // 'PNG'
  const last = store.lastScalars(codeRun);
  assert.ok(Math.abs(last['kmeans/purity'].value - code.purity) < 1e-12);
  assert.equal(store.media(codeRun, { kind: 'matrix', tag: 'kmeans/contingency' }).length, 1);
  assert.ok(lines.some((l) => l.startsWith('  raw pixels (64-d)')));
  store.close();
});
