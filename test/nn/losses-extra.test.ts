/** Extra losses: values from their definitions, reductions, gradient checks, shape errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as L from '../../src/nn/losses-extra.js';
import { tensor } from '../../src/tensor/creation.js';
import { assertClose, checkGrad, rnd } from '../helpers.js';

const p = tensor([0.2, 0.9]);
const t = tensor([0, 1]);

test('loss values and reductions', () => {
  assertClose(new L.BCELoss().forward(p, t), (-Math.log(0.8) - Math.log(0.9)) / 2, 1e-6);
  const x = tensor([1, -2]);
  const pw = tensor([3]);
  const sp = (v: number): number => Math.log1p(Math.exp(v));
  assertClose(new L.BCEWithLogitsLoss({ posWeight: pw, reduction: 'sum' }).forward(x, tensor([1, 0])), 3 * sp(-1) + sp(-2), 1e-6);
  assertClose(new L.L1Loss('none').forward(tensor([1, 2]), tensor([3, 1])), [2, 1]);
  assertClose(new L.SmoothL1Loss({ beta: 0.5, reduction: 'none' }).forward(tensor([0, 0]), tensor([0.2, 2])), [0.04, 1.75]);
  assertClose(new L.HuberLoss({ delta: 0.5, reduction: 'none' }).forward(tensor([0, 0]), tensor([0.2, 2])), [0.02, 0.875]);
  const lp = tensor([Math.log(0.25), Math.log(0.75)]);
  const q = tensor([0.5, 0.5]);
  const kl = 0.5 * Math.log(0.5 / 0.25) + 0.5 * Math.log(0.5 / 0.75);
  assertClose(new L.KLDivLoss({ reduction: 'sum' }).forward(lp, q), kl, 1e-6);
  assertClose(new L.KLDivLoss({ reduction: 'batchmean' }).forward(lp.reshape([1, 2]), q.reshape([1, 2])), kl, 1e-6);
  assertClose(new L.KLDivLoss({ reduction: 'sum', logTarget: true }).forward(lp, q.log()), kl, 1e-6);
  assertClose(new L.KLDivLoss({ reduction: 'sum' }).forward(lp, tensor([0, 1])), -Math.log(0.75), 1e-6);
  assertClose(new L.GaussianNLLLoss({ full: true }).forward(tensor([1]), tensor([3]), tensor([2])), 0.5 * (Math.log(2) + 2 + Math.log(2 * Math.PI)), 1e-6);
  assertClose(new L.PoissonNLLLoss().forward(tensor([0.5]), tensor([2])), Math.exp(0.5) - 1, 1e-6);
  const st = 3 * Math.log(3) - 3 + 0.5 * Math.log(6 * Math.PI);
  assertClose(new L.PoissonNLLLoss({ logInput: false, full: true, reduction: 'none' }).forward(tensor([2, 2]), tensor([3, 1])), [2 - 3 * Math.log(2 + 1e-8) + st, 2 - Math.log(2 + 1e-8)], 1e-5);
  const s = tensor([[0.1, 0.2, 0.4]]);
  const y = tensor([2], { dtype: 'int32' });
  assertClose(new L.MultiMarginLoss().forward(s, y), (0.7 + 0.8) / 3, 1e-6);
  assertClose(new L.MultiMarginLoss({ p: 2, margin: 0.5, weight: tensor([1, 1, 2]) }).forward(s, y), (2 * (0.04 + 0.09)) / 3, 1e-6);
  assertClose(new L.HingeEmbeddingLoss({ reduction: 'none' }).forward(tensor([0.3, 0.3, 2]), tensor([1, -1, -1])), [0.3, 0.7, 0]);
});

test('losses pass the gradient check', () => {
  const x = rnd([2, 3], 1);
  const target01 = rnd([2, 3], 2, 0, 1);
  checkGrad((a) => L.binaryCrossEntropy(a, target01, { weight: rnd([3], 3, 0.5, 1) }), [rnd([2, 3], 4, 0.1, 0.9)]);
  checkGrad((a) => L.binaryCrossEntropyWithLogits(a, target01, { posWeight: rnd([3], 5, 0.5, 2) }), [x]);
  checkGrad((a) => L.l1Loss(a, rnd([2, 3], 6)), [x]);
  checkGrad((a) => L.smoothL1Loss(a, rnd([2, 3], 7), { beta: 0.3 }), [x]);
  checkGrad((a) => L.klDiv(a.logSoftmax(1), rnd([2, 3], 8, 0, 1), { reduction: 'batchmean' }), [x]);
  checkGrad((a, v) => L.gaussianNllLoss(a, rnd([2, 3], 9), v), [x, rnd([2], 10, 0.5, 2)]);
  checkGrad((a) => L.poissonNllLoss(a, rnd([2, 3], 11, 0, 4), { full: true }), [x]);
  checkGrad((a) => L.multiMarginLoss(a, tensor([2, 0], { dtype: 'int32' }), { p: 2, margin: 0.8 }), [x]);
  checkGrad((a) => L.hingeEmbeddingLoss(a, tensor([[1, -1, -1], [-1, 1, -1]], { dtype: 'float64' })), [x]);
});

test('shape errors name both shapes', () => {
  assert.throws(() => L.l1Loss(rnd([2, 3]), rnd([3, 2])), /l1Loss: input \[2,3\] and target \[3,2\] must have the same shape/);
  assert.throws(() => L.gaussianNllLoss(rnd([2, 3]), rnd([2, 3]), rnd([3])), /var \[3\] does not fit input \[2,3\]/);
  assert.throws(() => L.multiMarginLoss(rnd([2, 3]), tensor([0, 5], { dtype: 'int32' })), /outside \[0, 3\)/);
});
