/** Transformer encoder: post-norm and pre-norm layers, stacked copies, eval determinism, gradients. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TransformerEncoder, TransformerEncoderLayer } from '../../src/nn/transformer.js';
import { tensor } from '../../src/tensor/creation.js';
import { Generator } from '../../src/tensor/random.js';
import { assertClose, rnd } from '../helpers.js';
import { checkModuleGrad } from './module-check.js';

test('TransformerEncoder copies the layer (same initial weights) and returns per-layer weights', () => {
  const layer = new TransformerEncoderLayer(4, 2, { dimFeedforward: 8, batchFirst: true, generator: new Generator(1) });
  const enc = new TransformerEncoder(layer, 3);
  const sd = enc.stateDict();
  assert.ok('layers.2.selfAttn.inProjWeight' in sd && 'layers.0.norm2.bias' in sd);
  assertClose(sd['layers.2.linear1.weight'], layer.linear1.weight);
  enc.eval();
  const x = rnd([2, 5, 4], 2);
  const r = enc.run(x, { srcKeyPaddingMask: tensor([[0, 0, 0, 1, 1], [0, 0, 0, 0, 0]], { dtype: 'int32' }) });
  assert.deepEqual(r.output.shape, [2, 5, 4]);
  assert.equal(r.weights.length, 3);
  assertClose(enc.forward(x), enc.forward(x));
});

test('post-norm output rows are normalised; pre-norm ones are not', () => {
  const post = new TransformerEncoderLayer(4, 1, { dimFeedforward: 6, dropout: 0, batchFirst: true, generator: new Generator(3) });
  const y = post.forward(rnd([1, 3, 4], 4));
  const row = Array.from(y.data.subarray(0, 4));
  const mean = row.reduce((a, b) => a + b, 0) / 4;
  assert.ok(Math.abs(mean) < 1e-5);
  const pre = new TransformerEncoderLayer(4, 1, { dimFeedforward: 6, dropout: 0, batchFirst: true, normFirst: true, generator: new Generator(3) });
  assert.ok(pre.normFirst);
});

test('encoder layers pass the gradient check (post-norm and pre-norm, gelu)', () => {
  const o = { dimFeedforward: 5, dropout: 0, batchFirst: true } as const;
  checkModuleGrad(new TransformerEncoderLayer(4, 2, { ...o, generator: new Generator(5) }), [rnd([2, 3, 4], 6)]);
  checkModuleGrad(new TransformerEncoderLayer(4, 2, { ...o, normFirst: true, activation: 'gelu', generator: new Generator(7) }), [rnd([1, 3, 4], 8)], undefined, { atol: 1e-5 });
});

test('activation: relu, gelu or a function; any other name is a named error', () => {
  const x = rnd([2, 3, 4], 5).float();
  const tanh = new TransformerEncoderLayer(4, 2, { dimFeedforward: 6, dropout: 0, activation: (t) => t.tanh() });
  const relu = new TransformerEncoderLayer(4, 2, { dimFeedforward: 6, dropout: 0 });
  relu.loadStateDict(tanh.stateDict());
  assert.notDeepEqual(Array.from(tanh.forward(x).data), Array.from(relu.forward(x).data));
  assert.throws(() => new TransformerEncoderLayer(4, 2, { activation: 'tanh' as never }), /TransformerEncoderLayer: option 'activation' must be 'relu', 'gelu' or a function, got "tanh"/);
});
