/**
 * DataLoader: turns a dataset into batches, with a seeded shuffle each epoch and optional
 * drop-last. Batches come from `dataset.getBatch(indices)` when the dataset has it (one gather
 * per tensor), else samples are collated by stacking each field.
 */
import { stack } from '../autograd/ops/shape.js';
import { Generator, defaultGenerator, type GeneratorState } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import type { Dataset } from './dataset.js';

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

/** A loader's resumable position (DataLoader.stateDict). */
export interface DataLoaderState {
  epochStart: GeneratorState | null;
  position: number;
  generator: GeneratorState;
}

export class DataLoader<T = Tensor[]> implements Iterable<T> {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly generator: Generator;
  private readonly collate: (samples: T[]) => T;
  /** The shuffle generator's state when the current epoch's order was drawn (null: none drawn yet). */
  private epochStart: GeneratorState | null = null;
  /** Batches handed out in the current epoch. */
  private position = 0;
  /** Set by loadStateDict: the next epoch re-draws the saved order and skips `position` batches. */
  private resumeAt: { state: GeneratorState | null; position: number } | null = null;

  constructor(readonly dataset: Dataset<T>, opts: DataLoaderOptions<T> = {}) {
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

  /**
   * Where the loader stands (for resume checkpoints): the shuffle generator's state before the
   * current epoch's order was drawn and how many batches of it were handed out; with the state
   * after the epoch (`next`) for an epoch that ended.
   */
  stateDict(): DataLoaderState {
    return { epochStart: this.epochStart, position: this.position, generator: this.generator.getState() };
  }

  /**
   * Restores a position: the next iteration continues the saved epoch from its next batch (same
   * order), or, for a finished epoch, draws the next order from the saved generator state.
   */
  loadStateDict(s: DataLoaderState): void {
    this.generator.setState(s.generator);
    this.resumeAt = s.position > 0 && s.position < this.length ? { state: s.epochStart, position: s.position } : null;
    this.epochStart = s.epochStart;
    this.position = this.resumeAt ? s.position : 0;
  }

  *[Symbol.iterator](): Iterator<T> {
    const n = this.dataset.length;
    const resume = this.resumeAt;
    this.resumeAt = null;
    if (resume?.state) this.generator.setState(resume.state);
    this.epochStart = this.shuffle ? this.generator.getState() : null;
    let order: Int32Array;
    if (this.shuffle) order = this.generator.permutation(n);
    else {
      order = new Int32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
    }
    this.position = 0;
    const skip = resume?.position ?? 0;
    for (let start = 0, b = 0; start < n; start += this.batchSize, b++) {
      const end = Math.min(start + this.batchSize, n);
      if (end - start < this.batchSize && this.dropLast) break;
      if (b < skip) {
        this.position = b + 1;
        continue;
      }
      const idx = order.subarray(start, end);
      this.position = b + 1;
      if (this.dataset.getBatch) yield this.dataset.getBatch(idx);
      else yield this.collate(Array.from(idx, (i) => this.dataset.get(i)));
    }
  }
}
