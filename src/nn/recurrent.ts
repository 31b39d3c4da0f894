/**
 * Recurrent layers as torch.nn.RNN / LSTM / GRU: several layers, batchFirst, bidirectional,
 * dropout between layers, and the last hidden state. Parameters are named as PyTorch in
 * camelCase (weight_ih_l0 → weightIhL0, bias_hh_l1_reverse → biasHhL1Reverse), with gates
 * stacked in PyTorch's order: LSTM i, f, g, o; GRU r, z, n. All start U(±1/√hidden).
 *
 *   RNN:  h' = tanh(W_ih·x + b_ih + W_hh·h + b_hh)            (or relu)
 *   LSTM: c' = f⊙c + i⊙g;  h' = o⊙tanh(c')
 *   GRU:  n = tanh(W_in·x + b_in + r⊙(W_hn·h + b_hn));  h' = (1 − z)⊙n + z⊙h
 *
 * LSTM and GRU run each layer direction as one op (autograd lstmSequence / gruSequence: fused
 * cell kernels, one backward loop, dW_hh as one GEMM); with `lengths` they go step by step
 * through the fused cells (lstmCell / gruCell) and the mask. RNN and LSTM add b_hh once to the
 * input projection of all steps.
 *
 * LSTM projSize (PyTorch's proj_size): h = W_hr·(o⊙tanh(c)) with weightHrL{k} [P, H]; the
 * hidden state, the output and the next layer's input have size P; such layers run step by step.
 *
 * Variable lengths: `run(x, { lengths })` behaves like a packed sequence: a step past a
 * sequence's length leaves its state unchanged and outputs zeros, so the returned last state
 * is the state at each sequence's own last step (and the reverse direction starts there).
 */
import { shapeStr } from '../backend/shape.js';
import * as A from '../autograd/index.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { dropout } from './functional.js';
import { uniform_ } from './init.js';
import { Module, Parameter } from './module.js';
import { checkOptions, num, oneOf, OptionRule } from '../tensor/options.js';
import { PARAM_OPTIONS, PROB, SIZE } from './option-specs.js';

/** Options of RNN, LSTM and GRU (projSize: LSTM only; nonlinearity: RNN only). */
export const RECURRENT_OPTIONS = {
  numLayers: SIZE, bias: 'boolean', batchFirst: 'boolean', dropout: PROB, bidirectional: 'boolean', ...PARAM_OPTIONS,
} as const;
export const RECURRENT_RUN_OPTIONS = { h0: 'any', c0: 'any', lengths: 'any' } as const;
const SPECS: Record<string, Record<string, OptionRule>> = {
  RNN: { ...RECURRENT_OPTIONS, nonlinearity: oneOf(['tanh', 'relu']) },
  LSTM: { ...RECURRENT_OPTIONS, projSize: num({ min: 0, integer: true }) },
  GRU: RECURRENT_OPTIONS,
};

export interface RecurrentOptions {
  numLayers?: number;
  bias?: boolean;
  batchFirst?: boolean;
  /** Dropout on each layer's output except the last, in training mode. */
  dropout?: number;
  bidirectional?: boolean;
  generator?: Generator;
}

export interface LSTMOptions extends RecurrentOptions {
  /** LSTM with projections (PyTorch's proj_size): h = W_hr·(o⊙tanh(c)) has this size; 0 = none. */
  projSize?: number;
}

export interface RecurrentRunOptions {
  /** Initial hidden state [numLayers·numDirections, B, H] (H = projSize for a projected LSTM; zeros when absent). */
  h0?: Tensor | null;
  /** Initial cell state of an LSTM, same shape as h0. */
  c0?: Tensor | null;
  /** Length of each sequence in the batch (1..T); padded steps do not update the state. */
  lengths?: readonly number[] | Int32Array | Tensor | null;
}

export interface RecurrentResult {
  /** [T, B, D·H] (or [B, T, D·H] with batchFirst). */
  output: Tensor;
  /** Last hidden state [numLayers·D, B, H] (H = projSize for a projected LSTM). */
  h: Tensor;
  /** Last cell state (LSTM only). */
  c: Tensor | null;
}

type State = { h: Tensor; c: Tensor | null };

abstract class RecurrentBase extends Module {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  /** LSTM projection size (0 = none): the hidden state h has this size instead of hiddenSize. */
  readonly projSize: number;
  private readonly gen: Generator;

  constructor(readonly inputSize: number, readonly hiddenSize: number, private readonly gates: number, o: RecurrentOptions) {
    super();
    const op = this.constructor.name;
    checkOptions(op, o, SPECS[gates === 4 ? 'LSTM' : gates === 3 ? 'GRU' : 'RNN']);
    if (!(Number.isInteger(inputSize) && inputSize > 0 && Number.isInteger(hiddenSize) && hiddenSize > 0)) {
      throw new RangeError(`${op}: inputSize and hiddenSize must be positive integers, got (${inputSize}, ${hiddenSize})`);
    }
    this.numLayers = o.numLayers ?? 1;
    if (!(Number.isInteger(this.numLayers) && this.numLayers >= 1)) throw new RangeError(`${op}: numLayers must be an integer ≥ 1, got ${this.numLayers}`);
    this.bias = o.bias ?? true;
    this.batchFirst = o.batchFirst ?? false;
    this.dropout = o.dropout ?? 0;
    if (this.dropout < 0 || this.dropout > 1) throw new RangeError(`${op}: dropout must be in [0, 1], got ${this.dropout}`);
    this.bidirectional = o.bidirectional ?? false;
    this.gen = o.generator ?? defaultGenerator();
    this.projSize = (o as LSTMOptions).projSize ?? 0;
    if (this.projSize !== 0) {
      if (gates !== 4) throw new RangeError(`${op}: projSize is only supported by LSTM`);
      if (!Number.isInteger(this.projSize) || this.projSize < 0 || this.projSize >= hiddenSize) {
        throw new RangeError(`${op}: projSize must be an integer in [0, hiddenSize = ${hiddenSize}), got ${this.projSize}`);
      }
    }
    const out = this.projSize || hiddenSize;
    const fields = this as unknown as Record<string, Parameter>;
    const bound = 1 / Math.sqrt(hiddenSize);
    for (let l = 0; l < this.numLayers; l++) {
      for (let d = 0; d < this.numDirections; d++) {
        const sfx = this.suffix(l, d);
        const inSize = l === 0 ? inputSize : out * this.numDirections;
        fields[`weightIh${sfx}`] = new Parameter(zeros([gates * hiddenSize, inSize]));
        fields[`weightHh${sfx}`] = new Parameter(zeros([gates * hiddenSize, out]));
        if (this.bias) {
          fields[`biasIh${sfx}`] = new Parameter(zeros([gates * hiddenSize]));
          fields[`biasHh${sfx}`] = new Parameter(zeros([gates * hiddenSize]));
        }
        if (this.projSize) fields[`weightHr${sfx}`] = new Parameter(zeros([this.projSize, hiddenSize]));
      }
    }
    for (const p of this.parameters()) uniform_(p, -bound, bound, this.gen);
  }

  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  private suffix(l: number, d: number): string {
    return `L${l}${d === 1 ? 'Reverse' : ''}`;
  }

  private param(kind: string, l: number, d: number): Parameter | null {
    return (this as unknown as Record<string, Parameter | undefined>)[`${kind}${this.suffix(l, d)}`] ?? null;
  }

  /**
   * One step: xp = W_ih·x + b_ih (already computed for all steps; plus b_hh when
   * foldsHiddenBias, in which case bhh is null here), returns the new state.
   */
  protected abstract cell(xp: Tensor, s: State, whh: Tensor, bhh: Tensor | null): State;

  /**
   * A whole direction of a layer as one op (no lengths mask): the result, or null to run the
   * steps one by one through cell().
   */
  protected sequence(_xp: Tensor, _s: State, _whh: Tensor, _bhh: Tensor | null, _reverse: boolean): A.RecurrentSequence | null {
    return null;
  }

  protected get hasCell(): boolean {
    return false;
  }

  /**
   * Whether b_hh only ever adds to the same pre-activations as b_ih (RNN, LSTM): then it is
   * added once, into the input projection of all steps, instead of at every step.
   */
  protected get foldsHiddenBias(): boolean {
    return false;
  }

  forward(x: Tensor, h0?: Tensor): Tensor {
    return this.run(x, { h0 }).output;
  }

  run(x: Tensor, o: RecurrentRunOptions = {}): RecurrentResult {
    const op = this.constructor.name;
    checkOptions(`${op}.run`, o, RECURRENT_RUN_OPTIONS);
    const unbatched = x.ndim === 2;
    if (x.ndim !== 3 && !unbatched) throw new RangeError(`${op}: expected a 3-d input ${this.batchFirst ? '[B, T, inputSize]' : '[T, B, inputSize]'} (or 2-d unbatched), got ${shapeStr(x.shape)}`);
    if (x.shape[x.ndim - 1] !== this.inputSize) throw new RangeError(`${op}: input ${shapeStr(x.shape)} has ${x.shape[x.ndim - 1]} features but inputSize is ${this.inputSize}`);
    let seq = unbatched ? A.unsqueeze(x, 1) : this.batchFirst ? A.transpose(x, 0, 1) : x; // [T, B, I]
    const [T, B] = seq.shape;
    const H = this.hiddenSize;
    const D = this.numDirections;
    const P = this.projSize || H;
    const initial = (t: Tensor | null | undefined, name: string): Tensor | null => {
      if (!t) return null;
      const stateShape = [this.numLayers * D, B, name === 'h0' ? P : H];
      const tt = unbatched && t.ndim === 2 ? A.unsqueeze(t, 1) : t;
      if (tt.ndim !== 3 || tt.shape.some((s, i) => s !== stateShape[i])) throw new RangeError(`${op}: ${name} must be ${shapeStr(stateShape)}, got ${shapeStr(t.shape)}`);
      return tt;
    };
    const h0 = initial(o.h0, 'h0');
    const c0 = this.hasCell ? initial(o.c0, 'c0') : null;
    const mask = o.lengths ? this.lengthMask(o.lengths, T, B, x.dtype) : null; // [T, B, 1]
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    const zero = A.cast(zeros([B, H]), seq.dtype === 'float64' ? 'float64' : 'float32');
    const zeroH = P === H ? zero : A.cast(zeros([B, P]), zero.dtype);
    for (let l = 0; l < this.numLayers; l++) {
      const outs: Tensor[] = [];
      for (let d = 0; d < D; d++) {
        const k = l * D + d;
        let s: State = { h: h0 ? A.select(h0, 0, k) : zeroH, c: this.hasCell ? (c0 ? A.select(c0, 0, k) : zero) : null };
        const bih = this.param('biasIh', l, d);
        let bhh: Tensor | null = this.param('biasHh', l, d);
        let xpBias: Tensor | null = bih;
        if (this.foldsHiddenBias && bih && bhh) {
          xpBias = A.add(bih, bhh);
          bhh = null;
        }
        const xp = A.linear(seq, this.param('weightIh', l, d) as Parameter, xpBias); // [T, B, G·H]
        const whh = this.param('weightHh', l, d) as Parameter;
        const whr = this.projSize ? (this.param('weightHr', l, d) as Parameter) : null;
        const whole = mask || whr ? null : this.sequence(xp, s, whh, bhh, d === 1);
        if (whole) {
          outs.push(whole.output);
          hs.push(whole.h);
          if (whole.c) cs.push(whole.c);
          continue;
        }
        const steps: Tensor[] = new Array<Tensor>(T);
        for (let i = 0; i < T; i++) {
          const t = d === 0 ? i : T - 1 - i;
          const next = this.cell(A.select(xp, 0, t), s, whh, bhh);
          if (whr) next.h = A.linear(next.h, whr);
          if (mask) {
            const m = A.select(mask, 0, t);
            steps[t] = A.mul(next.h, m);
            s = { h: A.where(m, next.h, s.h), c: next.c && s.c ? A.where(m, next.c, s.c) : null };
          } else {
            steps[t] = next.h;
            s = next;
          }
        }
        outs.push(A.stack(steps, 0));
        hs.push(s.h);
        if (s.c) cs.push(s.c);
      }
      seq = D === 1 ? outs[0] : A.cat(outs, 2);
      if (l < this.numLayers - 1) seq = dropout(seq, this.dropout, this.training, this.gen);
    }
    let output = unbatched ? A.squeeze(seq, 1) : this.batchFirst ? A.transpose(seq, 0, 1) : seq;
    let h = A.stack(hs, 0);
    let c = cs.length ? A.stack(cs, 0) : null;
    if (unbatched) {
      h = A.squeeze(h, 1);
      c = c ? A.squeeze(c, 1) : null;
    }
    output = output as Tensor;
    return { output, h, c };
  }

  /** [T, B, 1] with 1 where step t is inside sequence b. */
  private lengthMask(lengths: readonly number[] | Int32Array | Tensor, T: number, B: number, dtype: Tensor['dtype']): Tensor {
    const lens = lengths instanceof Tensor ? Array.from(lengths.data) : Array.from(lengths);
    const op = this.constructor.name;
    if (lens.length !== B) throw new RangeError(`${op}: got ${lens.length} lengths for a batch of ${B}`);
    lens.forEach((n, b) => {
      if (!Number.isInteger(n) || n < 1 || n > T) throw new RangeError(`${op}: length ${n} of sequence ${b} is outside [1, ${T}]`);
    });
    const m = new Float32Array(T * B);
    for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) m[t * B + b] = t < lens[b] ? 1 : 0;
    return A.cast(new Tensor(m, [T, B, 1]), dtype === 'float64' ? 'float64' : 'float32');
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}, numLayers=${this.numLayers}, batchFirst=${this.batchFirst}, bidirectional=${this.bidirectional}`;
  }
}

export class RNN extends RecurrentBase {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, o: RecurrentOptions & { nonlinearity?: 'tanh' | 'relu' } = {}) {
    super(inputSize, hiddenSize, 1, o);
    this.nonlinearity = o.nonlinearity ?? 'tanh';
  }

  protected override get foldsHiddenBias(): boolean {
    return true;
  }

  protected cell(xp: Tensor, s: State, whh: Tensor, bhh: Tensor | null): State {
    const pre = A.add(xp, A.linear(s.h, whh, bhh));
    return { h: this.nonlinearity === 'tanh' ? A.tanh(pre) : A.relu(pre), c: null };
  }
}

export class LSTM extends RecurrentBase {
  constructor(inputSize: number, hiddenSize: number, o: LSTMOptions = {}) {
    super(inputSize, hiddenSize, 4, o);
  }

  /** The output; the initial state as PyTorch's `(h0, c0)` pair (or h0 alone, c0 zeros). */
  override forward(x: Tensor, hx?: Tensor | readonly [Tensor, Tensor] | null): Tensor {
    if (Array.isArray(hx)) {
      if (hx.length !== 2) throw new RangeError(`LSTM: the initial state must be a pair [h0, c0], got ${hx.length} tensors`);
      return this.run(x, { h0: hx[0], c0: hx[1] }).output;
    }
    return this.run(x, { h0: hx as Tensor | null | undefined }).output;
  }

  protected override get hasCell(): boolean {
    return true;
  }

  protected override get foldsHiddenBias(): boolean {
    return true;
  }

  protected cell(xp: Tensor, s: State, whh: Tensor, bhh: Tensor | null): State {
    return A.lstmCell(A.add(xp, A.linear(s.h, whh, bhh)), s.c as Tensor);
  }

  protected override sequence(xp: Tensor, s: State, whh: Tensor, bhh: Tensor | null, reverse: boolean): A.RecurrentSequence {
    return A.lstmSequence(bhh ? A.add(xp, bhh) : xp, whh, s.h, s.c as Tensor, reverse);
  }
}

export class GRU extends RecurrentBase {
  constructor(inputSize: number, hiddenSize: number, o: RecurrentOptions = {}) {
    super(inputSize, hiddenSize, 3, o);
  }

  protected cell(xp: Tensor, s: State, whh: Tensor, bhh: Tensor | null): State {
    return { h: A.gruCell(xp, A.linear(s.h, whh, bhh), s.h), c: null };
  }

  protected override sequence(xp: Tensor, s: State, whh: Tensor, bhh: Tensor | null, reverse: boolean): A.RecurrentSequence {
    return A.gruSequence(xp, whh, bhh, s.h, reverse);
  }
}
