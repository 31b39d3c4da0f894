/** RNNCell / LSTMCell / GRUCell: agree with one step of RNN / LSTM / GRU, gradient checks, named errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as A from '../../src/autograd/index.js';
import { GRUCell, LSTMCell, RNNCell } from '../../src/nn/cells.js';
import { GRU, LSTM, RNN } from '../../src/nn/recurrent.js';
import { Generator } from '../../src/tensor/random.js';
import { toDouble } from '../../src/nn/module-utils.js';
import { assertClose, checkGrad, rnd } from '../helpers.js';

test('a cell step equals a one-step sequence layer with the same weights', () => {
  const x = rnd([2, 3], 1).float();
  const h = rnd([2, 4], 2).float();
  const c = rnd([2, 4], 3).float();
  const pairs = [[new RNNCell(3, 4, { generator: new Generator(1) }), new RNN(3, 4)], [new LSTMCell(3, 4), new LSTM(3, 4)], [new GRUCell(3, 4), new GRU(3, 4)]] as const;
  for (const [cell, layer] of pairs) {
    const sd = Object.fromEntries(Object.entries(cell.stateDict()).map(([k, v]) => [`${k}L0`, v]));
    layer.loadStateDict(sd);
    const r = layer.run(A.unsqueeze(x, 0), { h0: A.unsqueeze(h, 0), c0: A.unsqueeze(c, 0) });
    const mine = cell instanceof LSTMCell ? cell.step(x, h, c).h : cell.forward(x, h);
    assertClose(mine, A.squeeze(r.h, 0), 1e-6);
  }
});

test('gradient checks', () => {
  const l = toDouble(new LSTMCell(3, 2));
  checkGrad((x, h, c) => { const s = l.step(x, h, c); return A.add(s.h, A.mul(s.c, 2)); }, [rnd([2, 3], 1), rnd([2, 2], 2), rnd([2, 2], 3)]);
  const g = toDouble(new GRUCell(3, 2));
  checkGrad((x, h) => g.forward(x, h), [rnd([2, 3], 4), rnd([2, 2], 5)]);
  const r = toDouble(new RNNCell(3, 2, { nonlinearity: 'relu' }));
  checkGrad((x) => r.forward(x), [rnd([3], 6)]);
});

test('named errors', () => {
  assert.throws(() => new LSTMCell(3, 4).forward(rnd([2, 5])), /LSTMCell: input \[2,5\] has 5 features but inputSize is 3/);
  assert.throws(() => new GRUCell(3, 4).forward(rnd([2, 3]), rnd([2, 3])), /GRUCell: h must be \[2, 4\]/);
  assert.throws(() => new RNNCell(3, 4, { nonlinearity: 'gelu' } as never), /RNNCell: option 'nonlinearity' must be one of 'tanh', 'relu', got 'gelu'/);
  assert.throws(() => new RNNCell(3, 4, { bais: true } as never), /RNNCell: unknown option 'bais' \(did you mean 'bias'\?\)/);
});
