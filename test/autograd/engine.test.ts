import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as g from '../../src/index.js';
import { assertClose } from '../helpers.js';

test('gradients accumulate across backward calls, and a reused input sums its paths', () => {
  const x = g.tensor([2], { dtype: 'float64', requiresGrad: true });
  x.mul(x).sum().backward(); // d(x²)/dx = 2x = 4
  assertClose(x.grad!, [4]);
  x.mul(3).sum().backward();
  assertClose(x.grad!, [7]);
});

test('a 100,000-op chain goes back without overflowing the stack', () => {
  const x = g.tensor([1], { dtype: 'float64', requiresGrad: true });
  let y = x;
  for (let i = 0; i < 100000; i++) y = y.add(1e-5);
  y.sum().backward();
  assertClose(x.grad!, [1]);
});

test('second backward through a freed graph is a clear error; retainGraph allows it', () => {
  const x = g.tensor([3], { requiresGrad: true });
  const z = x.mul(2).sum();
  z.backward(undefined, { retainGraph: true });
  z.backward();
  assertClose(x.grad!, [2 + 2]);
  assert.throws(() => z.backward(), /already freed by an earlier backward\(\); pass \{ retainGraph: true \}/);
});

test('backward of a non-scalar needs a gradient, and says so with the shape', () => {
  const x = g.ones([2, 3], { requiresGrad: true });
  const y = x.mul(2);
  assert.throws(() => y.backward(), /output has shape \[2,3\]; backward\(\) without a gradient needs a scalar/);
  y.backward(g.full([2, 3], 0.5));
  assertClose(x.grad!, [1, 1, 1, 1, 1, 1]);
  assert.throws(() => x.mul(2).backward(g.ones([3])), /gradient has shape \[3\] but the output has shape \[2,3\]/);
});

test('noGrad records nothing; detach cuts the graph', () => {
  const x = g.ones([2], { requiresGrad: true });
  const y = g.noGrad(() => x.mul(2));
  assert.equal(y.requiresGrad, false);
  assert.equal(y.gradFn, null);
  const d = x.mul(3).detach();
  assert.equal(d.requiresGrad, false);
  assert.throws(() => d.sum().backward(), /does not require grad/);
  assert.equal(g.isGradEnabled(), true);
});

test('retainGrad keeps an intermediate gradient; toDot shows ops, shapes and grads', () => {
  const x = g.tensor([[1, 2]], { requiresGrad: true });
  x.name = 'x';
  const h = x.mul(3).retainGrad();
  const loss = h.sum();
  loss.backward();
  assertClose(h.grad!, [1, 1]);
  const dot = g.toDot(loss);
  assert.match(dot, /^digraph autograd \{/);
  assert.match(dot, /x \(leaf\)\|shape \[1,2\]\|value \[1, 2\]\|grad \[3, 3\]/);
  assert.match(dot, /\{mul\|shape \[1,2\]/);
  assert.match(dot, /\{sum\|shape \[\]/);
  assert.equal((dot.match(/->/g) ?? []).length, 2);
});

test('gradcheck catches a wrong rule', () => {
  const bad = (t: g.Tensor): g.Tensor => {
    const out = t.detach().mul(2);
    return g.record('bad', [t], new g.Tensor(out.data, out.shape), (gr) => [gr.mul(3)]);
  };
  const r = g.gradcheck(bad, [g.ones([3], { dtype: 'float64' })]);
  assert.equal(r.ok, false);
  assert.match(r.message, /analytic .* vs numeric/);
});

test('a gradient handed to two inputs is never added into in place (no aliasing between them)', () => {
  const a = g.ones([3], { dtype: 'float64', requiresGrad: true });
  const b = g.ones([3], { dtype: 'float64', requiresGrad: true });
  // add's rule gives the same tensor to a and b; a then receives a second contribution.
  const loss = a.add(b).sum().add(a.mul(2).sum()).add(b.select(0, 0).mul(5));
  loss.backward();
  assertClose(a.grad!, [3, 3, 3]);
  assertClose(b.grad!, [6, 1, 1]);
});

test('slices of one tensor accumulate their windows into one gradient', () => {
  const x = g.arange(0, 12).double().reshape([3, 4]).requiresGrad_();
  let loss = g.scalar(0, 'float64');
  for (let t = 0; t < 4; t++) loss = loss.add(x.select(1, t).mul(t + 1).sum());
  loss = loss.add(x.narrow(0, 1, 2).sum());
  loss.backward();
  assertClose(x.grad!, [1, 2, 3, 4, 2, 3, 4, 5, 2, 3, 4, 5]);
});

test('arrays the engine gives back to the pool are never ones a user holds (.grad, retained grads, a rule of record)', () => {
  g.emptyCache();
  const gen = new g.Generator(1);
  const w = g.randn([40, 40], { generator: gen }).requiresGrad_();
  const x = g.randn([30, 40], { generator: gen });
  const stashed: g.Tensor[] = [];
  // A rule recorded through the public record: the gradient it gets and the one it returns are its own.
  const keep = (t: g.Tensor): g.Tensor => g.record('keep', [t], g.noGrad(() => g.mul(t, 1)), (gr) => {
    stashed.push(gr);
    const back = g.mul(gr, 1);
    stashed.push(back);
    return [back];
  });
  const step = (): { grad: g.Tensor; mid: g.Tensor } => {
    w.grad = null;
    const mid = g.retainGrad(g.relu(g.matmul(x, w)));
    g.sum(g.tanh(keep(g.matmul(mid, w)))).backward();
    return { grad: w.grad as unknown as g.Tensor, mid };
  };
  const first = step();
  const copies = [first.grad, first.mid.grad as g.Tensor, ...stashed].map((t) => t.toFlatArray());
  // A device backend (webgpu) keeps its values on the device: the host pool is not used there.
  if (g.backend().device === undefined) assert.ok(g.bufferPoolStats().pooledArrays > 0, 'this backward pooled its temporaries');
  for (let i = 0; i < 3; i++) step();
  assert.deepEqual([first.grad, first.mid.grad as g.Tensor, ...stashed.slice(0, 2)].map((t) => t.toFlatArray()), copies);
});

test('one gradient passed to two leaves gives each its own .grad; a lone leaf gradient is kept without a copy', () => {
  const a = g.tensor([1, 2, 3]).requiresGrad_();
  const b = g.tensor([4, 5, 6]).requiresGrad_();
  g.sum(g.mul(g.add(a, b), 3)).backward();
  assert.deepEqual(a.grad?.toFlatArray(), [3, 3, 3]);
  assert.deepEqual(b.grad?.toFlatArray(), [3, 3, 3]);
  assert.notEqual(a.grad?.data.buffer, b.grad?.data.buffer);
  g.sum(g.mul(a, b)).backward();
  assert.deepEqual(a.grad?.toFlatArray(), [7, 8, 9]);
  assert.deepEqual(b.grad?.toFlatArray(), [4, 5, 6]);
});
