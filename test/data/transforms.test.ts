/** Transforms: exact values on small images, per-sample randomness in batches, seeding, errors. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TensorDataset } from '../../src/data/dataset.js';
import { Compose, GaussianNoise, Normalize, RandomCrop, RandomHorizontalFlip, RandomRotation, TransformedDataset } from '../../src/data/transforms.js';
import { Generator } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { assertClose } from '../helpers.js';

const img3 = () => new Tensor(Float32Array.from([0, 1, 0, 0, 0, 0, 0, 0, 0]), [1, 3, 3]);

test('Normalize per channel', () => {
  const x = new Tensor(Float32Array.from([1, 3, 10, 20]), [2, 1, 2]);
  assert.deepEqual([...new Normalize([1, 10], [2, 5]).apply(x).data], [0, 1, 0, 2]);
  assert.throws(() => new Normalize([0, 0, 0], [1, 1, 1]).apply(x), /3 channel means for 2 channels/);
});

test('rotation by exactly 90° moves the top-middle pixel to the left-middle (counter-clockwise)', () => {
  for (const interpolation of ['nearest', 'bilinear'] as const) {
    const y = new RandomRotation([90, 90], { interpolation }).apply(img3());
    assertClose(y.data, [0, 0, 0, 1, 0, 0, 0, 0, 0], 1e-6);
  }
  const y = new RandomRotation([180, 180]).apply(new Tensor(Float32Array.from([1, 2, 3, 4]), [2, 2]));
  assertClose(y.data, [4, 3, 2, 1], 1e-6);
});

test('bilinear rotation by 45° spreads a pixel, nearest keeps values, outside is filled', () => {
  const x = new Tensor(Float32Array.from({ length: 9 }, () => 1), [3, 3]);
  const y = new RandomRotation([45, 45], { fill: 0 }).apply(x);
  assert.equal(y.data[4], 1);
  assert.ok(y.data[0] > 0 && y.data[0] < 1, `corner ${y.data[0]}`);
  const z = new RandomRotation([45, 45], { interpolation: 'nearest', fill: -1 }).apply(x);
  for (const v of z.data) assert.ok(v === 1 || v === -1);
});

test('random crop with padding: 2×2 windows of a padded 2×2 image, shape and values', () => {
  const x = new Tensor(Float32Array.from([1, 2, 3, 4]), [1, 1, 2, 2]);
  const seen = new Set<string>();
  const g = new Generator(1);
  for (let k = 0; k < 200; k++) {
    const y = new RandomCrop(2, { padding: 1 }).apply(x, g);
    assert.deepEqual(y.shape, [1, 1, 2, 2]);
    seen.add([...y.data].join(','));
  }
  // 3×3 possible offsets over the 4×4 padded image.
  assert.equal(seen.size, 9);
  assert.ok(seen.has('1,2,3,4') && seen.has('0,0,0,1') && seen.has('4,0,0,0'));
  assert.throws(() => new RandomCrop(5).apply(x), /crop 5×5 is larger than the padded image 2×2/);
});

test('flip: p=1 mirrors every sample, p=0 none; a batch draws per sample', () => {
  const x = new Tensor(Float32Array.from([1, 2, 3, 4]), [2, 1, 1, 2]);
  assert.deepEqual([...new RandomHorizontalFlip(1).apply(x).data], [2, 1, 4, 3]);
  assert.deepEqual([...new RandomHorizontalFlip(0).apply(x).data], [1, 2, 3, 4]);
  const big = new Tensor(Float32Array.from({ length: 400 }, (_, i) => i % 2), [200, 1, 1, 2]);
  const f = new RandomHorizontalFlip(0.5).apply(big, new Generator(3));
  let flipped = 0;
  for (let i = 0; i < 200; i++) flipped += f.data[2 * i];
  assert.ok(flipped > 70 && flipped < 130, `${flipped} of 200 flipped`);
});

test('Gaussian noise: mean and std as asked, clipping', () => {
  const x = new Tensor(new Float64Array(20000), [100, 200]);
  const y = new GaussianNoise(0.5, 1).apply(x, new Generator(2));
  let m = 0, v = 0;
  for (const a of y.data) m += a / y.size;
  for (const a of y.data) v += (a - m) ** 2 / y.size;
  assert.ok(Math.abs(m - 1) < 0.02 && Math.abs(Math.sqrt(v) - 0.5) < 0.02, `mean ${m}, std ${Math.sqrt(v)}`);
  assert.equal(y.dtype, 'float64');
  const c = new GaussianNoise(10, 0, [0, 1]).apply(x);
  for (const a of c.data) assert.ok(a >= 0 && a <= 1);
});

test('Compose is seeded: same seed same output; applies in order', () => {
  const x = new Tensor(Float32Array.from({ length: 2 * 16 }, (_, i) => i / 32), [2, 1, 4, 4]);
  const mk = (seed: number) => new Compose([new RandomRotation(15), new RandomCrop(4, { padding: 1 }), new RandomHorizontalFlip(), new GaussianNoise(0.01), new Normalize(0.5, 0.25)], { seed });
  assert.deepEqual(mk(7).apply(x).data, mk(7).apply(x).data);
  assert.notDeepEqual(mk(7).apply(x).data, mk(8).apply(x).data);
  assert.equal(String(mk(1)), 'Compose(RandomRotation → RandomCrop → RandomHorizontalFlip → GaussianNoise → Normalize)');
  assert.throws(() => new Normalize(0, 1).apply(new Tensor(new Int32Array(4), [2, 2])), /expects a float tensor, got int32/);
});

test('TransformedDataset transforms the image field per sample and per batch', () => {
  const ds = new TensorDataset(new Tensor(Float32Array.from([1, 2, 3, 4]), [2, 1, 1, 2]), new Tensor(Int32Array.from([0, 1]), [2]));
  const t = new TransformedDataset(ds, new RandomHorizontalFlip(1));
  assert.deepEqual([...t.get(1)[0].data], [4, 3]);
  const b = t.getBatch(Int32Array.from([1, 0]));
  assert.deepEqual([...b[0].data], [4, 3, 2, 1]);
  assert.deepEqual([...b[1].data], [1, 0]);
});
