/**
 * Single-step recurrent cells as torch.nn.RNNCell / LSTMCell / GRUCell: parameters weightIh
 * [G·H, I], weightHh [G·H, H], biasIh and biasHh [G·H] (PyTorch's weight_ih, ...), all
 * U(±1/√H) at start; gates in PyTorch's order (LSTM i, f, g, o; GRU r, z, n). The LSTM and GRU
 * steps run the fused cell ops (A.lstmCell, A.gruCell). Input [B, I] (or [I] unbatched); a
 * missing state starts at zeros.
 *
 * forward(x, h) returns the new hidden state; LSTMCell.step(x, h, c) returns { h, c } (PyTorch's
 * tuple), and LSTMCell.forward(x, h, c) returns h.
 */
import { shapeStr } from '../backend/shape.js';
import * as A from '../autograd/index.js';
import { checkArg, checkOptions, num, oneOf } from '../tensor/options.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { uniform_ } from './init.js';
import { Module, Parameter } from './module.js';

export interface CellOptions {
  bias?: boolean;
  generator?: Generator;
}

abstract class CellBase extends Module {
  weightIh: Parameter;
  weightHh: Parameter;
  biasIh: Parameter | null;
  biasHh: Parameter | null;

  constructor(readonly inputSize: number, readonly hiddenSize: number, gates: number, o: CellOptions & Record<string, unknown>, extra: Record<string, ReturnType<typeof oneOf>> = {}) {
    super();
    const op = this.constructor.name;
    checkOptions(op, o, { bias: 'boolean', generator: 'any', ...extra });
    checkArg(op, 'inputSize', inputSize, num({ min: 1, integer: true }));
    checkArg(op, 'hiddenSize', hiddenSize, num({ min: 1, integer: true }));
    this.weightIh = new Parameter(zeros([gates * hiddenSize, inputSize]));
    this.weightHh = new Parameter(zeros([gates * hiddenSize, hiddenSize]));
    const bias = o.bias ?? true;
    this.biasIh = bias ? new Parameter(zeros([gates * hiddenSize])) : null;
    this.biasHh = bias ? new Parameter(zeros([gates * hiddenSize])) : null;
    const gen = o.generator ?? defaultGenerator();
    const bound = 1 / Math.sqrt(hiddenSize);
    for (const p of this.parameters()) uniform_(p, -bound, bound, gen);
  }

  /** Batched input and state (zeros when absent), with shape checks. */
  protected prepare(x: Tensor, states: (Tensor | undefined | null)[]): { xb: Tensor; hs: Tensor[]; unbatched: boolean } {
    const op = this.constructor.name;
    const unbatched = x.ndim === 1;
    if (x.ndim !== 2 && !unbatched) throw new RangeError(`${op}: expected an input [B, ${this.inputSize}] (or [${this.inputSize}] unbatched), got ${shapeStr(x.shape)}`);
    const xb = unbatched ? A.unsqueeze(x, 0) : x;
    if (xb.shape[1] !== this.inputSize) throw new RangeError(`${op}: input ${shapeStr(x.shape)} has ${xb.shape[1]} features but inputSize is ${this.inputSize}`);
    const B = xb.shape[0];
    const hs = states.map((s, i) => {
      if (!s) return A.cast(zeros([B, this.hiddenSize]), x.dtype === 'float64' ? 'float64' : 'float32');
      const sb = unbatched && s.ndim === 1 ? A.unsqueeze(s, 0) : s;
      if (sb.ndim !== 2 || sb.shape[0] !== B || sb.shape[1] !== this.hiddenSize) {
        throw new RangeError(`${op}: ${i === 0 ? 'h' : 'c'} must be [${B}, ${this.hiddenSize}] for input ${shapeStr(x.shape)}, got ${shapeStr(s.shape)}`);
      }
      return sb;
    });
    return { xb, hs, unbatched };
  }

  override extraRepr(): string {
    return `${this.inputSize}, ${this.hiddenSize}, bias=${this.biasIh !== null}`;
  }
}

export interface RNNCellOptions extends CellOptions {
  nonlinearity?: 'tanh' | 'relu';
}

export class RNNCell extends CellBase {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, o: RNNCellOptions = {}) {
    super(inputSize, hiddenSize, 1, o as CellOptions & Record<string, unknown>, { nonlinearity: oneOf(['tanh', 'relu']) });
    this.nonlinearity = o.nonlinearity ?? 'tanh';
  }

  forward(x: Tensor, h?: Tensor): Tensor {
    const { xb, hs, unbatched } = this.prepare(x, [h]);
    const pre = A.add(A.linear(xb, this.weightIh, this.biasIh), A.linear(hs[0], this.weightHh, this.biasHh));
    const out = this.nonlinearity === 'tanh' ? A.tanh(pre) : A.relu(pre);
    return unbatched ? A.squeeze(out, 0) : out;
  }
}

export class LSTMCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, o: CellOptions = {}) {
    super(inputSize, hiddenSize, 4, o as CellOptions & Record<string, unknown>);
  }

  /** One step: the new { h, c }. */
  step(x: Tensor, h?: Tensor | null, c?: Tensor | null): { h: Tensor; c: Tensor } {
    const { xb, hs, unbatched } = this.prepare(x, [h, c]);
    const gates = A.add(A.linear(xb, this.weightIh, this.biasIh), A.linear(hs[0], this.weightHh, this.biasHh));
    const s = A.lstmCell(gates, hs[1]);
    return unbatched ? { h: A.squeeze(s.h, 0), c: A.squeeze(s.c, 0) } : s;
  }

  forward(x: Tensor, h?: Tensor, c?: Tensor): Tensor {
    return this.step(x, h, c).h;
  }
}

export class GRUCell extends CellBase {
  constructor(inputSize: number, hiddenSize: number, o: CellOptions = {}) {
    super(inputSize, hiddenSize, 3, o as CellOptions & Record<string, unknown>);
  }

  forward(x: Tensor, h?: Tensor): Tensor {
    const { xb, hs, unbatched } = this.prepare(x, [h]);
    const out = A.gruCell(A.linear(xb, this.weightIh, this.biasIh), A.linear(hs[0], this.weightHh, this.biasHh), hs[0]);
    return unbatched ? A.squeeze(out, 0) : out;
  }
}
