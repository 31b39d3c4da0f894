/** RNN / LSTM / GRU: shapes, PyTorch parameter names, masked lengths = packed semantics, gradients. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as A from '../../src/autograd/index.js';
import { GRU, LSTM, RNN } from '../../src/nn/recurrent.js';
import { Generator } from '../../src/tensor/random.js';
import { randn } from '../../src/tensor/creation.js';
import type { Tensor } from '../../src/tensor/tensor.js';
import { assertClose, rnd } from '../helpers.js';
import { checkModuleGrad } from './module-check.js';

test('parameter names follow PyTorch in camelCase', () => {
  const l = new LSTM(3, 2, { numLayers: 2, bidirectional: true });
  const names = l.namedParameters().map(([n]) => n);
  assert.deepEqual(names.slice(0, 8), ['weightIhL0', 'weightHhL0', 'biasIhL0', 'biasHhL0', 'weightIhL0Reverse', 'weightHhL0Reverse', 'biasIhL0Reverse', 'biasHhL0Reverse']);
  assert.deepEqual(l.stateDict().weightIhL1.shape, [8, 4]);
});

test('shapes of output and last states', () => {
  const x = rnd([2, 5, 3], 1);
  const r = new LSTM(3, 4, { numLayers: 2, batchFirst: true, bidirectional: true }).run(x);
  assert.deepEqual(r.output.shape, [2, 5, 8]);
  assert.deepEqual(r.h.shape, [4, 2, 4]);
  assert.deepEqual(r.c?.shape, [4, 2, 4]);
  const g = new GRU(3, 4).run(rnd([5, 2, 3]));
  assert.deepEqual(g.h.shape, [1, 2, 4]);
  assertClose(A.select(g.output, 0, 4), A.select(g.h, 0, 0));
});

test('with lengths, the last state equals running the shorter sequence alone', () => {
  for (const M of [RNN, LSTM, GRU]) {
    const net = new M(2, 3, { batchFirst: true, bidirectional: true, generator: new Generator(2) });
    const x = rnd([2, 4, 2], 3);
    const r = net.run(x, { lengths: [2, 4] });
    const alone = net.run(A.narrow(A.narrow(x, 0, 0, 1), 1, 0, 2));
    assertClose(A.select(r.h, 1, 0), A.select(alone.h, 1, 0), 1e-6);
    assertClose(A.narrow(A.narrow(r.output, 0, 0, 1), 1, 0, 2), alone.output, 1e-6);
    assertClose(A.narrow(A.narrow(r.output, 0, 0, 1), 1, 2, 2), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  }
});

test('recurrent layers pass the gradient check', () => {
  checkModuleGrad(new RNN(2, 2, { numLayers: 2, generator: new Generator(4) }), [rnd([3, 2, 2], 5)]);
  checkModuleGrad(new LSTM(2, 2, { bidirectional: true, batchFirst: true, generator: new Generator(6) }), [rnd([2, 3, 2], 7)], (m, x) => {
    const r = m.run(x, { lengths: [3, 2] });
    return A.cat([A.flatten(r.output), A.flatten(r.c as never)]);
  });
  checkModuleGrad(new GRU(2, 3, { generator: new Generator(8) }), [rnd([3, 1, 2], 9), rnd([1, 1, 3], 10)], (m, x, h0) => m.run(x, { h0 }).output);
});

test('bad inputs are named', () => {
  const l = new LSTM(3, 2);
  assert.throws(() => l.forward(rnd([4, 2, 5])), /LSTM: input \[4,2,5\] has 5 features but inputSize is 3/);
  assert.throws(() => l.run(rnd([4, 2, 3]), { lengths: [4, 5] }), /length 5 of sequence 1 is outside \[1, 4\]/);
  assert.throws(() => l.run(rnd([4, 2, 3]), { h0: rnd([2, 2, 2]) }), /h0 must be \[1,2,2\]/);
});

test('LSTM.forward takes PyTorch\'s (h0, c0) pair', () => {
  const g = new Generator(5);
  const lstm = new LSTM(3, 4, { numLayers: 2, generator: g });
  const x = randn([5, 2, 3], { generator: g });
  const h0 = randn([2, 2, 4], { generator: g });
  const c0 = randn([2, 2, 4], { generator: g });
  const viaPair = lstm.forward(x, [h0, c0]);
  const viaRun = lstm.run(x, { h0, c0 }).output;
  assert.deepEqual(Array.from(viaPair.data), Array.from(viaRun.data));
  assert.notDeepEqual(Array.from(viaPair.data), Array.from(lstm.forward(x, h0).data), 'c0 is used');
  assert.throws(() => lstm.forward(x, [h0] as never), /LSTM: the initial state must be a pair \[h0, c0\], got 1 tensors/);
});

test('LSTM projSize: h has the projection size, gradient check, named errors', () => {
  const m = new LSTM(3, 4, { projSize: 2, numLayers: 2, bidirectional: true });
  const r = m.run(rnd([5, 2, 3], 1).float());
  assert.deepEqual([r.output.shape, r.h.shape, r.c?.shape], [[5, 2, 4], [4, 2, 2], [4, 2, 4]]);
  assert.deepEqual(m.namedParameters().find(([k]) => k === 'weightHrL1Reverse')?.[1].shape, [2, 4]);
  assert.deepEqual(m.namedParameters().find(([k]) => k === 'weightIhL1')?.[1].shape, [16, 4]);
  checkModuleGrad(new LSTM(2, 3, { projSize: 1 }), [rnd([3, 2, 2], 2), rnd([1, 2, 1], 3), rnd([1, 2, 3], 4)], (mm, x, h0, c0) => {
    const o = mm.run(x, { h0, c0 });
    return A.add(A.sum(o.output), A.sum(o.c as Tensor));
  });
  assert.throws(() => new LSTM(3, 4, { projSize: 4 }), /LSTM: projSize must be an integer in \[0, hiddenSize = 4\), got 4/);
  assert.throws(() => new GRU(3, 4, { projSize: 2 } as never), /GRU: (projSize is only supported by LSTM|unknown option 'projSize')/);
  assert.throws(() => m.run(rnd([5, 2, 3]).float(), { h0: rnd([4, 2, 4]).float() }), /h0 must be \[4,2,2\]/);
});
