/**
 * DataLoader: turns a dataset into batches, with a seeded shuffle each epoch and optional
 * drop-last. Batches come from `dataset.getBatch(indices)` when the dataset has it (one gather
 * per tensor), else samples are collated by stacking each field.
 */
import { stack } from '../autograd/ops/shape.js';
import { Generator, defaultGenerator } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import type { Dataset } from './dataset.js';
import { checkOptions, num } from '../tensor/options.js';
import { notImplemented } from '../tensor/option-rules.js';

/** DataLoader's options; PyTorch's worker and sampler options are not implemented (one thread, sequential or seeded shuffle). */
export const DATALOADER_OPTIONS = {
  batchSize: num({ min: 1, integer: true }), shuffle: 'boolean', dropLast: 'boolean', generator: 'any', collate: 'function',
  numWorkers: notImplemented(0, 'batches are built on the calling thread'), sampler: notImplemented(undefined), batchSampler: notImplemented(undefined),
  pinMemory: notImplemented(false), timeout: notImplemented(0), workerInitFn: notImplemented(undefined),
  prefetchFactor: notImplemented(undefined), persistentWorkers: notImplemented(false),
} as const;

export interface DataLoaderOptions<T> {
  batchSize?: number;
  shuffle?: boolean;
  dropLast?: boolean;
  generator?: Generator;
  /** Builds a batch from samples; the default stacks each tensor field. */
  collate?: (samples: T[]) => T;
}

function defaultCollate<T>(samples: T[]): T {
  const first = samples[0];
  if (Array.isArray(first)) {
    return first.map((_, k) => stack(samples.map((s) => (s as unknown as Tensor[])[k]))) as unknown as T;
  }
  if (first instanceof Tensor) return stack(samples as unknown as Tensor[]) as unknown as T;
  throw new TypeError('DataLoader: samples are not tensors or arrays of tensors; pass a collate function');
}

export class DataLoader<T = Tensor[]> implements Iterable<T> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly generator: Generator;
  private readonly collate: (samples: T[]) => T;

  constructor(readonly dataset: Dataset<T>, opts: DataLoaderOptions<T> = {}) {
    checkOptions('DataLoader', opts, DATALOADER_OPTIONS);
    this.batchSize = opts.batchSize ?? 1;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new RangeError(`DataLoader: batchSize must be a positive integer, got ${opts.batchSize}`);
    this.shuffle = opts.shuffle ?? false;
    this.dropLast = opts.dropLast ?? false;
    this.generator = opts.generator ?? defaultGenerator();
    this.collate = opts.collate ?? defaultCollate;
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<T> {
    const n = this.dataset.length;
    let order: Int32Array;
    if (this.shuffle) order = this.generator.permutation(n);
    else {
      order = new Int32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
    }
    for (let start = 0; start < n; start += this.batchSize) {
      const end = Math.min(start + this.batchSize, n);
      if (end - start < this.batchSize && this.dropLast) break;
      const idx = order.subarray(start, end);
      if (this.dataset.getBatch) yield this.dataset.getBatch(idx);
      else yield this.collate(Array.from(idx, (i) => this.dataset.get(i)));
    }
  }
}
