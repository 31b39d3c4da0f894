/** Embedding: lookup, padding row without gradient, pre-trained vectors frozen or not, range errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as A from '../../src/autograd/index.js';
import { Embedding } from '../../src/nn/embedding.js';
import { tensor } from '../../src/tensor/creation.js';
import { assertClose } from '../helpers.js';
import { checkModuleGrad } from './module-check.js';

test('Embedding looks rows up for any index shape', () => {
  const e = Embedding.fromPretrained(tensor([[0, 1], [2, 3], [4, 5]]), { freeze: false });
  const y = e.forward(tensor([[2, 0], [1, 1]], { dtype: 'int32' }));
  assert.deepEqual(y.shape, [2, 2, 2]);
  assertClose(y, [4, 5, 0, 1, 2, 3, 2, 3]);
});

test('the padding row gets no gradient and starts at zero', () => {
  const e = new Embedding(4, 3, { paddingIdx: 1 });
  assertClose(e.weight.data.subarray(3, 6), [0, 0, 0]);
  e.weight.data.fill(1);
  A.backward(A.sum(e.forward(tensor([1, 2, 1, 0], { dtype: 'int32' }))));
  assertClose(e.weight.grad as never, [1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0]);
});

test('fromPretrained freezes by default and keeps the vectors', () => {
  const v = tensor([[1, 2], [3, 4]]);
  const frozen = Embedding.fromPretrained(v);
  assert.equal(frozen.weight.requiresGrad, false);
  assert.equal(Embedding.fromPretrained(v, { freeze: false }).weight.requiresGrad, true);
  assertClose(Embedding.fromPretrained(v, { paddingIdx: 0 }).forward(tensor([0], { dtype: 'int32' })), [1, 2]);
});

test('Embedding passes the gradient check', () => {
  // The padding row is left out: by design its gradient is zero while the output depends on it.
  checkModuleGrad(new Embedding(5, 3, { paddingIdx: 2 }), [tensor([[0, 3, 4], [4, 1, 1]], { dtype: 'int32' })]);
});

test('an index out of range names the index, position and table size', () => {
  const e = new Embedding(10, 2);
  assert.throws(() => e.forward(tensor([1, 12, 3], { dtype: 'int32' })), /Embedding: index 12 at position 1 of \[3\] is out of range for 10 embeddings/);
  assert.throws(() => e.forward(tensor([-1], { dtype: 'int32' })), /index -1/);
  assert.throws(() => e.forward(tensor([1.5])), /int32/);
});

test('maxNorm renormalises looked-up rows in place; scaleGradByFreq divides by the count', async () => {
  const { tensor: T } = await import('../../src/tensor/creation.js');
  const A2 = await import('../../src/autograd/index.js');
  const e = new Embedding(3, 2, { maxNorm: 1 });
  e.weight.data.set([3, 4, 0.3, 0.4, 6, 8]);
  e.forward(T([0, 1], { dtype: 'int32' }));
  assert.ok(Math.abs(e.weight.data[0] - 0.6) < 1e-6 && Math.abs(e.weight.data[1] - 0.8) < 1e-6);
  assert.ok(Math.abs(e.weight.data[2] - 0.3) < 1e-7, 'a row under maxNorm stays');
  assert.equal(e.weight.data[4], 6, 'a row not looked up stays');
  const f = new Embedding(3, 2, { scaleGradByFreq: true });
  A2.backward(A2.sum(f.forward(T([1, 1, 1, 2], { dtype: 'int32' }))));
  assert.deepEqual(Array.from(f.weight.grad?.data ?? []), [0, 0, 1, 1, 1, 1]);
  assert.throws(() => new Embedding(3, 2, { maxNorm: -1 }), /Embedding: (option ')?maxNorm'? must be > 0, got -1/);
});
