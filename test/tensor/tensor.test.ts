import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as g from '../../src/index.js';

test('creation: shapes, dtypes and values', () => {
  const t = g.tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(t.shape, [2, 3]);
  assert.equal(t.dtype, 'float32');
  assert.deepEqual(t.toArray(), [[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(g.arange(5).toFlatArray(), [0, 1, 2, 3, 4]);
  assert.equal(g.arange(5).dtype, 'int32');
  assert.deepEqual(g.arange(0, 1, 0.25).toFlatArray(), [0, 0.25, 0.5, 0.75]);
  assert.deepEqual(g.full([2], 7).toFlatArray(), [7, 7]);
  assert.deepEqual(g.eye(2).toFlatArray(), [1, 0, 0, 1]);
  assert.deepEqual(g.linspace(0, 1, 3).toFlatArray(), [0, 0.5, 1]);
  assert.equal(g.zeros([3, 0]).size, 0);
});

test('ragged nested arrays are a clear error', () => {
  assert.throws(() => g.tensor([[1, 2], [3]]), /ragged nested array at values\[1\]: expected 2 elements/);
  assert.throws(() => new g.Tensor(new Float32Array(5), [2, 3]), /data has 5 elements but shape \[2,3\] needs 6/);
});

test('seeded generator: same seed, same numbers; different seed, different numbers', () => {
  const a = g.randn([100], { generator: new g.Generator(42) }).toFlatArray();
  const b = g.randn([100], { generator: new g.Generator(42) }).toFlatArray();
  const c = g.randn([100], { generator: new g.Generator(43) }).toFlatArray();
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  const n = 20000;
  const x = g.randn([n], { generator: new g.Generator(1) });
  const mean = x.mean().item();
  const sd = x.std().item();
  assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
  assert.ok(Math.abs(sd - 1) < 0.03, `std ${sd}`);
  const u = g.rand([n], { generator: new g.Generator(2) });
  assert.ok(u.min().item() >= 0 && u.max().item() < 1);
  assert.ok(Math.abs(u.mean().item() - 0.5) < 0.02);
});

test('printing looks like PyTorch and elides large tensors', () => {
  assert.equal(String(g.tensor([[1, 2], [3, 4]])), 'tensor([[1., 2.],\n        [3., 4.]], shape=[2,2])');
  assert.equal(String(g.tensor([0.5, -1.25])), 'tensor([ 0.5000, -1.2500])');
  assert.equal(String(g.arange(3)), 'tensor([0, 1, 2], dtype=int32)');
  const big = String(g.zeros([100, 100]));
  assert.match(big, /\.\.\./);
  assert.ok(big.split('\n').length === 7, big);
  assert.match(big, /shape=\[100,100\]/);
});

test('item() on a tensor of several values names the shape', () => {
  assert.throws(() => g.ones([2, 2]).item(), /item: tensor of shape \[2,2\] has 4 elements, expected 1/);
});
