/**
 * Adaptive max pooling as torch.nn.AdaptiveMaxPool1d / AdaptiveMaxPool2d: output bin i of a dim
 * of length L covers [⌊i·L/out⌋, ⌈(i+1)·L/out⌉) (PyTorch's bins). The max over a rectangle is
 * the max over its rows of the max over its columns, so 2-d pooling runs the 1-d pooling along
 * W and then along H; each bin is a narrow + max (the gradient goes to the maximum). With
 * returnIndices, run(x) also gives the flat index of each maximum in its input plane.
 */
import { shapeStr } from '../backend/shape.js';
import * as A from '../autograd/index.js';
import { checkArg, checkOptions, num } from '../tensor/options.js';
import { Tensor } from '../tensor/tensor.js';
import { Size, expand } from './conv.js';
import { Module } from './module.js';
import type { MaxPoolResult } from './pooling.js';

/** PyTorch's adaptive bins of a dim of length len into out parts. */
export function adaptiveBins(len: number, out: number): [number, number][] {
  return Array.from({ length: out }, (_, i) => [Math.floor((i * len) / out), Math.ceil(((i + 1) * len) / out)]);
}

/** Max over the adaptive bins of dim d. */
function maxAlong(x: Tensor, d: number, out: number): Tensor {
  const bins = adaptiveBins(x.shape[d], out);
  return A.cat(bins.map(([s, e]) => A.max(A.narrow(x, d, s, e - s), d, { keepDim: true })), d);
}

/** Functional adaptive max pooling over the last `sizes.length` dims; returns values and flat indices. */
export function adaptiveMaxPool(x: Tensor, sizes: number[], withIndices = false): { output: Tensor; indices: Tensor | null } {
  const nsp = sizes.length;
  let y = x;
  for (let i = nsp - 1; i >= 0; i--) y = maxAlong(y, x.ndim - nsp + i, sizes[i]);
  if (!withIndices) return { output: y, indices: null };
  // Indices: per bin, the argmax of the flattened window, turned into a flat index of the plane.
  const lead = x.shape.slice(0, x.ndim - nsp);
  const sp = x.shape.slice(x.ndim - nsp);
  const binsPer = sp.map((l, i) => adaptiveBins(l, sizes[i]));
  const idx = A.noGrad(() => {
    const parts: Tensor[] = [];
    const walk = (dim: number, region: Tensor, starts: number[], widths: number[]): void => {
      if (dim === nsp) {
        const flat = A.reshape(region, [...lead, -1]);
        const local = A.cast(A.argmax(flat, lead.length), 'float64');
        // Position in the window → position in the plane, dim by dim from the last.
        let rest = local;
        let flatIdx: Tensor | null = null;
        let stride = 1;
        for (let k = nsp - 1; k >= 0; k--) {
          const q = A.floor(A.div(rest, widths[k]));
          const r = A.sub(rest, A.mul(q, widths[k]));
          const term = A.mul(A.add(r, starts[k]), stride);
          flatIdx = flatIdx ? A.add(flatIdx, term) : term;
          stride *= sp[k];
          rest = q;
        }
        parts.push(flatIdx as Tensor);
        return;
      }
      for (const [s, e] of binsPer[dim]) walk(dim + 1, A.narrow(region, lead.length + dim, s, e - s), [...starts, s], [...widths, e - s]);
    };
    walk(0, x, [], []);
    return A.cast(A.reshape(A.stack(parts, -1), y.shape), 'int32');
  });
  return { output: y, indices: idx };
}

export interface AdaptiveMaxPoolOptions {
  returnIndices?: boolean;
}

abstract class AdaptiveMaxPoolNd extends Module {
  readonly outputSize: number[];
  readonly returnIndices: boolean;

  constructor(outputSize: Size, private readonly nsp: number, o: AdaptiveMaxPoolOptions) {
    super();
    const op = this.constructor.name;
    checkOptions(op, o, { returnIndices: 'boolean' });
    if (typeof outputSize === 'number') checkArg(op, 'outputSize', outputSize, num({ min: 1, integer: true }));
    this.outputSize = expand(op, 'outputSize', outputSize, nsp);
    if (this.outputSize.some((s) => s < 1)) throw new RangeError(`${op}: outputSize must be ≥ 1, got [${this.outputSize}]`);
    this.returnIndices = o.returnIndices ?? false;
  }

  private check(x: Tensor): void {
    const op = this.constructor.name;
    if (x.ndim !== this.nsp + 1 && x.ndim !== this.nsp + 2) {
      throw new RangeError(`${op}: expected [N, C, ${this.nsp === 1 ? 'L' : 'H, W'}] or [C, ${this.nsp === 1 ? 'L' : 'H, W'}], got ${shapeStr(x.shape)}`);
    }
    if (x.shape.slice(x.ndim - this.nsp).some((s) => s < 1)) throw new RangeError(`${op}: input ${shapeStr(x.shape)} has an empty spatial dim`);
  }

  forward(x: Tensor): Tensor {
    if (this.returnIndices) throw new Error(`${this.constructor.name}: returnIndices is set, so the output comes with indices: call run(x) for { output, indices }`);
    this.check(x);
    return adaptiveMaxPool(x, this.outputSize).output;
  }

  /** Output and the flat index of each maximum in its input plane. */
  run(x: Tensor): MaxPoolResult {
    this.check(x);
    const r = adaptiveMaxPool(x, this.outputSize, true);
    return { output: r.output, indices: r.indices as Tensor };
  }

  override extraRepr(): string {
    return `outputSize=[${this.outputSize}]`;
  }
}

export class AdaptiveMaxPool1d extends AdaptiveMaxPoolNd {
  constructor(outputSize: number, o: AdaptiveMaxPoolOptions = {}) {
    super(outputSize, 1, o);
  }
}

export class AdaptiveMaxPool2d extends AdaptiveMaxPoolNd {
  constructor(outputSize: Size, o: AdaptiveMaxPoolOptions = {}) {
    super(outputSize, 2, o);
  }
}
