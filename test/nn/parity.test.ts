/**
 * PyTorch parity of every layer, activation and loss: each fixture case (made by
 * scripts/make_torch_fixtures.py with PyTorch 1.13) is rebuilt in gradlab, loaded with PyTorch's
 * weights (keys translated by torchKeyToGradlab: in_proj_weight → inProjWeight,
 * self_attn → selfAttn, weight_ih_l0_reverse → weightIhL0Reverse, running_mean → runningMean),
 * run on the same inputs, and its outputs, input gradients, parameter gradients and buffers are
 * compared (max error ≤ 1e-5 relative to the values' scale).
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
  proj: Arr[];
  outputs: Arr[];
  inputGrads: (Arr | null)[];
  paramGrads: Record<string, Arr>;
  buffersAfter: Record<string, Arr>;
}

type Fwd = (...xs: Tensor[]) => Tensor[];
interface Built { module: Module; fwd: Fwd }

const num = (v: unknown, d?: number): number => (v === undefined ? (d as number) : (v as number));
const arrOpt = (v: unknown): Tensor | undefined => (v ? toTensor(v as Arr) : undefined);

/** Functional blocks with no state, wrapped as modules so every case runs the same way. */
class Fn extends nn.Module {
  constructor(private readonly f: (...xs: Tensor[]) => Tensor) {
    super();
  }

  forward(...xs: Tensor[]): Tensor {
    return this.f(...xs);
  }
}

function build(c: Case): Built {
  const a = c.args;
  const one = (m: Module): Built => ({ module: m, fwd: (...xs) => [m.forward(...xs)] });
  switch (c.kind) {
    case 'Linear': return one(new nn.Linear(num(a.in), num(a.out)));
    case 'Conv1d': return one(new nn.Conv1d(num(a.in), num(a.out), num(a.k), { stride: num(a.stride, 1), padding: num(a.padding, 0), dilation: num(a.dilation, 1), bias: a.bias !== false }));
    case 'Conv2d': return one(new nn.Conv2d(num(a.in), num(a.out), a.k as number[], { stride: a.stride as number[], padding: a.padding as number[], dilation: a.dilation as number[] }));
    case 'MaxPool1d': return one(new nn.MaxPool1d(num(a.k), { stride: a.stride as number | undefined, padding: num(a.padding, 0), ceilMode: a.ceilMode === true }));
    case 'MaxPool2d': return one(new nn.MaxPool2d(num(a.k), { stride: a.stride as number | undefined, padding: num(a.padding, 0) }));
    case 'AvgPool1d': return one(new nn.AvgPool1d(num(a.k), { stride: a.stride as number | undefined, padding: num(a.padding, 0), ceilMode: a.ceilMode === true, countIncludePad: a.countIncludePad !== false }));
    case 'AvgPool2d': return one(new nn.AvgPool2d(num(a.k), { stride: a.stride as number | undefined, padding: num(a.padding, 0) }));
    case 'AdaptiveAvgPool1d': return one(new nn.AdaptiveAvgPool1d(num(a.out)));
    case 'AdaptiveAvgPool2d': return one(new nn.AdaptiveAvgPool2d(a.out as number[]));
    case 'Flatten': return one(new nn.Flatten());
    case 'Embedding': return one(new nn.Embedding(num(a.n), num(a.dim), { paddingIdx: a.paddingIdx as number }));
    case 'LayerNorm': return one(new nn.LayerNorm(a.shape as number[]));
    case 'BatchNorm1d': return one(new nn.BatchNorm1d(num(a.n), { momentum: num(a.momentum, 0.1) }));
    case 'BatchNorm2d': return one(new nn.BatchNorm2d(num(a.n)));
    case 'RNN': case 'LSTM': case 'GRU': {
      const o = { numLayers: num(a.numLayers, 1), batchFirst: a.batchFirst === true, bidirectional: a.bidirectional === true };
      const m = c.kind === 'RNN' ? new nn.RNN(num(a.in), num(a.hidden), { ...o, nonlinearity: (a.nonlinearity as 'relu') ?? 'tanh' })
        : c.kind === 'LSTM' ? new nn.LSTM(num(a.in), num(a.hidden), o) : new nn.GRU(num(a.in), num(a.hidden), o);
      return { module: m, fwd: (x, h0) => { const r = m.run(x, { h0, lengths: a.lengths as number[] | undefined }); return r.c ? [r.output, r.h, r.c] : [r.output, r.h]; } };
    }
    case 'MultiheadAttention': {
      const m = new nn.MultiheadAttention(num(a.embed), num(a.heads), { batchFirst: a.batchFirst === true, bias: a.bias !== false });
      const kpm = arrOpt(a.keyPaddingMask);
      const am = arrOpt(a.attnMask);
      return { module: m, fwd: (q, k, v) => { const r = m.attend(q, k ?? q, v ?? q, { keyPaddingMask: kpm, attnMask: am, averageAttnWeights: a.average !== false }); return [r.output, r.weights as Tensor]; } };
    }
    case 'TransformerEncoderLayer': {
      const m = new nn.TransformerEncoderLayer(num(a.d), num(a.heads), { dimFeedforward: num(a.ff), dropout: 0, batchFirst: a.batchFirst === true, normFirst: a.normFirst === true, activation: (a.activation as 'gelu') ?? 'relu' });
      const kpm = arrOpt(a.keyPaddingMask);
      return { module: m, fwd: (x) => [m.run(x, { srcKeyPaddingMask: kpm }).output] };
    }
    case 'TransformerEncoder': {
      const layer = new nn.TransformerEncoderLayer(num(a.d), num(a.heads), { dimFeedforward: num(a.ff), dropout: 0, batchFirst: a.batchFirst === true });
      return one(new nn.TransformerEncoder(layer, num(a.layers), { norm: a.norm ? new nn.LayerNorm(num(a.d)) : null }));
    }
    case 'ReLU': return one(new nn.ReLU());
    case 'LeakyReLU': return one(new nn.LeakyReLU(num(a.slope)));
    case 'Tanh': return one(new nn.Tanh());
    case 'Sigmoid': return one(new nn.Sigmoid());
    case 'ELU': return one(new nn.ELU(num(a.alpha)));
    case 'CELU': return one(new nn.CELU(num(a.alpha)));
    case 'SELU': return one(new nn.SELU());
    case 'GELU': return one(new nn.GELU((a.approximate as 'tanh') ?? 'none'));
    case 'Softplus': return one(new nn.Softplus(num(a.beta), num(a.threshold)));
    case 'LogSigmoid': return one(new nn.LogSigmoid());
    case 'SiLU': return one(new nn.SiLU());
    case 'Hardtanh': return one(new nn.Hardtanh());
    case 'Softmax': return one(new nn.Softmax(num(a.dim)));
    case 'LogSoftmax': return one(new nn.LogSoftmax(num(a.dim)));
    case 'PReLU': return one(new nn.PReLU(num(a.n)));
    case 'PositionalEncoding': return one(new nn.PositionalEncoding(num(a.d), { dropout: 0, maxLen: num(a.maxLen) }));
    case 'ClsToken': return one(new nn.ClsToken(num(a.e)));
    case 'AttentionPooling': {
      const mask = toTensor(a.mask as Arr);
      const m = a.query === 'mean' ? new nn.MeanPooling(num(a.e))
        : new nn.AttentionPooling(num(a.e), { query: a.query as 'learned', hidden: num(a.hidden) || undefined, value: a.value === true });
      return { module: m, fwd: (x) => { const r = m.pool(x, mask); return [r.output, r.weights]; } };
    }
    // Losses.
    case 'CrossEntropyLoss': return one(new nn.CrossEntropyLoss({ weight: arrOpt(a.weight), ignoreIndex: a.ignoreIndex as number | undefined, labelSmoothing: a.labelSmoothing as number | undefined, reduction: a.reduction as F.Reduction | undefined }));
    case 'NLLLoss': return one(new nn.NLLLoss({ weight: arrOpt(a.weight), reduction: a.reduction as F.Reduction | undefined }));
    case 'MSELoss': return one(new nn.MSELoss((a.reduction as F.Reduction) ?? 'mean'));
    case 'BCELoss': return one(new nn.BCELoss({ weight: arrOpt(a.weight) }));
    case 'BCEWithLogitsLoss': return one(new nn.BCEWithLogitsLoss({ posWeight: arrOpt(a.posWeight) }));
    case 'L1Loss': return one(new nn.L1Loss());
    case 'SmoothL1Loss': return one(new nn.SmoothL1Loss({ beta: a.beta as number }));
    case 'HuberLoss': return one(new nn.HuberLoss({ delta: a.delta as number, reduction: a.reduction as F.Reduction }));
    case 'KLDivLoss': return one(new nn.KLDivLoss({ reduction: a.reduction as 'batchmean', logTarget: a.logTarget === true }));
    case 'GaussianNLLLoss': return one(new nn.GaussianNLLLoss({ full: a.full === true, eps: a.eps as number | undefined, reduction: a.reduction as F.Reduction | undefined }));
    case 'PoissonNLLLoss': return one(new nn.PoissonNLLLoss({ logInput: a.logInput !== false, full: a.full === true }));
    case 'MultiMarginLoss': return one(new nn.MultiMarginLoss({ p: a.p as 2 | undefined, margin: a.margin as number | undefined, weight: arrOpt(a.weight) }));
    case 'HingeEmbeddingLoss': return one(new nn.HingeEmbeddingLoss({ margin: a.margin as number }));
    default: return one(new Fn(() => { throw new Error(`parity: no builder for kind ${c.kind}`); }));
  }
}

const worst: Record<string, number> = {};

function runCase(c: Case): void {
  const { module, fwd } = build(c);
  const sd: StateDict = {};
  for (const [k, v] of Object.entries(c.state)) sd[nn.torchKeyToGradlab(k)] = toTensor(v);
  // The positional table is computed, not loaded (the reference keeps it out of its state).
  module.loadStateDict(sd, { strict: c.kind !== 'PositionalEncoding' });
  module.train(c.train);
  const xs = c.inputs.map((a, i) => {
    const t = toTensor(a);
    return c.inputGrads[i] ? t.requiresGrad_(true) : t;
  });
  const outs = fwd(...xs);
  assert.equal(outs.length, c.outputs.length, `${c.name}: ${outs.length} outputs, PyTorch has ${c.outputs.length}`);
  const log = (err: number): void => { worst[c.name] = Math.max(worst[c.name] ?? 0, err); };
  outs.forEach((o, i) => compare(`${c.name} output ${i}`, o, c.outputs[i], log));
  let total: Tensor | null = null;
  outs.forEach((o, i) => {
    const s = A.sum(A.mul(o, toTensor(c.proj[i])));
    total = total ? A.add(total, s) : s;
  });
  A.backward(total as unknown as Tensor);
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
    if (!mine) continue; // e.g. the reference's non-persistent positional table
    compare(`${c.name} buffer ${k}`, mine, b, log);
  }
}

for (const file of ['layers.json', 'losses.json']) {
  const fx = loadFixture<{ torch: string; cases: Case[] }>(file);
  test(`PyTorch ${fx.torch} parity: ${file} (${fx.cases.length} cases)`, async (t) => {
    for (const k of Object.keys(worst)) delete worst[k];
    for (const c of fx.cases) await t.test(c.name, () => runCase(c));
    const top = Object.entries(worst).sort((x, y) => y[1] - x[1]).slice(0, 3);
    t.diagnostic(`largest relative errors: ${top.map(([n, e]) => `${n} ${e.toExponential(2)}`).join(', ')}`);
  });
}
