/** MultiheadAttention: weights sum to one, key padding masks, head averaging, gradients, errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as A from '../../src/autograd/index.js';
import { MultiheadAttention } from '../../src/nn/attention.js';
import { tensor } from '../../src/tensor/creation.js';
import { Generator } from '../../src/tensor/random.js';
import { assertClose, rnd } from '../helpers.js';
import { checkModuleGrad } from './module-check.js';

test('attention weights are averaged over heads, sum to one and skip padded keys', () => {
  const mha = new MultiheadAttention(4, 2, { batchFirst: true, generator: new Generator(1) });
  const x = rnd([2, 3, 4], 2);
  const mask = tensor([[0, 0, 1], [0, 0, 0]], { dtype: 'int32' });
  const r = mha.attend(x, x, x, { keyPaddingMask: mask });
  assert.deepEqual(r.output.shape, [2, 3, 4]);
  const w = r.weights as never as { shape: number[]; data: Float64Array };
  assert.deepEqual(w.shape, [2, 3, 3]);
  assertClose(A.sum(r.weights as never, -1), [1, 1, 1, 1, 1, 1]);
  for (let i = 0; i < 3; i++) assert.equal(w.data[i * 3 + 2], 0);
  const perHead = mha.attend(x, x, x, { averageAttnWeights: false }).weights;
  assert.deepEqual(perHead?.shape, [2, 2, 3, 3]);
});

test('sequence-first layout gives the same result as batch-first', () => {
  const a = new MultiheadAttention(4, 2, { batchFirst: true, generator: new Generator(3) });
  const b = new MultiheadAttention(4, 2, { generator: new Generator(4) });
  b.loadStateDict(a.stateDict());
  const x = rnd([2, 3, 4], 5);
  assertClose(A.transpose(b.forward(A.transpose(x, 0, 1)), 0, 1), a.forward(x), 1e-6);
});

test('MultiheadAttention passes the gradient check (cross-attention with masks)', () => {
  const mha = new MultiheadAttention(4, 2, { batchFirst: true, generator: new Generator(6) });
  const mask = tensor([[0, 0, 1, 1], [0, 0, 0, 1]], { dtype: 'int32' });
  const attnMask = rnd([2, 4], 9);
  checkModuleGrad(mha, [rnd([2, 2, 4], 7), rnd([2, 4, 4], 8)], (m, q, kv) => m.attend(q, kv, kv, { keyPaddingMask: mask, attnMask }).output);
});

test('bad shapes are named', () => {
  assert.throws(() => new MultiheadAttention(5, 2), /embedDim 5 must be divisible by numHeads 2/);
  const mha = new MultiheadAttention(4, 1);
  assert.throws(() => mha.forward(rnd([3, 2, 5])), /query must be \[L, B, E\] with E = 4, got \[3,2,5\]/);
  assert.throws(() => mha.attend(rnd([3, 2, 4]), undefined, undefined, { keyPaddingMask: tensor([[0, 0]], { dtype: 'int32' }) }), /keyPaddingMask must be \[B, S\] = \[2, 3\]/);
});

test('kdim / vdim, addBiasKv and addZeroAttn: gradient check and named errors', async () => {
  const { checkModuleGrad } = await import('./module-check.js');
  const m = new MultiheadAttention(4, 2, { kdim: 3, vdim: 5, addBiasKv: true, addZeroAttn: true, batchFirst: true });
  assert.equal(m.inProjWeight, null);
  assert.deepEqual(m.kProjWeight?.shape, [4, 3]);
  checkModuleGrad(m, [rnd([2, 3, 4], 1), rnd([2, 2, 3], 2), rnd([2, 2, 5], 3)], (mm, q, k, v) => mm.attend(q, k, v, { attnMask: rnd([3, 2], 4) }).output);
  assert.throws(() => m.attend(rnd([2, 3, 4]).float(), rnd([2, 2, 4]).float(), rnd([2, 2, 5]).float()), /key must be \[B, L, kdim\] with kdim = 3, got \[2,2,4\]/);
});
