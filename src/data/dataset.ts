/**
 * Datasets as in torch.utils.data: an indexable collection of samples. A dataset may also offer
 * `getBatch(indices)` to build a whole batch with one kernel (TensorDataset does), which the
 * DataLoader prefers over collating samples one by one.
 */
import { shapeStr } from '../backend/shape.js';
import { indexSelect, select } from '../autograd/ops/shape.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';

export interface Dataset<T = Tensor[]> {
  readonly length: number;
  get(index: number): T;
  getBatch?(indices: Int32Array): T;
}

/** Samples are rows of several tensors that share their first dimension (e.g. inputs and labels). */
export class TensorDataset implements Dataset<Tensor[]> {
  readonly tensors: Tensor[];

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new Error('TensorDataset: needs at least one tensor');
    const n = tensors[0].shape[0];
    for (const [i, t] of tensors.entries()) {
      if (t.ndim === 0 || t.shape[0] !== n) {
        throw new RangeError(`TensorDataset: tensor ${i} has shape ${shapeStr(t.shape)}, but tensor 0 has ${n} rows (all tensors must share their first dimension)`);
      }
    }
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0].shape[0];
  }

  get(index: number): Tensor[] {
    return this.tensors.map((t) => select(t, 0, index));
  }

  getBatch(indices: Int32Array): Tensor[] {
    return this.tensors.map((t) => indexSelect(t, 0, indices));
  }
}

/** A view of a dataset through a list of indices. */
export class Subset<T = Tensor[]> implements Dataset<T> {
  constructor(readonly dataset: Dataset<T>, readonly indices: Int32Array) {
    for (const [k, i] of indices.entries()) {
      if (i < 0 || i >= dataset.length) throw new RangeError(`Subset: index ${i} at position ${k} is outside the dataset of length ${dataset.length}`);
    }
  }

  get length(): number {
    return this.indices.length;
  }

  get(index: number): T {
    if (index < 0 || index >= this.indices.length) throw new RangeError(`Subset: index ${index} is outside [0, ${this.indices.length})`);
    return this.dataset.get(this.indices[index]);
  }

  getBatch(indices: Int32Array): T {
    const mapped = indices.map((i) => this.indices[i]);
    if (this.dataset.getBatch) return this.dataset.getBatch(mapped);
    throw new Error('Subset.getBatch: the underlying dataset has no getBatch');
  }
}

/**
 * Splits a dataset at random into non-overlapping subsets. `lengths` are counts that add up to
 * the dataset's length, or fractions that add up to 1 (remainders go to the first subsets, as
 * PyTorch does).
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: number[], generator: Generator = defaultGenerator()): Subset<T>[] {
  const n = dataset.length;
  let counts = lengths;
  const sum = lengths.reduce((a, b) => a + b, 0);
  if (lengths.every((l) => l >= 0 && l <= 1) && Math.abs(sum - 1) < 1e-9 && sum !== n) {
    counts = lengths.map((f) => Math.floor(f * n));
    let rest = n - counts.reduce((a, b) => a + b, 0);
    for (let i = 0; rest > 0; i = (i + 1) % counts.length, rest--) counts[i]++;
  } else if (sum !== n || lengths.some((l) => !Number.isInteger(l) || l < 0)) {
    throw new RangeError(`randomSplit: lengths [${lengths.join(', ')}] must be counts adding up to ${n} or fractions adding up to 1`);
  }
  const perm = generator.permutation(n);
  const out: Subset<T>[] = [];
  let off = 0;
  for (const c of counts) {
    out.push(new Subset(dataset, perm.slice(off, off + c)));
    off += c;
  }
  return out;
}

/** A random subset holding `fraction` of the samples (S2 keeps 5% of the data). */
export function subsample<T>(dataset: Dataset<T>, fraction: number, generator: Generator = defaultGenerator()): Subset<T> {
  if (!(fraction > 0 && fraction <= 1)) throw new RangeError(`subsample: fraction must be in (0, 1], got ${fraction}`);
  const k = Math.max(1, Math.round(dataset.length * fraction));
  return new Subset(dataset, generator.permutation(dataset.length).slice(0, k));
}
