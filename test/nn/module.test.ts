import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as g from '../../src/index.js';
import { CrossEntropyLoss, Dropout, Linear, MSELoss, Module, NLLLoss, Parameter, ReLU, Sequential, F, init } from '../../src/nn/index.js';
import { assertClose, checkGrad, rnd } from '../helpers.js';

class Net extends Module {
  layers = new Sequential(new Linear(4, 3), new ReLU(), new Linear(3, 2));
  scale = new Parameter(g.ones([1]));
  forward(x: g.Tensor): g.Tensor {
    return this.layers.forward(x).mul(this.scale);
  }
}

test('fields register parameters with dotted names in order', () => {
  const n = new Net();
  assert.deepEqual(n.namedParameters().map(([k, p]) => [k, p.shape]), [
    ['scale', [1]], ['layers.0.weight', [3, 4]], ['layers.0.bias', [3]], ['layers.2.weight', [2, 3]], ['layers.2.bias', [2]],
  ]);
  assert.equal(n.countParameters(), 1 + 12 + 3 + 6 + 2);
  assert.deepEqual(Object.keys(n.stateDict()).sort(), ['layers.0.bias', 'layers.0.weight', 'layers.2.bias', 'layers.2.weight', 'scale']);
  assert.match(String(n), /Net\(\n  \(layers\): Sequential\(\n    \(0\): Linear\(inFeatures=4, outFeatures=3, bias=true\)/);
});

test('train() and eval() reach every sub-module', () => {
  const n = new Net();
  n.eval();
  assert.ok(n.namedModules().every(([, m]) => !m.training));
  n.train();
  assert.ok(n.namedModules().every(([, m]) => m.training));
});

test('loadStateDict copies values and rejects missing, unexpected or mis-shaped keys', () => {
  const a = new Net();
  const b = new Net();
  b.loadStateDict(a.stateDict());
  assert.deepEqual(b.layers.at(0).parameters()[0].toFlatArray(), a.layers.at(0).parameters()[0].toFlatArray());
  const sd = { ...a.stateDict(), 'layers.0.weight': g.zeros([3, 5]) };
  assert.throws(() => b.loadStateDict(sd), /size mismatch for layers\.0\.weight: the state dict has \[3,5\], the module has \[3,4\]/);
  const { scale: _s, ...missing } = a.stateDict();
  assert.throws(() => b.loadStateDict(missing), /missing keys: scale/);
  assert.throws(() => b.loadStateDict({ ...a.stateDict(), extra: g.ones([1]) }), /unexpected keys: extra/);
  b.loadStateDict(missing, { strict: false });
});

test('Linear: PyTorch init bounds, forward, and errors naming the layer', () => {
  const lin = new Linear(100, 50, { generator: new g.Generator(3) });
  const bound = 1 / Math.sqrt(100);
  assert.ok(lin.weight.abs().max().item() <= bound);
  assert.ok(lin.weight.abs().max().item() > 0.9 * bound);
  assert.ok(lin.bias!.abs().max().item() <= bound);
  const noBias = new Linear(3, 2, { bias: false });
  assert.equal(noBias.bias, null);
  assert.equal(noBias.parameters().length, 1);
  const x = g.ones([5, 3]);
  assertClose(noBias.forward(x), x.matmul(noBias.weight.t()));
  const seq = new Sequential(new Linear(4, 3), new ReLU());
  assert.throws(() => seq.forward(g.ones([2, 5])), /linear: input \[2,5\] has 5 features but the weight \[3,4\] expects 4 \(in layer 0: Linear\)/);
});

test('init: Glorot and Kaiming have the right spread', () => {
  const w = g.zeros([200, 300]);
  g.manualSeed(0);
  init.xavierUniform(w);
  assert.ok(Math.abs(w.std().item() - Math.sqrt(2 / 500)) < 0.002);
  init.kaimingNormal(w, { nonlinearity: 'relu' });
  assert.ok(Math.abs(w.std().item() - Math.sqrt(2 / 300)) < 0.002);
  init.xavierNormal(w, init.calculateGain('tanh'));
  assert.ok(Math.abs(w.std().item() - (5 / 3) * Math.sqrt(2 / 500)) < 0.003);
});

test('Dropout: drops with probability p and rescales in training, identity in eval', () => {
  const d = new Dropout(0.3, { generator: new g.Generator(1) });
  const x = g.ones([10000]);
  const y = d.forward(x);
  const kept = y.gt(0).sum().item() / 10000;
  assert.ok(Math.abs(kept - 0.7) < 0.02, `kept ${kept}`);
  assertClose(y.max(), [1 / 0.7]);
  d.eval();
  assertClose(d.forward(x), x);
  assert.throws(() => new Dropout(1.5), /probability must be in \[0, 1\], got 1.5/);
});

test('losses: cross-entropy, NLL and MSE values, reductions and gradients', () => {
  const logits = g.tensor([[2, 1, 0], [0, 0, 3]]);
  const y = g.tensor([0, 2], { dtype: 'int32' });
  const lse0 = Math.log(Math.exp(2) + Math.exp(1) + 1);
  const lse1 = Math.log(2 + Math.exp(3));
  const expected = ((lse0 - 2) + (lse1 - 3)) / 2;
  assertClose(new CrossEntropyLoss().forward(logits, y), [expected], 1e-6);
  assertClose(new NLLLoss().forward(logits.logSoftmax(1), y), [expected], 1e-6);
  assertClose(F.crossEntropy(logits, y, { reduction: 'sum' }), [2 * expected], 1e-5);
  assertClose(F.crossEntropy(logits, y, { reduction: 'none' }), [lse0 - 2, lse1 - 3], 1e-6);
  assertClose(new MSELoss().forward(g.tensor([1, 2]), g.tensor([0, 0])), [2.5]);
  assertClose(new MSELoss('sum').forward(g.tensor([1, 2]), g.tensor([0, 0])), [5]);
  const yy = g.tensor([1, 0, 3], { dtype: 'int32' });
  checkGrad((l) => F.crossEntropy(l, yy), [rnd([3, 4], 2)]);
  checkGrad((l) => F.crossEntropy(l, yy, { labelSmoothing: 0.1 }), [rnd([3, 4], 2)]);
  checkGrad((a, b) => F.mseLoss(a, b), [rnd([3, 4], 2), rnd([3, 4], 3)]);
});

test('cross-entropy with class weights and ignore index follows PyTorch', () => {
  const logits = g.tensor([[1, 2], [3, 1], [0, 0]]);
  const y = g.tensor([1, 0, -100], { dtype: 'int32' });
  const w = g.tensor([2, 0.5]);
  const l0 = Math.log(Math.exp(1) + Math.exp(2)) - 2; // class 1, weight 0.5
  const l1 = Math.log(Math.exp(3) + Math.exp(1)) - 3; // class 0, weight 2
  assertClose(F.crossEntropy(logits, y, { weight: w }), [(0.5 * l0 + 2 * l1) / 2.5], 1e-6);
});

test('labels outside [0, classes) are a clear error', () => {
  const logits = g.zeros([3, 10]);
  assert.throws(() => F.crossEntropy(logits, g.tensor([1, 12, 3], { dtype: 'int32' })), /target 12 at position 1 is outside \[0, 10\)/);
  assert.throws(() => F.crossEntropy(logits, g.tensor([1, 2, 3])), /targets must be int32 class indices, got float32/);
  assert.throws(() => F.crossEntropy(logits, g.tensor([1, 2], { dtype: 'int32' })), /input \[3,10\] needs targets of shape \[3\], got \[2\]/);
});

test('stateDict({ names: \'torch\' }) gives PyTorch\'s keys; loadStateDict takes either naming (auto, or said)', async () => {
  const nn = await import('../../src/nn/index.js');
  const m = new nn.Sequential(new nn.BatchNorm1d(4), new nn.LSTM(4, 3, { bidirectional: true }), new nn.TransformerEncoderLayer(6, 2, { dimFeedforward: 8 }));
  const keys = Object.keys(m.stateDict({ names: 'torch' }));
  for (const k of ['0.running_mean', '0.running_var', '0.num_batches_tracked', '1.weight_ih_l0', '1.weight_hh_l0_reverse', '1.bias_ih_l0_reverse',
    '2.self_attn.in_proj_weight', '2.self_attn.in_proj_bias', '2.self_attn.out_proj.weight', '2.linear1.weight', '2.norm2.bias']) {
    assert.ok(keys.includes(k), `${k} in ${keys.join(', ')}`);
  }
  const other = new nn.Sequential(new nn.BatchNorm1d(4), new nn.LSTM(4, 3, { bidirectional: true }), new nn.TransformerEncoderLayer(6, 2, { dimFeedforward: 8 }));
  other.loadStateDict(m.stateDict({ names: 'torch' }));
  other.loadStateDict(m.stateDict({ names: 'torch' }), { names: 'torch' });
  other.loadStateDict(m.stateDict(), { names: 'gradlab' });
  for (const [k, t] of Object.entries(m.stateDict())) assert.deepEqual(Array.from(other.stateDict()[k].data), Array.from(t.data), k);
  assert.throws(() => other.loadStateDict(m.stateDict({ names: 'torch' }), { names: 'gradlab' }), /missing keys: .*0\.runningMean.*; unexpected keys: .*0\.running_mean/);
  assert.throws(() => m.stateDict({ names: 'pytorch' as never }), /stateDict: option 'names' must be one of 'gradlab', 'torch', got 'pytorch'/);
  assert.throws(() => m.loadStateDict(m.stateDict(), { strikt: true } as never), /loadStateDict: unknown option 'strikt' \(did you mean 'strict'\?\)/);
});
