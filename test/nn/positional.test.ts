/** Sinusoidal positional encoding and the CLS token. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClsToken, PositionalEncoding, sinusoidTable } from '../../src/nn/positional.js';
import { tensor } from '../../src/tensor/creation.js';
import { assertClose, rnd } from '../helpers.js';
import { checkModuleGrad } from './module-check.js';

test('the sinusoid table follows sin(pos/10000^(2i/d)), cos(...)', () => {
  const t = sinusoidTable(3, 4);
  const a = 2 / Math.pow(10000, 2 / 4);
  assertClose(t.data.subarray(8, 12), [Math.sin(2), Math.cos(2), Math.sin(a), Math.cos(a)], 1e-6);
});

test('PositionalEncoding adds the table and rejects sequences longer than maxLen', () => {
  const pe = new PositionalEncoding(4, { dropout: 0, maxLen: 3, batchFirst: true });
  const y = pe.forward(rnd([2, 3, 4], 1).mul(0));
  assertClose(y.data.subarray(12, 24), sinusoidTable(3, 4).data, 1e-6);
  assert.throws(() => pe.forward(rnd([2, 4, 4])), /PositionalEncoding: sequence length 4 is longer than maxLen 3/);
  assert.throws(() => new PositionalEncoding(4, { maxLen: 2 }).forward(rnd([3, 1, 4])), /length 3 is longer than maxLen 2/);
  checkModuleGrad(new PositionalEncoding(4, { dropout: 0, maxLen: 5 }), [rnd([3, 2, 4], 2)]);
});

test('ClsToken prepends a learned vector and extends the padding mask', () => {
  const cls = new ClsToken(3);
  cls.cls.data.set([7, 8, 9]);
  const y = cls.forward(rnd([2, 2, 3]));
  assert.deepEqual(y.shape, [2, 3, 3]);
  assertClose(y.data.subarray(9, 12), [7, 8, 9]);
  assertClose(cls.pick(y), [7, 8, 9, 7, 8, 9]);
  assertClose(cls.extendMask(tensor([[0, 1]], { dtype: 'int32' })), [0, 0, 1]);
  checkModuleGrad(cls, [rnd([2, 2, 3], 4)]);
});
