/**
 * Every differentiable op: value against a direct computation and gradient against central
 * finite differences in float64 (checkGrad), broadcasting cases included.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as g from '../../src/index.js';
import { Tensor } from '../../src/index.js';
import { assertClose, checkGrad, rnd } from '../helpers.js';

const pos = (shape: number[], seed = 3): Tensor => rnd(shape, seed, 0.5, 2);

test('binary ops with broadcasting: gradients', () => {
  const cases: Array<[string, (a: Tensor, b: Tensor) => Tensor]> = [
    ['add', (a, b) => a.add(b)],
    ['sub', (a, b) => a.sub(b)],
    ['mul', (a, b) => a.mul(b)],
    ['div', (a, b) => a.div(b)],
    ['pow', (a, b) => a.pow(b)],
    ['maximum', (a, b) => a.maximum(b)],
    ['minimum', (a, b) => a.minimum(b)],
  ];
  const shapes: Array<[number[], number[]]> = [[[3, 4], [3, 4]], [[3, 4], [4]], [[2, 1, 4], [3, 1]], [[3, 4], []]];
  for (const [name, f] of cases) {
    for (const [sa, sb] of shapes) {
      const a = name === 'pow' ? pos(sa, 1) : rnd(sa, 1);
      const b = name === 'div' || name === 'pow' ? pos(sb, 2) : rnd(sb, 2);
      const r = g.gradcheck(f, [a, b]);
      assert.ok(r.ok, `${name} ${JSON.stringify(sa)} ${JSON.stringify(sb)}: ${r.message}`);
    }
  }
});

test('binary op values broadcast like NumPy', () => {
  const a = g.tensor([[1, 2, 3], [4, 5, 6]]);
  assertClose(a.add(g.tensor([10, 20, 30])), [11, 22, 33, 14, 25, 36]);
  assertClose(a.sub(g.tensor([[1], [2]])), [0, 1, 2, 2, 3, 4]);
  assertClose(a.div(2), [0.5, 1, 1.5, 2, 2.5, 3]);
  assertClose(g.sub(10, a), [9, 8, 7, 6, 5, 4]);
  assert.throws(() => a.add(g.ones([4])), /add: shapes \[2,3\] and \[4\] do not broadcast \(3 ≠ 4 at dim -1\)/);
});

test('unary ops: gradients', () => {
  const x = rnd([3, 5], 7);
  const fns: Array<[string, (t: Tensor) => Tensor, Tensor?]> = [
    ['neg', (t) => t.neg()], ['exp', (t) => t.exp()], ['log', (t) => t.log(), pos([3, 5])],
    ['sqrt', (t) => t.sqrt(), pos([3, 5])], ['rsqrt', (t) => t.rsqrt(), pos([3, 5])], ['abs', (t) => t.abs()],
    ['square', (t) => t.square()], ['reciprocal', (t) => t.reciprocal(), pos([3, 5])], ['tanh', (t) => t.tanh()],
    ['sigmoid', (t) => t.sigmoid()], ['relu', (t) => t.relu()], ['sin', (t) => t.sin()], ['cos', (t) => t.cos()],
    ['log1p', (t) => t.log1p(), pos([3, 5])], ['expm1', (t) => t.expm1()], ['softplus', (t) => t.softplus()],
    ['logSigmoid', (t) => t.logSigmoid()], ['erf', (t) => t.erf()], ['leakyRelu', (t) => t.leakyRelu(0.1)],
    ['clamp', (t) => t.clamp(-0.5, 0.5)],
  ];
  for (const [name, f, input] of fns) {
    const r = g.gradcheck(f, [input ?? x]);
    assert.ok(r.ok, `${name}: ${r.message}`);
  }
});

test('unary op values', () => {
  const x = g.tensor([-2, 0, 3]);
  assertClose(x.relu(), [0, 0, 3]);
  assertClose(x.sigmoid(), [1 / (1 + Math.exp(2)), 0.5, 1 / (1 + Math.exp(-3))]);
  assertClose(x.leakyRelu(0.1), [-0.2, 0, 3]);
  assertClose(x.clamp(-1, 1), [-1, 0, 1]);
  assertClose(g.tensor([-100, 100]).sigmoid(), [0, 1]);
  assertClose(g.tensor([0.5, 1.5, 2.5, -0.5]).round(), [0, 2, 2, -0]);
  assertClose(g.tensor([0.3]).erf(), [0.328626759], 1e-6);
});

test('comparisons and where', () => {
  const a = g.tensor([1, 2, 3]);
  assert.deepEqual(a.gt(2).toFlatArray(), [0, 0, 1]);
  assert.deepEqual(a.eq(g.tensor([1, 0, 3])).toFlatArray(), [1, 0, 1]);
  assert.deepEqual(g.where(a.ge(2), a, g.tensor(0)).toFlatArray(), [0, 2, 3]);
  const c = rnd([3, 4], 5).gt(0);
  checkGrad((x, y) => g.where(c, x, y), [rnd([3, 4], 1), rnd([4], 2)]);
});

test('reductions over dims with keepDim: values and gradients', () => {
  const x = g.tensor([[1, 5, 3], [4, 2, 6]]);
  assertClose(x.sum(), [21]);
  assertClose(x.sum(0), [5, 7, 9]);
  assert.deepEqual(x.sum(1, { keepDim: true }).shape, [2, 1]);
  assertClose(x.mean(1), [3, 4]);
  assertClose(x.max(1), [5, 6]);
  assertClose(x.min(0), [1, 2, 3]);
  assert.deepEqual(x.argmax(1).toFlatArray(), [1, 2]);
  assert.deepEqual(x.argmin().toFlatArray(), [0]);
  assertClose(x.var(1), [4, 4]);
  assertClose(x.var(1, { correction: 0 }), [8 / 3, 8 / 3], 1e-6);
  assertClose(x.logsumexp(1), [Math.log(Math.exp(1) + Math.exp(5) + Math.exp(3)), Math.log(Math.exp(4) + Math.exp(2) + Math.exp(6))], 1e-5);
  const r = rnd([2, 3, 4], 9);
  for (const dims of [undefined, 0, 1, 2, [0, 2], [-1]] as const) {
    checkGrad((t) => t.sum(dims as number[] | number | undefined), [r]);
    checkGrad((t) => t.mean(dims as number[] | number | undefined, { keepDim: true }), [r]);
    checkGrad((t) => t.max(dims as number[] | number | undefined), [r]);
    checkGrad((t) => t.min(dims as number[] | number | undefined), [r]);
    checkGrad((t) => t.var(dims as number[] | number | undefined), [r]);
    checkGrad((t) => t.logsumexp(dims as number[] | number | undefined), [r]);
  }
  checkGrad((t) => t.std(1), [r]);
  checkGrad((t) => t.prod(1), [pos([2, 3])]);
});

test('max splits the gradient between ties, as PyTorch amax', () => {
  const x = g.tensor([2, 2, 1], { dtype: 'float64', requiresGrad: true });
  x.max().backward();
  assertClose(x.grad!, [0.5, 0.5, 0]);
});

test('shape ops: values and gradients', () => {
  const x = g.arange(6).float().reshape([2, 3]);
  assert.deepEqual(x.transpose().toArray(), [[0, 3], [1, 4], [2, 5]]);
  assert.deepEqual(x.reshape([-1]).shape, [6]);
  assert.deepEqual(x.unsqueeze(0).shape, [1, 2, 3]);
  assert.deepEqual(x.unsqueeze(0).squeeze().shape, [2, 3]);
  assert.deepEqual(x.slice([null, { start: 1 }]).toArray(), [[1, 2], [4, 5]]);
  assert.deepEqual(x.slice([null, { step: 2 }]).toArray(), [[0, 2], [3, 5]]);
  assert.deepEqual(x.select(1, -1).toFlatArray(), [2, 5]);
  assert.deepEqual(x.indexSelect(1, [2, 0, 2]).toArray(), [[2, 0, 2], [5, 3, 5]]);
  assert.deepEqual(g.cat([x, x], 1).shape, [2, 6]);
  assert.deepEqual(g.stack([x, x], 0).shape, [2, 2, 3]);
  assert.deepEqual(x.split(2, 1).map((t) => t.shape), [[2, 2], [2, 1]]);
  assert.throws(() => x.reshape([4, 2]), /reshape: cannot reshape \[2,3\] \(6 elements\) into \[4,2\]/);
  assert.throws(() => g.cat([x, g.ones([3, 3])], 1), /cat: tensor 1 has shape \[3,3\]/);
  const r = rnd([2, 3, 4], 4);
  checkGrad((t) => t.permute([2, 0, 1]), [r]);
  checkGrad((t) => t.transpose(0, 2).reshape([4, 6]), [r]);
  checkGrad((t) => t.slice([{ start: 1 }, { start: 0, end: 3, step: 2 }]), [r]);
  checkGrad((t) => t.narrow(2, 1, 2), [r]);
  checkGrad((t) => t.select(1, 2), [r]);
  checkGrad((t) => t.indexSelect(2, [3, 0, 3]), [r]);
  checkGrad((a, b) => g.cat([a, b], 1), [r, rnd([2, 2, 4], 5)]);
  checkGrad((a, b) => g.stack([a, b], 1), [r, rnd([2, 3, 4], 6)]);
  checkGrad((t) => t.broadcastTo([5, 2, 3, 4]), [r]);
  checkGrad((t) => t.flatten(1), [r]);
});

test('matmul: 2-d, batched, broadcast batch, vectors; gradients', () => {
  assertClose(g.tensor([[1, 2], [3, 4]]).matmul(g.tensor([[5], [6]])), [17, 39]);
  assertClose(g.tensor([1, 2, 3]).matmul(g.tensor([4, 5, 6])), [32]);
  checkGrad((a, b) => a.matmul(b), [rnd([3, 4], 1), rnd([4, 5], 2)]);
  checkGrad((a, b) => a.matmul(b), [rnd([2, 3, 4], 1), rnd([4, 5], 2)]);
  checkGrad((a, b) => a.matmul(b), [rnd([2, 3, 4], 1), rnd([2, 4, 5], 2)]);
  checkGrad((a, b) => a.matmul(b), [rnd([2, 1, 3, 4], 1), rnd([3, 4, 2], 2)]);
  checkGrad((a, b) => a.matmul(b), [rnd([4], 1), rnd([4, 5], 2)]);
  checkGrad((a, b) => a.matmul(b), [rnd([3, 4], 1), rnd([4], 2)]);
  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    const a = ta ? rnd([4, 3], 1) : rnd([3, 4], 1);
    const b = tb ? rnd([5, 4], 2) : rnd([4, 5], 2);
    checkGrad((x, y) => g.mm(x, y, ta, tb), [a, b]);
  }
  checkGrad((x, w, b) => g.linear(x, w, b), [rnd([2, 3, 4], 1), rnd([5, 4], 2), rnd([5], 3)]);
  assert.throws(() => g.ones([300, 784]).matmul(g.ones([100, 10])), /matmul: shapes \[300,784\] and \[100,10\] do not align \(784 ≠ 100\)/);
});

test('softmax, logSoftmax and gather: values and gradients', () => {
  const x = g.tensor([[1, 2, 3], [1, 1, 1]]);
  const p = x.softmax(1);
  assertClose(p.sum(1), [1, 1]);
  assertClose(x.logSoftmax(1).exp(), p, 1e-6);
  assertClose(g.tensor([[1000, 0]]).logSoftmax(1), [0, -1000]);
  const r = rnd([3, 4, 2], 8);
  checkGrad((t) => t.softmax(1), [r]);
  checkGrad((t) => t.logSoftmax(-1), [r]);
  checkGrad((t) => t.logSoftmax(0), [r]);
  const idx = g.tensor([[2, 0], [1, 1], [3, 0]], { dtype: 'int32' });
  assert.deepEqual(g.arange(12).reshape([3, 4]).gather(1, idx).toArray(), [[2, 0], [5, 5], [11, 8]]);
  checkGrad((t) => t.gather(1, idx), [rnd([3, 4], 2)]);
});

test('unfold (im2col) of 1-d and 2-d inputs: gradients', () => {
  const spec1 = { inSize: [6], outSize: [3], kernel: [3], stride: [2], padding: [1], dilation: [1] };
  checkGrad((t) => g.unfold(t, spec1), [rnd([2, 3, 6], 1)]);
  const spec2 = { inSize: [4, 5], outSize: [2, 3], kernel: [2, 2], stride: [2, 2], padding: [0, 1], dilation: [1, 1] };
  checkGrad((t) => g.unfold(t, spec2), [rnd([1, 2, 4, 5], 2)]);
});

test('int32 tensors mix with floats by promotion', () => {
  const i = g.tensor([1, 2, 3], { dtype: 'int32' });
  assert.equal(i.add(1).dtype, 'int32');
  assert.equal(i.add(0.5).dtype, 'float32');
  assert.equal(i.div(2).dtype, 'float32');
  assertClose(i.div(2), [0.5, 1, 1.5]);
  assert.equal(i.mean().item(), 2);
});
