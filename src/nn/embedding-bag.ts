/**
 * EmbeddingBag as torch.nn.EmbeddingBag: the sum, mean or max of the embeddings of each bag of
 * indices, without forming the [n, dim] lookups per bag. Bags are the rows of a 2-d input
 * [B, L], or the segments of a 1-d input cut at `offsets` [B] (with includeLastOffset the last
 * offset ends the last bag). Entries equal to paddingIdx are left out of their bag (not counted
 * in the mean); an empty bag gives zeros. perSampleWeights (mode 'sum' only) scale each
 * entry. maxNorm / normType / scaleGradByFreq act as in Embedding.
 *
 * The lookups are one indexSelect; 'sum' and 'mean' are one product with a constant
 * [B, n] bag matrix; 'max' is a max over each bag's rows.
 */
import { shapeStr } from '../backend/shape.js';
import * as A from '../autograd/index.js';
import { checkArg, checkOptions, num, oneOf } from '../tensor/options.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import { Tensor, allocData } from '../tensor/tensor.js';
import { zeros } from '../tensor/creation.js';
import { embeddingRenorm_, inverseFrequency } from './embedding.js';
import { normal_ } from './init.js';
import { Module, Parameter } from './module.js';

export type BagMode = 'sum' | 'mean' | 'max';

export interface EmbeddingBagOptions {
  maxNorm?: number | null;
  normType?: number;
  scaleGradByFreq?: boolean;
  mode?: BagMode;
  /** Only false: gradlab has no sparse gradients. */
  sparse?: false;
  includeLastOffset?: boolean;
  paddingIdx?: number | null;
  generator?: Generator;
}

export class EmbeddingBag extends Module {
  readonly mode: BagMode;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly scaleGradByFreq: boolean;
  readonly includeLastOffset: boolean;
  readonly paddingIdx: number | null;
  weight: Parameter;

  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, o: EmbeddingBagOptions = {}) {
    super();
    checkOptions('EmbeddingBag', o, {
      maxNorm: (v) => (v === null || (typeof v === 'number' && v > 0) ? null : `must be a number > 0 or null, got ${JSON.stringify(v)}`),
      normType: num({ min: 0, minExclusive: true }), scaleGradByFreq: 'boolean', mode: oneOf(['sum', 'mean', 'max']),
      sparse: oneOf([false]), includeLastOffset: 'boolean', paddingIdx: 'any', generator: 'any',
    });
    checkArg('EmbeddingBag', 'numEmbeddings', numEmbeddings, num({ min: 1, integer: true }));
    checkArg('EmbeddingBag', 'embeddingDim', embeddingDim, num({ min: 1, integer: true }));
    this.mode = o.mode ?? 'mean';
    this.maxNorm = o.maxNorm ?? null;
    this.normType = o.normType ?? 2;
    this.scaleGradByFreq = o.scaleGradByFreq ?? false;
    this.includeLastOffset = o.includeLastOffset ?? false;
    let pad = o.paddingIdx ?? null;
    if (pad !== null) {
      if (!Number.isInteger(pad) || pad >= numEmbeddings || pad < -numEmbeddings) throw new RangeError(`EmbeddingBag: paddingIdx ${pad} is outside [${-numEmbeddings}, ${numEmbeddings})`);
      if (pad < 0) pad += numEmbeddings;
    }
    this.paddingIdx = pad;
    this.weight = new Parameter(zeros([numEmbeddings, embeddingDim]));
    normal_(this.weight, 0, 1, o.generator ?? defaultGenerator());
    if (pad !== null) this.weight.data.fill(0, pad * embeddingDim, (pad + 1) * embeddingDim);
  }

  /** The bags [start, end) of a flat index list. */
  private bags(input: Tensor, offsets: Tensor | undefined): { idx: Int32Array; bounds: [number, number][] } {
    const op = 'EmbeddingBag';
    if (input.dtype !== 'int32') throw new TypeError(`${op}: input must be an int32 tensor of indices, got ${input.dtype}`);
    const idx = input.data as Int32Array;
    for (let i = 0; i < idx.length; i++) {
      if (idx[i] < 0 || idx[i] >= this.numEmbeddings) throw new RangeError(`${op}: index ${idx[i]} at position ${i} is out of range for ${this.numEmbeddings} embeddings`);
    }
    if (input.ndim === 2) {
      if (offsets) throw new RangeError(`${op}: offsets must be absent for a 2-d input ${shapeStr(input.shape)} (each row is a bag)`);
      const [B, L] = input.shape;
      return { idx, bounds: Array.from({ length: B }, (_, b) => [b * L, (b + 1) * L]) };
    }
    if (input.ndim !== 1) throw new RangeError(`${op}: input must be 1-d (with offsets) or 2-d [B, L], got ${shapeStr(input.shape)}`);
    if (!offsets) throw new RangeError(`${op}: a 1-d input needs offsets`);
    if (offsets.dtype !== 'int32' || offsets.ndim !== 1) throw new TypeError(`${op}: offsets must be a 1-d int32 tensor, got ${offsets.dtype} ${shapeStr(offsets.shape)}`);
    const off = Array.from(offsets.data);
    if (off.length > 0 && off[0] !== 0) throw new RangeError(`${op}: the first offset must be 0, got ${off[0]}`);
    for (let i = 1; i < off.length; i++) {
      if (off[i] < off[i - 1] || off[i] > idx.length) throw new RangeError(`${op}: offsets must be non-decreasing and ≤ ${idx.length}, got [${off.join(', ')}]`);
    }
    const ends = this.includeLastOffset ? off.slice(1) : [...off.slice(1), idx.length];
    const starts = this.includeLastOffset ? off.slice(0, -1) : off;
    return { idx, bounds: starts.map((s, b) => [s, ends[b]]) };
  }

  forward(input: Tensor, offsets?: Tensor, perSampleWeights?: Tensor): Tensor {
    const op = 'EmbeddingBag';
    const { idx, bounds } = this.bags(input, offsets);
    if (perSampleWeights) {
      if (this.mode !== 'sum') throw new RangeError(`${op}: perSampleWeights only work with mode 'sum', got mode '${this.mode}'`);
      if (perSampleWeights.size !== idx.length) throw new RangeError(`${op}: perSampleWeights ${shapeStr(perSampleWeights.shape)} must match input ${shapeStr(input.shape)}`);
    }
    if (this.maxNorm !== null) embeddingRenorm_(this.weight, idx, this.maxNorm, this.normType);
    let rows = A.indexSelect(this.weight, 0, idx); // [n, D]
    if (this.scaleGradByFreq && rows.requiresGrad) rows = A.scaleGrad(rows, inverseFrequency(idx, rows.dtype));
    if (perSampleWeights) rows = A.mul(rows, A.reshape(perSampleWeights, [idx.length, 1]));
    const B = bounds.length;
    const D = this.embeddingDim;
    const keep = (i: number): boolean => this.paddingIdx === null || idx[i] !== this.paddingIdx;
    if (this.mode === 'max') {
      const outs = bounds.map(([s, e]) => {
        const members = Int32Array.from({ length: e - s }, (_, k) => s + k).filter(keep);
        if (members.length === 0) return A.cast(zeros([D]), rows.dtype);
        return A.max(A.indexSelect(rows, 0, members), 0);
      });
      return B === 0 ? A.cast(zeros([0, D]), rows.dtype) : A.stack(outs, 0);
    }
    const m = allocData(rows.dtype === 'float64' ? 'float64' : 'float32', B * idx.length);
    bounds.forEach(([s, e], b) => {
      let count = 0;
      for (let i = s; i < e; i++) if (keep(i)) count++;
      for (let i = s; i < e; i++) if (keep(i)) m[b * idx.length + i] = this.mode === 'mean' ? 1 / count : 1;
    });
    return A.matmul(new Tensor(m, [B, idx.length]), rows);
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}, mode=${this.mode}${this.paddingIdx !== null ? `, paddingIdx=${this.paddingIdx}` : ''}`;
  }
}
