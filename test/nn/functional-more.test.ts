/** nn.F additions: oneHot, normalize, cosineSimilarity, functional conv / pool forms, option checks. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as A2 from '../../src/autograd/index.js';
import { F } from '../../src/nn/index.js';
import { Conv2d } from '../../src/nn/conv.js';
import { tensor } from '../../src/tensor/creation.js';
import { assertClose, checkGrad, rnd } from '../helpers.js';

test('oneHot and normalize', () => {
  const h = F.oneHot(tensor([2, 0], { dtype: 'int32' }), 3);
  assert.equal(h.dtype, 'int32');
  assert.deepEqual(Array.from(h.data), [0, 0, 1, 1, 0, 0]);
  assert.deepEqual(F.oneHot(tensor([[1, 3]], { dtype: 'int32' })).shape, [1, 2, 4]);
  assertClose(F.normalize(tensor([[3, 4]])), [0.6, 0.8], 1e-6);
  assertClose(F.normalize(tensor([[0, 0]])), [0, 0]);
  assertClose(F.cosineSimilarity(tensor([[1, 0]]), tensor([[1, 1]])), [Math.SQRT1_2], 1e-6);
});

test('F.conv2d equals the Conv2d module with the same weights', () => {
  const m = new Conv2d(4, 2, 3, { groups: 2, padding: 'same', paddingMode: 'zeros' });
  const x = rnd([1, 4, 5, 5], 1).float();
  assertClose(F.conv2d(x, m.weight, m.bias, { groups: 2, padding: 'same' }), m.forward(x), 1e-6);
});

test('gradient checks', () => {
  checkGrad((x) => F.normalize(x, { p: 3, dim: 0 }), [rnd([3, 2], 1)]);
  checkGrad((x, w) => F.conv1d(x, w, null, { groups: 3, padding: 'same' }), [rnd([2, 3, 5], 2), rnd([6, 1, 4], 3)]);
  checkGrad((x, w, b) => F.conv2d(x, w, b, { stride: 2, padding: [1, 0], groups: 2 }), [rnd([1, 2, 5, 4], 4), rnd([2, 1, 3, 2], 5), rnd([2], 6)]);
});

test('named errors', () => {
  assert.throws(() => F.oneHot(tensor([3], { dtype: 'int32' }), 2), /oneHot: class value 3 is outside \[0, 2\)/);
  assert.throws(() => F.oneHot(tensor([1])), /oneHot: expected an int32 tensor/);
  assert.throws(() => F.normalize(rnd([2, 2]), { dimension: 0 } as never), /normalize: unknown option 'dimension'/);
  assert.throws(() => F.conv2d(rnd([1, 3, 4, 4]), rnd([2, 2, 3, 3]), null, { groups: 2 }), /conv2d: groups 2 must divide the input channels 3/);
});

test('F.embedding equals the Embedding module; F.maxUnpool2d inverts F.maxPool2dWithIndices on the maxima', () => {
  const w = rnd([5, 3], 7).float().requiresGrad_(true);
  const idx = tensor([[1, 4], [4, 0]], { dtype: 'int32' });
  const y = F.embedding(idx, w, { paddingIdx: 4 });
  assert.deepEqual(y.shape, [2, 2, 3]);
  y.sum().backward();
  assert.deepEqual(Array.from(w.grad?.data ?? []).slice(12), [0, 0, 0], 'padding row gets no gradient');
  const x = rnd([1, 1, 4, 4], 8).float();
  const r = F.maxPool2dWithIndices(x, 2);
  const u = F.maxUnpool2d(r.output, r.indices, 2);
  assert.equal(A2.sum(A2.ne(u, 0)).item(), 4);
  assert.throws(() => F.embedding(idx, w, { padding_idx: 1 } as never), /embedding: unknown option 'padding_idx' \(did you mean 'paddingIdx'\?\)/);
});
