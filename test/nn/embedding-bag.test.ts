/** EmbeddingBag: modes against per-bag lookups, scaleGradByFreq by hand, gradient checks, named errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as A from '../../src/autograd/index.js';
import { EmbeddingBag } from '../../src/nn/embedding-bag.js';
import { toDouble } from '../../src/nn/module-utils.js';
import { tensor } from '../../src/tensor/creation.js';
import { assertClose, checkGrad, rnd } from '../helpers.js';
import { checkModuleGrad } from './module-check.js';

const idx = tensor([1, 2, 4, 4, 0], { dtype: 'int32' });
const offsets = tensor([0, 2, 2], { dtype: 'int32' });

test('sum, mean and max of each bag; empty bags are zeros', () => {
  for (const mode of ['sum', 'mean', 'max'] as const) {
    const m = new EmbeddingBag(5, 3, { mode });
    const w = m.weight;
    const bag = (rows: number[]): Tensor => {
      const r = A.indexSelect(w, 0, rows);
      return mode === 'sum' ? A.sum(r, 0) : mode === 'mean' ? A.mean(r, 0) : A.max(r, 0);
    };
    const out = m.forward(idx, offsets);
    assertClose(A.select(out, 0, 0), bag([1, 2]), 1e-6);
    assertClose(A.select(out, 0, 1), [0, 0, 0]);
    assertClose(A.select(out, 0, 2), bag([4, 4, 0]), 1e-6);
  }
});

test('scaleGradByFreq divides each row gradient by its count (the documented rule)', () => {
  const m = new EmbeddingBag(5, 1, { mode: 'sum', scaleGradByFreq: true });
  A.backward(A.sum(m.forward(tensor([1, 1, 3], { dtype: 'int32' }), tensor([0], { dtype: 'int32' }))));
  assert.deepEqual(Array.from(m.weight.grad?.data ?? []), [0, 1, 0, 1, 0]);
});

test('gradient checks', () => {
  const m = toDouble(new EmbeddingBag(5, 3, { mode: 'sum' }));
  checkGrad((w) => m.forward(idx, offsets, w), [rnd([5], 1)]);
  for (const mode of ['sum', 'mean', 'max'] as const) {
    checkModuleGrad(new EmbeddingBag(5, 2, { mode, paddingIdx: 2 }), [tensor([[1, 2, 4], [4, 0, 3]], { dtype: 'int32' })]);
  }
});

test('named errors', () => {
  assert.throws(() => new EmbeddingBag(5, 2, { mode: 'avg' } as never), /EmbeddingBag: option 'mode' must be one of 'sum', 'mean', 'max', got 'avg'/);
  assert.throws(() => new EmbeddingBag(5, 2, { sparse: true } as never), /EmbeddingBag: option 'sparse' must be one of false/);
  assert.throws(() => new EmbeddingBag(5, 2).forward(idx, offsets, rnd([5])), /perSampleWeights only work with mode 'sum'/);
  assert.throws(() => new EmbeddingBag(5, 2).forward(idx), /a 1-d input needs offsets/);
  assert.throws(() => new EmbeddingBag(5, 2).forward(tensor([7], { dtype: 'int32' }), tensor([0], { dtype: 'int32' })), /index 7 at position 0 is out of range/);
});

type Tensor = ReturnType<typeof tensor>;
