/**
 * Image transforms and augmentation, as torchvision.transforms: Normalize, RandomRotation,
 * RandomCrop (with padding), RandomHorizontalFlip, GaussianNoise, composed with Compose, applied
 * per sample ([C,H,W] or [H,W]) or per batch ([N,C,H,W], each sample drawing its own random
 * parameters). Every random draw comes from a Generator (the Compose's own, seeded, unless one is
 * passed), so a seed gives the same augmented images on every run.
 *
 * Transforms work on float tensors' data directly and return new tensors: augmentation is input
 * preparation, outside autograd.
 */
import { stack } from '../autograd/ops/shape.js';
import { shapeStr } from '../backend/shape.js';
import { Generator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import type { Dataset } from './dataset.js';
import { checkOptions, num, oneOf } from '../tensor/options.js';

type FloatData = Float32Array | Float64Array;

export interface Transform {
  readonly name: string;
  apply(x: Tensor, gen?: Generator): Tensor;
}

/** n samples × c channels × h × w, whatever the rank. */
function layout(x: Tensor, who: string): { n: number; c: number; h: number; w: number } {
  if (x.dtype === 'int32') throw new TypeError(`${who}: expects a float tensor, got int32 ${shapeStr(x.shape)}`);
  const s = x.shape;
  if (s.length === 4) return { n: s[0], c: s[1], h: s[2], w: s[3] };
  if (s.length === 3) return { n: 1, c: s[0], h: s[1], w: s[2] };
  if (s.length === 2) return { n: 1, c: 1, h: s[0], w: s[1] };
  throw new RangeError(`${who}: expects [N,C,H,W], [C,H,W] or [H,W], got ${shapeStr(s)}`);
}

function like(x: Tensor, n: number): FloatData {
  return x.dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

/** (x − mean[c]) / std[c] per channel. */
export class Normalize implements Transform {
  readonly name = 'Normalize';
  private readonly mean: number[];
  private readonly std: number[];

  constructor(mean: number | readonly number[], std: number | readonly number[]) {
    this.mean = typeof mean === 'number' ? [mean] : [...mean];
    this.std = typeof std === 'number' ? [std] : [...std];
    if (this.mean.length !== this.std.length) throw new RangeError(`Normalize: ${this.mean.length} means but ${this.std.length} stds`);
    for (const s of this.std) if (!(s > 0)) throw new RangeError(`Normalize: std must be > 0, got ${s}`);
  }

  apply(x: Tensor): Tensor {
    const { n, c, h, w } = layout(x, this.name);
    if (this.mean.length !== 1 && this.mean.length !== c) throw new RangeError(`Normalize: ${this.mean.length} channel means for ${c} channels (shape ${shapeStr(x.shape)})`);
    const out = like(x, x.size);
    const plane = h * w;
    for (let i = 0; i < n; i++) for (let ch = 0; ch < c; ch++) {
      const m = this.mean[this.mean.length === 1 ? 0 : ch];
      const s = this.std[this.std.length === 1 ? 0 : ch];
      const off = (i * c + ch) * plane;
      for (let k = 0; k < plane; k++) out[off + k] = (x.data[off + k] - m) / s;
    }
    return new Tensor(out, x.shape);
  }
}

/** Samples plane `src` (h×w) at real coordinates (y, x); outside the image reads `fill`. */
function sample(src: FloatData, off: number, h: number, w: number, y: number, x: number, mode: 'bilinear' | 'nearest', fill: number): number {
  if (mode === 'nearest') {
    const yi = Math.round(y), xi = Math.round(x);
    return yi >= 0 && yi < h && xi >= 0 && xi < w ? src[off + yi * w + xi] : fill;
  }
  const y0 = Math.floor(y), x0 = Math.floor(x);
  const fy = y - y0, fx = x - x0;
  const at = (yy: number, xx: number) => (yy >= 0 && yy < h && xx >= 0 && xx < w ? src[off + yy * w + xx] : fill);
  return (1 - fy) * ((1 - fx) * at(y0, x0) + fx * at(y0, x0 + 1)) + fy * ((1 - fx) * at(y0 + 1, x0) + fx * at(y0 + 1, x0 + 1));
}

/** Rotates each sample about its centre by an angle drawn uniformly from the range (degrees, counter-clockwise). */
export class RandomRotation implements Transform {
  readonly name = 'RandomRotation';
  readonly range: [number, number];
  readonly interpolation: 'bilinear' | 'nearest';
  readonly fill: number;

  constructor(degrees: number | readonly [number, number], opts: { interpolation?: 'bilinear' | 'nearest'; fill?: number } = {}) {
    checkOptions('RandomRotation', opts, { interpolation: oneOf(['bilinear', 'nearest']), fill: num() });
    if (typeof degrees === 'number') {
      if (degrees < 0) throw new RangeError(`RandomRotation: degrees must be ≥ 0 when a single number, got ${degrees}`);
      this.range = [-degrees, degrees];
    } else {
      if (degrees[0] > degrees[1]) throw new RangeError(`RandomRotation: range [${degrees[0]}, ${degrees[1]}] is reversed`);
      this.range = [degrees[0], degrees[1]];
    }
    this.interpolation = opts.interpolation ?? 'bilinear';
    this.fill = opts.fill ?? 0;
  }

  apply(x: Tensor, gen: Generator = new Generator(0)): Tensor {
    const { n, c, h, w } = layout(x, this.name);
    const out = like(x, x.size);
    const src = x.data as FloatData;
    const cy = (h - 1) / 2, cx = (w - 1) / 2;
    for (let i = 0; i < n; i++) {
      const deg = this.range[0] === this.range[1] ? this.range[0] : gen.uniform(this.range[0], this.range[1]);
      const t = (deg * Math.PI) / 180;
      const cos = Math.cos(t), sin = Math.sin(t);
      for (let ch = 0; ch < c; ch++) {
        const off = (i * c + ch) * h * w;
        for (let r = 0; r < h; r++) for (let q = 0; q < w; q++) {
          const dx = q - cx, dy = r - cy;
          // Inverse map of a counter-clockwise turn in image coordinates (y pointing down).
          const sx = cos * dx - sin * dy + cx;
          const sy = sin * dx + cos * dy + cy;
          out[off + r * w + q] = sample(src, off, h, w, sy, sx, this.interpolation, this.fill);
        }
      }
    }
    return new Tensor(out, x.shape);
  }
}

/** Pads each side by `padding` (with `fill`), then crops a random size[0]×size[1] window per sample. */
export class RandomCrop implements Transform {
  readonly name = 'RandomCrop';
  readonly size: [number, number];
  readonly padding: number;
  readonly fill: number;

  constructor(size: number | readonly [number, number], opts: { padding?: number; fill?: number } = {}) {
    checkOptions('RandomCrop', opts, { padding: num({ min: 0, integer: true }), fill: num() });
    this.size = typeof size === 'number' ? [size, size] : [size[0], size[1]];
    this.padding = opts.padding ?? 0;
    this.fill = opts.fill ?? 0;
    if (!Number.isInteger(this.padding) || this.padding < 0) throw new RangeError(`RandomCrop: padding must be an integer ≥ 0, got ${this.padding}`);
  }

  apply(x: Tensor, gen: Generator = new Generator(0)): Tensor {
    const { n, c, h, w } = layout(x, this.name);
    const [oh, ow] = this.size;
    const p = this.padding;
    if (oh > h + 2 * p || ow > w + 2 * p) throw new RangeError(`RandomCrop: crop ${oh}×${ow} is larger than the padded image ${h + 2 * p}×${w + 2 * p}`);
    const out = like(x, n * c * oh * ow);
    const src = x.data;
    for (let i = 0; i < n; i++) {
      const top = gen.int(h + 2 * p - oh + 1) - p;
      const left = gen.int(w + 2 * p - ow + 1) - p;
      for (let ch = 0; ch < c; ch++) {
        const so = (i * c + ch) * h * w, oo = (i * c + ch) * oh * ow;
        for (let r = 0; r < oh; r++) for (let q = 0; q < ow; q++) {
          const y = top + r, xx = left + q;
          out[oo + r * ow + q] = y >= 0 && y < h && xx >= 0 && xx < w ? src[so + y * w + xx] : this.fill;
        }
      }
    }
    const shape = x.shape.length === 4 ? [n, c, oh, ow] : x.shape.length === 3 ? [c, oh, ow] : [oh, ow];
    return new Tensor(out, shape);
  }
}

/** Mirrors each sample left–right with probability p. */
export class RandomHorizontalFlip implements Transform {
  readonly name = 'RandomHorizontalFlip';
  constructor(readonly p = 0.5) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`RandomHorizontalFlip: p must be in [0, 1], got ${p}`);
  }

  apply(x: Tensor, gen: Generator = new Generator(0)): Tensor {
    const { n, c, h, w } = layout(x, this.name);
    const out = like(x, x.size);
    const src = x.data;
    for (let i = 0; i < n; i++) {
      const flip = gen.random() < this.p;
      for (let ch = 0; ch < c; ch++) {
        const off = (i * c + ch) * h * w;
        for (let r = 0; r < h; r++) for (let q = 0; q < w; q++) out[off + r * w + q] = src[off + r * w + (flip ? w - 1 - q : q)];
      }
    }
    return new Tensor(out, x.shape);
  }
}

/** Adds N(mean, std²) noise to every value, optionally clipped to [lo, hi]. */
export class GaussianNoise implements Transform {
  readonly name = 'GaussianNoise';
  constructor(readonly std: number, readonly mean = 0, readonly clip: readonly [number, number] | null = null) {
    if (!(std >= 0)) throw new RangeError(`GaussianNoise: std must be ≥ 0, got ${std}`);
  }

  apply(x: Tensor, gen: Generator = new Generator(0)): Tensor {
    layout(x, this.name);
    const out = like(x, x.size);
    for (let k = 0; k < x.size; k++) {
      let v = x.data[k] + gen.normal(this.mean, this.std);
      if (this.clip) v = Math.min(this.clip[1], Math.max(this.clip[0], v));
      out[k] = v;
    }
    return new Tensor(out, x.shape);
  }
}

/** Applies transforms in order, drawing from its own seeded Generator unless one is passed. */
export class Compose implements Transform {
  readonly name = 'Compose';
  readonly transforms: readonly Transform[];
  readonly gen: Generator;

  constructor(transforms: readonly Transform[], opts: { seed?: number; gen?: Generator } = {}) {
    checkOptions('Compose', opts, { seed: num({ integer: true }), gen: 'any' });
    this.transforms = [...transforms];
    this.gen = opts.gen ?? new Generator(opts.seed ?? 0);
  }

  apply(x: Tensor, gen: Generator = this.gen): Tensor {
    let y = x;
    for (const t of this.transforms) y = t.apply(y, gen);
    return y;
  }

  toString(): string {
    return `Compose(${this.transforms.map((t) => t.name).join(' → ')})`;
  }
}

/**
 * A dataset whose first field (the image) goes through a transform on each access: per sample
 * with get(), per batch with getBatch() (each sample still draws its own parameters).
 */
export class TransformedDataset implements Dataset<Tensor[]> {
  constructor(readonly dataset: Dataset<Tensor[]>, readonly transform: Transform, readonly gen: Generator = new Generator(0)) {}

  get length(): number {
    return this.dataset.length;
  }

  get(index: number): Tensor[] {
    const [x, ...rest] = this.dataset.get(index);
    return [this.transform.apply(x, this.gen), ...rest];
  }

  getBatch(indices: Int32Array): Tensor[] {
    if (this.dataset.getBatch) {
      const [x, ...rest] = this.dataset.getBatch(indices);
      return [this.transform.apply(x, this.gen), ...rest];
    }
    const samples = Array.from(indices, (i) => this.get(i));
    return samples[0].map((_, k) => stack(samples.map((s) => s[k])));
  }
}
