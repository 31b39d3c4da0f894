/** The S3 poolings: mean baseline, learned / text / MLP queries, value network, masks and weights. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as A from '../../src/autograd/index.js';
import { AttentionPooling, MeanPooling } from '../../src/nn/pooling-attention.js';
import { tensor } from '../../src/tensor/creation.js';
import { Generator } from '../../src/tensor/random.js';
import { assertClose, rnd } from '../helpers.js';
import { checkModuleGrad } from './module-check.js';

const mask = tensor([[0, 0, 1], [0, 0, 0]], { dtype: 'int32' });

test('MeanPooling averages the real tokens and reports uniform weights', () => {
  const x = tensor([[[1, 2], [3, 4], [100, 100]], [[1, 1], [2, 2], [3, 3]]]);
  const r = new MeanPooling(2).pool(x, mask);
  assertClose(r.output, [2, 3, 2, 2]);
  assertClose(r.weights, [0.5, 0.5, 0, 1 / 3, 1 / 3, 1 / 3], 1e-6);
});

test('learned-query attention is softmax(q·x_i) over the real tokens', () => {
  const p = new AttentionPooling(2);
  p.q?.data.set([1, 0]);
  const x = tensor([[[1, 0], [2, 0], [9, 9]]]);
  const r = p.pool(x, tensor([[0, 0, 1]], { dtype: 'int32' }));
  const e = Math.exp(1) / (Math.exp(1) + Math.exp(2));
  assertClose(r.weights, [e, 1 - e, 0], 1e-6);
  assertClose(r.output, [e + 2 * (1 - e), 0], 1e-6);
});

test('every pooling passes the gradient check and its weights sum to one', () => {
  for (const o of [{ query: 'learned' }, { query: 'linear' }, { query: 'mlp', hidden: 3 }, { query: 'linear', value: true }] as const) {
    const p = new AttentionPooling(2, { ...o, generator: new Generator(1) });
    const x = rnd([2, 3, 2], 2);
    assertClose(A.sum(p.pool(x, mask).weights, 1), [1, 1], 1e-6);
    checkModuleGrad(p, [x], (m, xx) => m.pool(xx, mask).output);
  }
  checkModuleGrad(new MeanPooling(2), [rnd([2, 3, 2], 3)], (m, xx) => m.pool(xx, mask).output);
  assert.throws(() => new MeanPooling(2).pool(rnd([2, 3, 2]), tensor([[0, 0]], { dtype: 'int32' })), /mask must be \[B, T\] = \[2, 3\]/);
});
