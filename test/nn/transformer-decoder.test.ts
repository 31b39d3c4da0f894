/** TransformerDecoderLayer / TransformerDecoder / Transformer: causal masking, gradient checks, named errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as A from '../../src/autograd/index.js';
import { Transformer, TransformerDecoder, TransformerDecoderLayer } from '../../src/nn/transformer-decoder.js';
import { rnd } from '../helpers.js';
import { checkModuleGrad } from './module-check.js';

test('the causal mask keeps each position from seeing later ones', () => {
  const mask = Transformer.generateSquareSubsequentMask(3);
  assert.deepEqual(Array.from(mask.data), [0, -Infinity, -Infinity, 0, 0, -Infinity, 0, 0, 0]);
  const m = new Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 6, dropout: 0, batchFirst: true });
  const src = rnd([1, 3, 4], 1).float();
  const tgt = rnd([1, 3, 4], 2).float();
  const out1 = m.run(src, tgt, { tgtMask: mask });
  const tgt2 = A.cat([A.narrow(tgt, 1, 0, 2), rnd([1, 1, 4], 3).float()], 1);
  const out2 = m.run(src, tgt2, { tgtMask: mask });
  assert.deepEqual(Array.from(A.narrow(out1, 1, 0, 2).data), Array.from(A.narrow(out2, 1, 0, 2).data), 'changing the last target token changes no earlier output');
});

test('gradient checks', () => {
  checkModuleGrad(new TransformerDecoderLayer(4, 2, { dimFeedforward: 5, dropout: 0, normFirst: true, activation: 'gelu' }), [rnd([3, 2, 4], 1), rnd([2, 2, 4], 2)]);
  const dec = new TransformerDecoder(new TransformerDecoderLayer(4, 1, { dimFeedforward: 3, dropout: 0, batchFirst: true }), 2);
  checkModuleGrad(dec, [rnd([2, 2, 4], 3), rnd([2, 3, 4], 4)]);
});

test('named errors', () => {
  assert.throws(() => new TransformerDecoderLayer(4, 2, { activation: 'silu' as never }), /TransformerDecoderLayer: activation must be 'relu', 'gelu' or a function/);
  assert.throws(() => new TransformerDecoderLayer(4, 2, { dim_feedforward: 8 } as never), /TransformerDecoderLayer: unknown option 'dim_feedforward' \(did you mean 'dimFeedforward'\?\)/);
  assert.throws(() => new Transformer({ numEncoderLayer: 2 } as never), /Transformer: unknown option 'numEncoderLayer' \(did you mean 'numEncoderLayers'\?\)/);
  const m = new Transformer({ dModel: 4, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 4 });
  assert.throws(() => m.forward(rnd([3, 2, 4]).float(), rnd([3, 1, 4]).float()), /Transformer: the batch size of src \[3,2,4\] and tgt \[3,1,4\] must be equal/);
});
