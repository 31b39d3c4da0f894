/**
 * MaxUnpool1d / MaxUnpool2d as torch.nn: the partial inverse of max pooling. Each value of the
 * pooled input goes back to the flat position `indices` gives (MaxPool's run(x).indices) in a
 * zero plane of the output size, default (in − 1)·stride − 2·padding + kernel per dim (or
 * `outputSize`). Where two windows picked the same position the values add (PyTorch leaves that
 * case unspecified; non-overlapping pools never hit it).
 */
import { shapeStr } from '../backend/shape.js';
import * as A from '../autograd/index.js';
import { checkOptions } from '../tensor/options.js';
import { Tensor } from '../tensor/tensor.js';
import { Size, expand } from './conv.js';
import { Module } from './module.js';

export interface MaxUnpoolOptions {
  /** Defaults to the kernel size. */
  stride?: Size;
  padding?: Size;
}

abstract class MaxUnpoolNd extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];

  constructor(kernelSize: Size, private readonly nsp: number, o: MaxUnpoolOptions) {
    super();
    const op = this.constructor.name;
    checkOptions(op, o, { stride: 'any', padding: 'any' });
    this.kernelSize = expand(op, 'kernelSize', kernelSize, nsp);
    this.stride = expand(op, 'stride', o.stride ?? this.kernelSize, nsp);
    this.padding = expand(op, 'padding', o.padding ?? 0, nsp);
    if (this.kernelSize.some((k) => k < 1) || this.stride.some((s) => s < 1)) throw new RangeError(`${op}: kernel and stride must be ≥ 1, got [${this.kernelSize}] and [${this.stride}]`);
  }

  /** x and indices [N, C, ...] (or [C, ...]) from MaxPool's run(); outputSize: the spatial size to restore. */
  forward(x: Tensor, indices: Tensor, outputSize?: Tensor | readonly number[]): Tensor {
    const op = this.constructor.name;
    const nsp = this.nsp;
    const unbatched = x.ndim === nsp + 1;
    if (x.ndim !== nsp + 2 && !unbatched) throw new RangeError(`${op}: expected a ${nsp + 2}-d input (or ${nsp + 1}-d unbatched), got ${shapeStr(x.shape)}`);
    if (indices.ndim !== x.ndim || indices.shape.some((s, i) => s !== x.shape[i])) {
      throw new RangeError(`${op}: indices ${shapeStr(indices.shape)} must have the shape of the input ${shapeStr(x.shape)}`);
    }
    const xb = unbatched ? A.unsqueeze(x, 0) : x;
    const ib = unbatched ? A.unsqueeze(indices, 0) : indices;
    const inSize = xb.shape.slice(2);
    const size = outputSize ? (outputSize instanceof Tensor ? Array.from(outputSize.data) : [...outputSize]).slice(-nsp) : inSize.map((l, i) => (l - 1) * this.stride[i] - 2 * this.padding[i] + this.kernelSize[i]);
    if (size.length !== nsp || size.some((s) => !Number.isInteger(s) || s < 1)) throw new RangeError(`${op}: outputSize must give ${nsp} positive sizes, got [${size.join(', ')}]`);
    const [n, c] = xb.shape;
    const plane = size.reduce((a, b) => a * b, 1);
    const flat = A.scatterAddNew(A.reshape(xb, [n, c, -1]), 2, A.reshape(ib, [n, c, -1]), [n, c, plane]);
    const out = A.reshape(flat, [n, c, ...size]);
    return unbatched ? A.squeeze(out, 0) : out;
  }

  override extraRepr(): string {
    return `kernelSize=[${this.kernelSize}], stride=[${this.stride}], padding=[${this.padding}]`;
  }
}

export class MaxUnpool1d extends MaxUnpoolNd {
  constructor(kernelSize: Size, o: MaxUnpoolOptions = {}) {
    super(kernelSize, 1, o);
  }
}

export class MaxUnpool2d extends MaxUnpoolNd {
  constructor(kernelSize: Size, o: MaxUnpoolOptions = {}) {
    super(kernelSize, 2, o);
  }
}
