/** toDouble / toFloat and PyTorch key translation. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchNorm1d } from '../../src/nn/normalization.js';
import { LSTM } from '../../src/nn/recurrent.js';
import { fromTorchStateDict, toDouble, toFloat, torchKeyToGradlab } from '../../src/nn/module-utils.js';
import { zeros } from '../../src/tensor/creation.js';

test('toDouble casts parameters and float buffers, keeping names and int buffers', () => {
  const bn = toDouble(new BatchNorm1d(3));
  assert.equal(bn.weight?.dtype, 'float64');
  assert.equal(bn.runningVar.dtype, 'float64');
  assert.equal(bn.numBatchesTracked.dtype, 'int32');
  assert.deepEqual(Object.keys(bn.stateDict()), ['weight', 'bias', 'runningMean', 'runningVar', 'numBatchesTracked']);
  const lstm = toFloat(toDouble(new LSTM(2, 3)));
  assert.ok(lstm.parameters().every((p) => p.dtype === 'float32' && p.requiresGrad));
});

test('PyTorch keys translate to camelCase', () => {
  assert.equal(torchKeyToGradlab('layers.0.self_attn.in_proj_weight'), 'layers.0.selfAttn.inProjWeight');
  assert.equal(torchKeyToGradlab('weight_hh_l1_reverse'), 'weightHhL1Reverse');
  assert.equal(torchKeyToGradlab('bn.num_batches_tracked'), 'bn.numBatchesTracked');
  assert.deepEqual(Object.keys(fromTorchStateDict({ running_mean: zeros([1]) })), ['runningMean']);
});
