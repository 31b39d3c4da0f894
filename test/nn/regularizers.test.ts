/** L1 / L2 penalties and the attention-entropy penalty. */
import { test } from 'node:test';
import * as A from '../../src/autograd/index.js';
import { attentionEntropy, attentionEntropyPenalty, l1Penalty, l2Penalty } from '../../src/nn/regularizers.js';
import { tensor } from '../../src/tensor/creation.js';
import { assertClose, checkGrad, rnd } from '../helpers.js';

test('penalties', () => {
  const a = tensor([1, -2]);
  const b = tensor([[3]]);
  assertClose(l1Penalty([a, b], 0.5), 3);
  assertClose(l2Penalty([a, b], 0.1), 1.4, 1e-6);
  const w = tensor([[0.5, 0.5, 0], [1, 0, 0]]);
  assertClose(attentionEntropy(w), [Math.LN2, 0], 1e-6);
  assertClose(attentionEntropyPenalty(w, 2), Math.LN2, 1e-6);
  checkGrad((x) => attentionEntropyPenalty(A.softmax(x, -1), 0.3), [rnd([2, 4], 1)]);
  checkGrad((x, y) => A.add(l1Penalty([x], 0.2), l2Penalty([x, y], 0.3)), [rnd([3], 2), rnd([2], 3)]);
});
