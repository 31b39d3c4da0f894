/**
 * PyTorch parity of the modules and options added for issue 11 (fixtures from
 * scripts/make_torch_fixtures_modules.py, PyTorch 1.13): each case is rebuilt in gradlab with
 * PyTorch's weights, run on the same inputs, and its outputs, input gradients, parameter
 * gradients, buffers and parameters after the pass are compared (max error ≤ 1e-5 relative to
 * the values' scale). Every case prints its largest relative error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as A from '../../src/autograd/index.js';
import * as nn from '../../src/nn/index.js';
import { F } from '../../src/nn/index.js';
import type { Module, StateDict } from '../../src/nn/module.js';
import { Tensor } from '../../src/tensor/tensor.js';
import { Arr, compare, loadFixture, toTensor } from './parity-helpers.js';

interface Case {
  name: string;
  kind: string;
  args: Record<string, unknown>;
  train: boolean;
  state: Record<string, Arr>;
  inputs: Arr[];
  proj: (Arr | null)[];
  outputs: Arr[];
  inputGrads: (Arr | null)[];
  paramGrads: Record<string, Arr>;
  buffersAfter: Record<string, Arr>;
  paramsAfter: Record<string, Arr>;
}

type Fwd = (...xs: Tensor[]) => Tensor[];
interface Built { module: Module; fwd: Fwd }

const num = (v: unknown, d?: number): number => (v === undefined ? (d as number) : (v as number));
const arrOpt = (v: unknown): Tensor | undefined => (v ? toTensor(v as Arr) : undefined);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

class Fn extends nn.Module {
  constructor(private readonly f: (...xs: Tensor[]) => Tensor) {
    super();
  }

  forward(...xs: Tensor[]): Tensor {
    return this.f(...xs);
  }
}

export const builders: Record<string, (a: Record<string, unknown>) => Built> = {};
const one = (m: Module): Built => ({ module: m, fwd: (...xs) => [m.forward(...xs)] });

Object.assign(builders, {
  Hardswish: () => one(new nn.Hardswish()),
  Mish: () => one(new nn.Mish()),
  Softsign: () => one(new nn.Softsign()),
  GLU: (a) => one(new nn.GLU(num(a.dim))),
  Threshold: (a) => one(new nn.Threshold(num(a.threshold), num(a.value))),
  Softmin: (a) => one(new nn.Softmin(num(a.dim))),
  Unflatten: (a) => one(new nn.Unflatten(num(a.dim), a.sizes as number[])),
  GroupNorm: (a) => one(new nn.GroupNorm(num(a.groups), num(a.channels), { affine: a.affine as boolean | undefined, eps: a.eps as number | undefined })),
  InstanceNorm1d: (a) => one(new nn.InstanceNorm1d(num(a.n), { affine: a.affine as boolean | undefined, trackRunningStats: a.trackRunningStats as boolean | undefined, momentum: a.momentum as number | undefined })),
  InstanceNorm2d: (a) => one(new nn.InstanceNorm2d(num(a.n), { affine: a.affine as boolean | undefined, trackRunningStats: a.trackRunningStats as boolean | undefined })),
  Bilinear: (a) => one(new nn.Bilinear(num(a.in1), num(a.in2), num(a.out), { bias: a.bias as boolean | undefined })),
  RNNCell: (a) => one(new nn.RNNCell(num(a.in), num(a.hidden), { nonlinearity: a.nonlinearity as 'relu' | undefined })),
  LSTMCell: (a) => {
    const m = new nn.LSTMCell(num(a.in), num(a.hidden), { bias: a.bias as boolean | undefined });
    return { module: m, fwd: (x, h, c) => { const s = m.step(x, h, c); return [s.h, s.c]; } };
  },
  GRUCell: (a) => one(new nn.GRUCell(num(a.in), num(a.hidden))),
  CosineEmbeddingLoss: (a) => one(new nn.CosineEmbeddingLoss({ margin: a.margin as number | undefined, reduction: a.reduction as F.Reduction | undefined })),
  MarginRankingLoss: (a) => one(new nn.MarginRankingLoss({ margin: a.margin as number | undefined })),
  TripletMarginLoss: (a) => one(new nn.TripletMarginLoss({ margin: a.margin as number | undefined, p: a.p as number | undefined, swap: a.swap as boolean | undefined, reduction: a.reduction as F.Reduction | undefined })),
  SoftMarginLoss: () => one(new nn.SoftMarginLoss()),
  MultiLabelSoftMarginLoss: (a) => one(new nn.MultiLabelSoftMarginLoss({ weight: arrOpt(a.weight), reduction: a.reduction as F.Reduction | undefined })),
  MultiLabelMarginLoss: (a) => one(new nn.MultiLabelMarginLoss({ reduction: a.reduction as F.Reduction | undefined })),
} satisfies Record<string, (a: Record<string, unknown>) => Built>);

const convOpts = (a: Record<string, unknown>): nn.ConvOptions => ({
  stride: a.stride as number | undefined, padding: a.padding as nn.Padding | undefined, dilation: a.dilation as number | undefined,
  groups: a.groups as number | undefined, bias: a.bias as boolean | undefined, paddingMode: a.paddingMode as nn.PaddingMode | undefined,
});
const withIndices = (m: { run(x: Tensor): nn.MaxPoolResult } & Module): Built => ({ module: m, fwd: (x) => { const r = m.run(x); return [r.output, r.indices]; } });
const fn = (f: (...xs: Tensor[]) => Tensor): Built => one(new Fn(f));

Object.assign(builders, {
  Conv1d: (a) => one(new nn.Conv1d(num(a.in), num(a.out), num(a.k), convOpts(a))),
  Conv2d: (a) => one(new nn.Conv2d(num(a.in), num(a.out), a.k as number[], convOpts(a))),
  ConvTranspose1d: (a) => one(new nn.ConvTranspose1d(num(a.in), num(a.out), num(a.k), { ...convOpts(a) as nn.ConvTransposeOptions, padding: a.padding as number | undefined, outputPadding: a.outputPadding as number | undefined })),
  ConvTranspose2d: (a) => one(new nn.ConvTranspose2d(num(a.in), num(a.out), a.k as number[], { ...convOpts(a) as nn.ConvTransposeOptions, padding: a.padding as number | undefined, outputPadding: a.outputPadding as number | undefined })),
  MaxPool1d: (a) => withIndices(new nn.MaxPool1d(num(a.k), { stride: a.stride as number | undefined, padding: a.padding as number | undefined, returnIndices: true })),
  MaxPool2d: (a) => withIndices(new nn.MaxPool2d(num(a.k), { stride: a.stride as number | undefined, dilation: a.dilation as number | undefined, returnIndices: true })),
  AdaptiveMaxPool1d: (a) => (a.returnIndices ? withIndices(new nn.AdaptiveMaxPool1d(num(a.out), { returnIndices: true })) : one(new nn.AdaptiveMaxPool1d(num(a.out)))),
  AdaptiveMaxPool2d: (a) => (a.returnIndices ? withIndices(new nn.AdaptiveMaxPool2d(a.out as number[], { returnIndices: true })) : one(new nn.AdaptiveMaxPool2d(a.out as number[]))),
  Upsample: (a) => one(new nn.Upsample(a as nn.UpsampleOptions)),
  'F.pad': (a) => fn((x) => F.pad(x, a.pad as number[], (a.mode as F.PadMode) ?? 'constant', num(a.value, 0))),
  'F.interpolate': (a) => fn((x) => F.interpolate(x, a as F.InterpolateOptions)),
  'F.conv2d': (a) => fn((x, w, b) => F.conv2d(x, w, b, a as F.ConvFunctionalOptions)),
  'F.conv1d': (a) => fn((x, w, b) => F.conv1d(x, w, b ?? null, a as F.ConvFunctionalOptions)),
  'F.convTranspose2d': (a) => fn((x, w, b) => F.convTranspose2d(x, w, b, a as F.ConvTransposeFunctionalOptions)),
  'F.maxPool2d': (a) => fn((x) => F.maxPool2d(x, num(a.k), { stride: a.stride as number })),
  'F.avgPool1d': (a) => fn((x) => F.avgPool1d(x, num(a.k), { stride: a.stride as number, padding: a.padding as number })),
  'F.adaptiveMaxPool2d': (a) => fn((x) => F.adaptiveMaxPool2d(x, a.out as number[])),
  'F.gelu': (a) => fn((x) => F.gelu(x, a.approximate as 'tanh')),
  'F.binaryCrossEntropy': () => fn((x, t) => F.binaryCrossEntropy(x, t)),
  'F.binaryCrossEntropyWithLogits': (a) => fn((x, t) => F.binaryCrossEntropyWithLogits(x, t, { reduction: a.reduction as F.Reduction })),
  'F.normalize': (a) => fn((x) => F.normalize(x, a as F.NormalizeOptions)),
  'F.oneHot': (a) => fn((t) => F.oneHot(t, num(a.numClasses, -1))),
  Embedding: (a) => one(new nn.Embedding(num(a.n), num(a.dim), { paddingIdx: a.paddingIdx as number | undefined, maxNorm: a.maxNorm as number | undefined, normType: a.normType as number | undefined, scaleGradByFreq: a.scaleGradByFreq as boolean | undefined })),
  EmbeddingBag: (a) => {
    const { n, dim, ...o } = a;
    return one(new nn.EmbeddingBag(num(n), num(dim), o as nn.EmbeddingBagOptions));
  },
  CrossEntropyLoss: (a) => one(new nn.CrossEntropyLoss({ weight: arrOpt(a.weight), labelSmoothing: a.labelSmoothing as number | undefined, reduction: a.reduction as F.Reduction | undefined })),
  LSTM: (a) => {
    const m = new nn.LSTM(num(a.in), num(a.hidden), { numLayers: a.numLayers as number | undefined, bidirectional: a.bidirectional as boolean | undefined, batchFirst: a.batchFirst as boolean | undefined, projSize: a.projSize as number });
    return { module: m, fwd: (x, h0, c0) => { const r = m.run(x, { h0, c0 }); return [r.output, r.h, r.c as Tensor]; } };
  },
  MultiheadAttention: (a) => {
    const m = new nn.MultiheadAttention(num(a.embed), num(a.heads), {
      batchFirst: a.batchFirst === true, kdim: a.kdim as number | undefined, vdim: a.vdim as number | undefined,
      addBiasKv: a.addBiasKv as boolean | undefined, addZeroAttn: a.addZeroAttn as boolean | undefined,
    });
    const kpm = arrOpt(a.keyPaddingMask);
    const am = arrOpt(a.attnMask);
    return { module: m, fwd: (q, k, v) => { const r = m.attend(q, k ?? q, v ?? q, { keyPaddingMask: kpm, attnMask: am, averageAttnWeights: a.average !== false }); return [r.output, r.weights as Tensor]; } };
  },
  TransformerEncoderLayer: (a) => {
    const acts: Record<string, nn.Activation> = { relu: 'relu', gelu: 'gelu', tanh: (x: Tensor) => A.tanh(x) };
    const m = new nn.TransformerEncoderLayer(num(a.d), num(a.heads), { dimFeedforward: num(a.ff), dropout: 0, batchFirst: a.batchFirst === true, activation: acts[a.activation as string] });
    return one(m);
  },
  TransformerDecoderLayer: (a) => {
    const m = new nn.TransformerDecoderLayer(num(a.d), num(a.heads), { dimFeedforward: num(a.ff), dropout: 0, batchFirst: a.batchFirst === true, normFirst: a.normFirst === true, activation: (a.activation as 'gelu') ?? 'relu' });
    return { module: m, fwd: (t, mem) => [m.run(t, mem, { tgtMask: arrOpt(a.tgtMask), tgtKeyPaddingMask: arrOpt(a.tgtKeyPaddingMask), memoryKeyPaddingMask: arrOpt(a.memoryKeyPaddingMask) })] };
  },
  TransformerDecoder: (a) => {
    const layer = new nn.TransformerDecoderLayer(num(a.d), num(a.heads), { dimFeedforward: num(a.ff), dropout: 0, batchFirst: a.batchFirst === true });
    const m = new nn.TransformerDecoder(layer, num(a.layers), { norm: a.norm ? new nn.LayerNorm(num(a.d)) : null });
    return { module: m, fwd: (t, mem) => [m.run(t, mem, { tgtMask: arrOpt(a.tgtMask) })] };
  },
  Transformer: (a) => {
    const m = new nn.Transformer({ dModel: num(a.d), nhead: num(a.heads), numEncoderLayers: num(a.enc), numDecoderLayers: num(a.dec), dimFeedforward: num(a.ff), dropout: 0,
      batchFirst: a.batchFirst === true, normFirst: a.normFirst === true, activation: (a.activation as 'gelu') ?? 'relu' });
    return { module: m, fwd: (s, t) => [m.run(s, t, { tgtMask: arrOpt(a.tgtMask), srcKeyPaddingMask: arrOpt(a.srcKeyPaddingMask), memoryKeyPaddingMask: arrOpt(a.memoryKeyPaddingMask) })] };
  },
  CTCLoss: (a) => {
    const m = new nn.CTCLoss(a as nn.CTCOptions);
    return fn((x, t, il, tl) => m.forward(A.logSoftmax(x, 2), t, il, tl));
  },
  MaxUnpool1d: (a) => {
    const pool = new nn.MaxPool1d(num(a.k), { stride: a.stride as number, padding: a.padding as number | undefined, returnIndices: true });
    const m = new nn.MaxUnpool1d(num(a.k), { stride: a.stride as number, padding: a.padding as number | undefined });
    return { module: m, fwd: (x) => { const r = pool.run(x); return [m.forward(r.output, r.indices, a.outputSize as number[] | undefined), r.indices]; } };
  },
  MaxUnpool2d: (a) => {
    const pool = new nn.MaxPool2d(num(a.k), { stride: a.stride as number, padding: a.padding as number | undefined, returnIndices: true });
    const m = new nn.MaxUnpool2d(num(a.k), { stride: a.stride as number, padding: a.padding as number | undefined });
    return { module: m, fwd: (x) => { const r = pool.run(x); return [m.forward(r.output, r.indices, a.outputSize as number[] | undefined), r.indices]; } };
  },
  'F.cosineSimilarity': (a) => fn((x, y) => F.cosineSimilarity(x, y, a as { dim: number })),
} satisfies Record<string, (a: Record<string, unknown>) => Built>);

function build(c: Case): Built {
  const b = builders[c.kind];
  if (!b) return one(new Fn(() => { throw new Error(`parity: no builder for kind ${c.kind}`); }));
  return b(c.args);
}

function runCase(c: Case, log: (err: number) => void): void {
  const { module, fwd } = build(c);
  const sd: StateDict = {};
  for (const [k, v] of Object.entries(c.state)) sd[nn.torchKeyToGradlab(k)] = toTensor(v);
  module.loadStateDict(sd, { strict: true });
  module.train(c.train);
  const xs = c.inputs.map((a, i) => {
    const t = toTensor(a);
    return c.inputGrads[i] ? t.requiresGrad_(true) : t;
  });
  const outs = fwd(...xs);
  assert.equal(outs.length, c.outputs.length, `${c.name}: ${outs.length} outputs, PyTorch has ${c.outputs.length}`);
  outs.forEach((o, i) => compare(`${c.name} output ${i}`, o, c.outputs[i], log));
  let total: Tensor | null = null;
  outs.forEach((o, i) => {
    const p = c.proj[i];
    if (!p) return;
    const s = A.sum(A.mul(o, toTensor(p)));
    total = total ? A.add(total, s) : s;
  });
  if (total && (total as Tensor).requiresGrad) A.backward(total as unknown as Tensor);
  c.inputGrads.forEach((g, i) => { if (g) compare(`${c.name} grad of input ${i}`, xs[i].grad ?? new Tensor(new Float32Array(xs[i].size), xs[i].shape), g, log); });
  const params = Object.fromEntries(module.namedParameters());
  for (const [k, g] of Object.entries(c.paramGrads)) {
    const p = params[nn.torchKeyToGradlab(k)];
    assert.ok(p, `${c.name}: no parameter ${nn.torchKeyToGradlab(k)} (PyTorch ${k})`);
    compare(`${c.name} grad of ${k}`, p.grad ?? new Tensor(new Float32Array(p.size), p.shape), g, log);
  }
  const bufs = Object.fromEntries(module.namedBuffers());
  for (const [k, b] of Object.entries(c.buffersAfter)) {
    const mine = bufs[nn.torchKeyToGradlab(k)];
    assert.ok(mine, `${c.name}: no buffer ${nn.torchKeyToGradlab(k)} (PyTorch ${k})`);
    compare(`${c.name} buffer ${k}`, mine, b, log);
  }
  for (const [k, v] of Object.entries(c.paramsAfter ?? {})) compare(`${c.name} parameter ${k} after the pass`, params[nn.torchKeyToGradlab(k)], v, log);
}

const fx = loadFixture<{ torch: string; cases: Case[] }>('modules.json');
test(`PyTorch ${fx.torch} parity of the issue-11 modules and options (${fx.cases.length} cases)`, async (t) => {
  const worst: [string, number][] = [];
  for (const c of fx.cases) {
    await t.test(c.name, (tc) => {
      let err = 0;
      runCase(c, (e) => { err = Math.max(err, e); });
      worst.push([c.name, err]);
      tc.diagnostic(`${c.kind}: max relative error ${err.toExponential(2)} (float32)`);
    });
  }
  worst.sort((x, y) => y[1] - x[1]);
  t.diagnostic(`largest relative errors: ${worst.slice(0, 5).map(([n, e]) => `${n} ${e.toExponential(2)}`).join(', ')}`);
});

export type { Any };
