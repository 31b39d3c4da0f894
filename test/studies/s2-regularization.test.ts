import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BatchNorm1d, Dropout, LayerNorm } from '../../src/nn/index.js';
import { Generator } from '../../src/tensor/random.js';
import { s2Data, s2Model, s2Regularization, trainS2, variantConfig, type S2Row } from '../../src/studies/s2-regularization.js';
import { StudyTracking } from '../../src/studies/tracking.js';
import { RunStore } from '../../src/track/store.js';

test('variantConfig and s2Model build each variant of the 784-100-100-100-10 MLP', () => {
  const count = (name: string, cls: abstract new (...a: never[]) => unknown): number =>
    s2Model(variantConfig(name), new Generator(1)).layers.filter((m) => m instanceof cls).length;
  assert.equal(count('dropout', Dropout), 3);
  assert.equal(count('none', Dropout), 0);
  assert.equal(count('batchnorm', BatchNorm1d), 3);
  assert.equal(count('layernorm', LayerNorm), 3);
  assert.deepEqual(variantConfig('kept'), { dropout: 0.47, l1: 0.001, l2: 0, norm: 'none', decay: 0.009 });
  assert.deepEqual(variantConfig('kept', { dropout: 0.3 }).dropout, 0.3);
  assert.equal(s2Model(variantConfig('none'), new Generator(1)).countParameters(), 784 * 100 + 100 + 2 * (100 * 100 + 100) + 100 * 10 + 10);
  assert.throws(() => variantConfig('mixup'), /unknown variant 'mixup' \(known: none, dropout/);
});

test('s2Data keeps 5% of the training and validation splits and the whole test split, disjoint', () => {
  const d = s2Data(new Generator(3));
  assert.deepEqual([d.train.length, d.val.length, d.test.length], [400, 50, 1000]);
  const all = new Set([...d.train.indices, ...d.val.indices, ...d.test.indices]);
  assert.equal(all.size, 1450);
});

test('s2-regularization logs train/val/test curves, histograms and the decayed learning rate per variant', async () => {
  const store = RunStore.open(join(mkdtempSync(join(tmpdir(), 'gradlab-s2-')), 'runs.db'));
  const tracking = new StudyTracking(store, 's2-regularization', 1);
  const lines: string[] = [];
  const r = await s2Regularization.run({ epochs: 8, seed: 1, log: (l) => lines.push(l), tracking, params: { variants: 'none,decay' } });
  tracking.finish();
  const rows = r.variants as S2Row[];
  assert.deepEqual(rows.map((x) => x.variant), ['none', 'decay']);
  for (const row of rows) {
    assert.ok(row.testAccuracy > 0.3 && row.testAccuracy <= 1, `${row.variant} test accuracy ${row.testAccuracy}`);
    assert.ok(row.bestValAccuracy > 0.3, `${row.variant} best val accuracy ${row.bestValAccuracy}`);
  }
  assert.equal(r.testAccuracy, rows[0].testAccuracy); // no 'kept' run: the first variant's
  const [none, decay] = tracking.runIds;
  for (const tag of ['train/loss', 'val/loss', 'test/loss', 'train/accuracy', 'val/accuracy', 'test/accuracy']) {
    assert.equal(store.scalars(none, { tag }).length, 8, tag);
  }
  const lr = store.scalars(decay, { tag: 'lr' }).map((s) => s.value);
  assert.ok(Math.abs(lr[0] - 1e-3) < 1e-12 && Math.abs(lr[7] - 1e-3 / (1 + 0.009 * 7)) < 1e-12, JSON.stringify(lr));
  assert.ok(store.scalars(none, { tag: 'lr' }).every((s) => s.value === 1e-3));
  const tags = store.tags(none).histograms;
  assert.ok(tags.includes('weights/0.weight') && tags.includes('grads/6.weight'), tags.join(', '));
  // Initial weights at step 0, then one histogram per epoch.
  assert.equal(store.histograms(none, { tag: 'weights/0.weight' }).length, 9);
  assert.equal(store.getRun(decay).config.decay, 0.009);
  assert.ok(lines.some((l) => /^decay\s+0\.\d{3} \(\s*\d+\)/.test(l)), lines.join('\n'));
  store.close();
});

test('the L1 and L2 variants shrink the weights', async () => {
  const data = s2Data(new Generator(5));
  const total = async (name: string, f: (v: number) => number): Promise<number> => {
    const { model } = await trainS2({ config: variantConfig(name, { l1: 0.01, l2: 0.01 }), data, epochs: 3, gen: new Generator(9), testEachEpoch: false, keepBest: false });
    return model.parameters().reduce((a, p) => a + Array.from(p.data).reduce((b, v) => b + f(v), 0), 0);
  };
  const sq = (v: number): number => v * v;
  assert.ok((await total('l1', Math.abs)) < 0.8 * (await total('none', Math.abs)), 'L1 shrinks the sum of |θ|');
  assert.ok((await total('l2', sq)) < 0.9 * (await total('none', sq)), 'L2 shrinks the sum of θ²');
});
